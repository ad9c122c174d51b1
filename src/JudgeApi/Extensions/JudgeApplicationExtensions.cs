using JudgeApi.Apis;
using JudgeApi.Auth;
using JudgeApi.Infrastructure;
using Microsoft.AspNetCore.Diagnostics;
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
        app.UseStatusCodePages(WriteStatusAsync);
        app.UseAuthentication();
        app.UseCsrfProtection();
        app.UseAuthorization();
        app.UseJudgeRateLimiting();
        // The server the document was fetched from, so a generated client needs no base URL of its own.
        app.UseSwagger(o => o.PreSerializeFilters.Add((document, request) =>
            document.Servers = [new Microsoft.OpenApi.OpenApiServer { Url = $"{request.Scheme}://{request.Host}{request.PathBase}" }]));
        app.UseSwaggerUI(c => c.SwaggerEndpoint("/swagger/v1/swagger.json", "JudgeApi v1"));

        app.MapJudgeHealthChecks();
        app.MapJudgeMetrics();
        app.MapOpenAiApi();
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

    /// <summary>A status with no body yet (401, 403, 404, …): problem+json whatever the Accept header, or OpenAI's error shape on /v1.</summary>
    private static Task WriteStatusAsync(StatusCodeContext context)
    {
        var http = context.HttpContext;
        var status = http.Response.StatusCode;
        if (OpenAiErrors.Applies(http))
            return OpenAiErrors.WriteAsync(http, status, OpenAiErrors.StatusMessage(status)).ContinueWith(_ => { }, TaskScheduler.Default);
        // Always problem+json: the default writer honours Accept and answers an odd one (application/xml) in plain text.
        return TypedResults.Problem(statusCode: status).ExecuteAsync(http);
    }
}
