using JudgeApi.Judging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace JudgeApi.Extensions;

/// <summary>
/// OpenTelemetry: the <c>JudgeApi</c> meter and ActivitySource with ASP.NET Core and HttpClient instrumentation,
/// scraped by Prometheus at <c>GET /metrics</c>, and exported over OTLP as well when the standard
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the exporter reads the other <c>OTEL_*</c> variables itself).
/// </summary>
public static class OpenTelemetryExtensions
{
    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static WebApplicationBuilder AddJudgeTelemetry(this WebApplicationBuilder builder)
    {
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointKey]);
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("judgeapi"))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(JudgeMetrics.MeterName).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddPrometheusExporter();
                if (otlp)
                    metrics.AddOtlpExporter();
            })
            .WithTracing(tracing =>
            {
                tracing.AddSource(JudgeTelemetry.SourceName).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation();
                if (otlp)
                    tracing.AddOtlpExporter();
            });
        return builder;
    }

    /// <summary>Prometheus text format at <c>/metrics</c>, as llama-server and vLLM serve it; no key needed.</summary>
    public static WebApplication MapJudgeMetrics(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint("/metrics").AllowAnonymous();
        return app;
    }
}
