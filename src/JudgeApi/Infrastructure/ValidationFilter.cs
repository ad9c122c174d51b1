using FluentValidation;

namespace JudgeApi.Infrastructure;

/// <summary>Runs the FluentValidation validator of the endpoint's <typeparamref name="T"/> body: 400 problem+json with errors by field.</summary>
internal sealed class ValidationFilter<T>(IValidator<T> validator) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (context.Arguments.OfType<T>().FirstOrDefault() is not { } body)
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "A JSON object body is required.");
        var result = await validator.ValidateAsync(body, context.HttpContext.RequestAborted);
        return result.IsValid
            ? await next(context)
            : TypedResults.ValidationProblem(result.ToDictionary(), title: "The request is not valid.");
    }
}
