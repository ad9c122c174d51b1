using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using JudgeApi.Judging;
using JudgeApi.Llama;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace JudgeApi.Tests.Fidelity;

/// <summary>
/// An OpenAI-compatible endpoint (<c>GET /v1/models</c>, <c>POST /v1/chat/completions</c>) on loopback, generating
/// for real with a llama.cpp engine over a generated model, and recording every request it was sent: what a
/// <c>Judge:Generator:Endpoint</c> talks to (llama-server, vLLM, OpenAI) reduced to the fields the generator uses.
/// Optional <paramref name="failures"/> answer the first chat calls with a status instead.
/// </summary>
internal sealed class OpenAiCompatibleEndpoint : IAsyncDisposable
{
    public const string ModelId = "tiny-qwen2";

    private readonly WebApplication app;
    private readonly LlamaJudgeEngine? engine;
    private readonly ConcurrentQueue<int> failures;

    private OpenAiCompatibleEndpoint(WebApplication app, LlamaJudgeEngine? engine, IEnumerable<int> failures)
    {
        this.app = app;
        this.engine = engine;
        this.failures = new ConcurrentQueue<int>(failures);
    }

    /// <summary>The base URL a client is configured with (ends with /v1).</summary>
    public string BaseUrl => app.Urls.First() + "/v1";

    /// <summary>Each chat request: its Authorization header and JSON body.</summary>
    public ConcurrentQueue<(string? Authorization, JsonObject Body)> ChatRequests { get; } = new();

    /// <summary>Each completion it returned, by the seed it was asked with.</summary>
    public ConcurrentDictionary<uint, string> Completions { get; } = new();

    /// <param name="modelPath">The model that generates; null answers every chat call with "generated".</param>
    public static async Task<OpenAiCompatibleEndpoint> StartAsync(string? modelPath, params int[] failures)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var engine = modelPath is null ? null : GeneratorEngines.Load(modelPath);
        var app = builder.Build();
        var endpoint = new OpenAiCompatibleEndpoint(app, engine, failures);
        app.MapGet("/v1/models", () => Results.Json(new { @object = "list", data = new[] { new { id = ModelId, @object = "model" } } }));
        app.MapPost("/v1/chat/completions", endpoint.CompleteAsync);
        await app.StartAsync();
        return endpoint;
    }

    private async Task<IResult> CompleteAsync(HttpRequest request)
    {
        var body = (await JsonNode.ParseAsync(request.Body))!.AsObject();
        ChatRequests.Enqueue((request.Headers.Authorization.FirstOrDefault(), body));
        if (failures.TryDequeue(out var status))
        {
            var response = Results.Json(new { error = new { message = $"scripted failure {status}", type = "server_error" } }, statusCode: status);
            request.HttpContext.Response.Headers.RetryAfter = "0";
            return response;
        }
        var messages = body["messages"]!.AsArray().Select(m => new ChatMessage(m!["role"]!.GetValue<string>(), m["content"]!.GetValue<string>())).ToList();
        var seed = body["seed"]?.GetValue<uint>() ?? 0;
        var text = engine is null
            ? "generated"
            : (await engine.GenerateAsync(messages, new GenerationRequest(body["max_tokens"]!.GetValue<int>(), body["temperature"]!.GetValue<float>(), seed),
                WorkPriority.Background, request.HttpContext.RequestAborted)).Text;
        Completions[seed] = text;
        return Results.Json(new
        {
            id = "chatcmpl-" + Guid.NewGuid().ToString("N"),
            @object = "chat.completion",
            model = ModelId,
            choices = new[] { new { index = 0, message = new { role = "assistant", content = text }, finish_reason = "stop" } },
        });
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        engine?.Dispose();
    }
}

/// <summary>llama.cpp engines over generated models, sized for tests as the generator of <see cref="GeneratorTests"/> is configured.</summary>
internal static class GeneratorEngines
{
    public const int ContextSize = 1024, Sequences = 2, Threads = 1;

    public static LlamaJudgeEngine Load(string modelPath)
    {
        var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var engine = new LlamaJudgeEngine(Options.Create(new JudgeOptions
        {
            ModelPath = modelPath,
            ContextSize = ContextSize,
            Sequences = Sequences,
            Threads = Threads,
            KvCacheTokens = ContextSize * Sequences,
            ReservedInteractiveSequences = 0,
            ReproducibleBackground = true,
        }),
            new JudgeMetrics(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()), NullLogger<LlamaJudgeEngine>.Instance);
        engine.Load();
        return engine;
    }
}
