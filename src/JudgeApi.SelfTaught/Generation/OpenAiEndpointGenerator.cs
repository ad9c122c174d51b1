using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using JudgeApi.Llama;
using Microsoft.Extensions.Logging;

namespace JudgeApi.SelfTaught;

/// <summary>
/// A generator behind an OpenAI-compatible API (<c>Judge:Generator:Endpoint</c>: llama-server, vLLM, OpenAI, this
/// service's own): <c>POST {endpoint}/chat/completions</c> with the messages, <c>max_tokens</c>, <c>temperature</c>
/// and <c>seed</c>. A GBNF grammar is not sent (OpenAI refuses unknown fields); the classifier's prompt and its
/// tolerant reading of the answer stand in for it. Busy or failing calls (429, 5xx, timeouts) are tried again with
/// back-off; a refusal (other 4xx) or the last failure fails the iteration with the endpoint's own message.
/// </summary>
public sealed class OpenAiEndpointGenerator : IGeneratorModel, IDisposable
{
    private const int Attempts = 4;
    private static readonly TimeSpan LongestWait = TimeSpan.FromSeconds(30);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly HttpClient http;
    private readonly Uri baseUri;
    private readonly string endpoint;
    private readonly ILogger logger;
    private readonly SemaphoreSlim modelLookup = new(1, 1);
    private string? model;

    public OpenAiEndpointGenerator(GeneratorOptions options, ILogger<OpenAiEndpointGenerator> logger)
    {
        endpoint = options.Endpoint!.TrimEnd('/');
        baseUri = new Uri(endpoint + "/");
        model = string.IsNullOrWhiteSpace(options.Model) ? null : options.Model;
        this.logger = logger;
        http = new HttpClient { Timeout = TimeSpan.FromSeconds(options.TimeoutSeconds) };
        if (!string.IsNullOrWhiteSpace(options.ApiKey))
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.ApiKey);
    }

    public async Task<GeneratedText> GenerateAsync(IReadOnlyList<ChatMessage> messages, GenerationSettings settings, CancellationToken cancellationToken)
    {
        var asked = await ModelAsync(cancellationToken);
        var body = new CompletionRequest(asked, messages.Select(m => new CompletionMessage(m.Role, m.Content)).ToArray(), settings.MaxTokens,
            settings.Temperature, settings.Temperature > 0 ? 0.95f : null, settings.Seed);
        var completion = await CallAsync<Completion>(() => new HttpRequestMessage(HttpMethod.Post, new Uri(baseUri, "chat/completions"))
        {
            Content = JsonContent.Create(body, options: Json),
        }, cancellationToken);
        var text = completion.Choices?.FirstOrDefault()?.Message?.Content
            ?? throw new GeneratorUnavailableException($"The generator endpoint {endpoint} answered without choices[0].message.content.");
        return new GeneratedText(text, new GeneratorIdentity(GeneratorIdentity.EndpointKind, Endpoint: endpoint, Model: completion.Model ?? asked));
    }

    /// <summary>The configured model id, or the first one the endpoint lists (asked once).</summary>
    private async Task<string> ModelAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref model) is { } known)
            return known;
        await modelLookup.WaitAsync(cancellationToken);
        try
        {
            if (model is not null)
                return model;
            var list = await CallAsync<ModelList>(() => new HttpRequestMessage(HttpMethod.Get, new Uri(baseUri, "models")), cancellationToken);
            var first = list.Data?.FirstOrDefault()?.Id
                ?? throw new GeneratorUnavailableException($"The generator endpoint {endpoint}/models lists no model; set Judge:Generator:Model.");
            logger.LogInformation("Generator endpoint {Endpoint}: using model {Model}, the first it lists (Judge:Generator:Model is not set).", endpoint, first);
            Volatile.Write(ref model, first);
            return first;
        }
        finally
        {
            modelLookup.Release();
        }
    }

    private async Task<T> CallAsync<T>(Func<HttpRequestMessage> request, CancellationToken cancellationToken) where T : class
    {
        for (var attempt = 1; ; attempt++)
        {
            string failure;
            TimeSpan? retryAfter = null;
            try
            {
                using var message = request();
                using var response = await http.SendAsync(message, cancellationToken);
                if (response.IsSuccessStatusCode)
                    return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken)
                        ?? throw new GeneratorUnavailableException($"The generator endpoint {message.RequestUri} answered with an empty body.");
                var detail = await Excerpt(response, cancellationToken);
                failure = $"{message.Method} {message.RequestUri} answered {(int)response.StatusCode} {response.ReasonPhrase}: {detail}";
                if (!IsTransient(response.StatusCode))
                    throw new GeneratorUnavailableException($"The generator endpoint refused the call: {failure}");
                retryAfter = response.Headers.RetryAfter?.Delta;
            }
            catch (Exception e) when (e is HttpRequestException or JsonException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                failure = e is TaskCanceledException ? $"no answer within {http.Timeout.TotalSeconds:0} s (Judge:Generator:TimeoutSeconds)" : e.Message;
            }
            if (attempt == Attempts)
                throw new GeneratorUnavailableException($"The generator endpoint {endpoint} failed {Attempts} times; the last: {failure}");
            var wait = retryAfter is { } asked && asked < LongestWait ? asked : TimeSpan.FromSeconds(Math.Pow(2, attempt - 1));
            logger.LogWarning("Generator endpoint call failed ({Failure}); trying again in {Seconds} s.", failure, wait.TotalSeconds);
            await Task.Delay(wait, cancellationToken);
        }
    }

    private static bool IsTransient(HttpStatusCode status) => status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout || (int)status >= 500;

    private static async Task<string> Excerpt(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return text.Length <= 300 ? text : text[..300] + "…";
    }

    public void Dispose()
    {
        http.Dispose();
        modelLookup.Dispose();
    }

    private sealed record CompletionRequest(string Model, CompletionMessage[] Messages, int MaxTokens, float Temperature, float? TopP, uint Seed);

    private sealed record CompletionMessage(string Role, string? Content);

    private sealed record Completion(string? Model, CompletionChoice[]? Choices);

    private sealed record CompletionChoice(CompletionMessage? Message);

    private sealed record ModelList(ModelEntry[]? Data);

    private sealed record ModelEntry(string? Id);
}
