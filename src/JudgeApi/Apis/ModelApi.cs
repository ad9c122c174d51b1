using JudgeApi.Auth;
using JudgeApi.Contracts;
using JudgeApi.Judging;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JudgeApi.Apis;

/// <summary>GET /model: what the judge runs on.</summary>
public static class ModelApi
{
    public static RouteHandlerBuilder MapModelApi(this IEndpointRouteBuilder app) =>
        app.MapGet("/model", GetModel)
            .WithTags("Model")
            .WithName("GetModel")
            .WithSummary("The loaded base model, its shape, the backend and the active adapter.")
            .RequireAuthorization(AuthRoles.JudgePolicy)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    private static Ok<ModelResponse> GetModel(IJudgeEngine engine)
    {
        var m = engine.Model;
        return TypedResults.Ok(new ModelResponse(m.Path, Path.GetFileName(m.Path), m.ContentHash, m.Architecture, m.Description,
            m.ParameterCount, m.SizeBytes, m.ContextSize, m.Sequences, m.Backend,
            m.AdapterPath is null ? null : new ModelAdapter(m.AdapterPath, Path.GetFileName(m.AdapterPath), m.AdapterHash!),
            JudgePrompt.Version, m.IsDemo, m.ChatTemplate, m.BehaviorVersion));
    }
}
