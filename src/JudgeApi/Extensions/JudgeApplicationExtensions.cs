using JudgeApi.Apis;
using JudgeApi.Auth;
using JudgeApi.Infrastructure;
using Microsoft.Extensions.Options;

namespace JudgeApi.Extensions;

/// <summary>The HTTP pipeline and the routes.</summary>
public static class JudgeApplicationExtensions
{
    public static WebApplication UseJudgeApi(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseRequestDrain();
        app.UseKnownBodyCharsets();
        // Always problem+json: the default writer honours Accept and answers an odd one (application/xml) in plain text.
        app.UseStatusCodePages(c => TypedResults.Problem(statusCode: c.HttpContext.Response.StatusCode).ExecuteAsync(c.HttpContext));
        app.UseAuthentication();
        app.UseCsrfProtection();
        app.UseAuthorization();
        app.UseSwagger();
        app.UseSwaggerUI(c => c.SwaggerEndpoint("/swagger/v1/swagger.json", "JudgeApi v1"));

        app.MapHealthApi();
        app.MapJudgmentsApi();
        app.MapModelApi();
        app.MapInstructionsApi();
        app.MapIterationsApi();
        app.MapAdaptersApi();
        app.MapIterationDataApi();
        app.MapPlaygroundApi();
        app.MapSessionApi();
        app.UseConsole();

        if (!app.Services.GetRequiredService<IOptions<AuthOptions>>().Value.Enabled)
            app.Lifetime.ApplicationStarted.Register(() => app.Logger.LogWarning(
                "No API keys configured (Auth:ClientKeys, Auth:OperatorKeys): listening on loopback only ({Urls}) and accepting every caller.",
                string.Join(", ", app.Urls)));
        return app;
    }
}
