using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using FluentValidation;
using JudgeApi.Auth;
using JudgeApi.Contracts;
using JudgeApi.Infrastructure;
using JudgeApi.Judging;
using JudgeApi.Llama;
using JudgeApi.SelfTaught;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JudgeApi.Apis;

/// <summary>
/// The OpenAI-compatible surface of the served judge model, as llama-server and vLLM offer it, so OpenAI SDKs (and
/// LiteLLM, TRL's OpenAI judges, agent frameworks) can call it: <c>GET /v1/models</c> lists the base model and every
/// registered adapter, <c>POST /v1/chat/completions</c> generates on the weights its <c>model</c> names. Same keys,
/// same scheduler as /judge; errors in OpenAI's shape (<see cref="OpenAiErrors"/>).
/// </summary>
public static class OpenAiApi
{
    public static RouteGroupBuilder MapOpenAiApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(OpenAiErrors.Prefix).WithTags("OpenAI-compatible").RequireAuthorization(AuthRoles.JudgePolicy)
            .RequireRateLimiting(Admission.JudgePolicy);
        group.MapGet("/models", ListModels).WithName("ListModels").ProducesOpenAiErrors()
            .WithSummary("The base model and every registered adapter, each usable as the model of a chat completion.");
        group.MapPost("/chat/completions", ChatAsync).WithName("CreateChatCompletion")
            .Produces<ChatCompletionResponse>(StatusCodes.Status200OK)
            .WithMetadata(new OpenApiConventions.Streamed("text/event-stream", typeof(ChatCompletionChunk)))
            .ProducesOpenAiErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound)
            .WithSummary("OpenAI chat completion: messages through the model's chat template; stream: true sends chat.completion.chunk events and data: [DONE].");
        return group;
    }

    /// <summary>The errors every /v1 route can answer (no key, too many requests, busy or loading), and <paramref name="more"/>.</summary>
    private static RouteHandlerBuilder ProducesOpenAiErrors(this RouteHandlerBuilder builder, params int[] more)
    {
        foreach (var status in (int[])[StatusCodes.Status401Unauthorized, StatusCodes.Status429TooManyRequests, StatusCodes.Status503ServiceUnavailable, .. more])
            builder.Produces<OpenAiErrorResponse>(status);
        return builder;
    }

    private static Ok<ModelList> ListModels(IJudgeEngine engine, AdapterRegistry registry)
    {
        var model = engine.Model;
        var baseEntry = new ModelEntry(BaseId(model), "model", new DateTimeOffset(File.GetLastWriteTimeUtc(model.Path)).ToUnixTimeSeconds(), "judgeapi",
            model.AdapterPath is null);
        var adapters = registry.List().Select(a => new ModelEntry(a.Id, "model", a.CreatedAt.ToUnixTimeSeconds(), "judgeapi", a.Active));
        return TypedResults.Ok(new ModelList("list", [baseEntry, .. adapters]));
    }

    private static async Task<IResult> ChatAsync(ChatCompletionRequest request, IValidator<ChatCompletionRequest> validator, IJudgeEngine engine,
        AdapterRegistry registry, HttpContext http, CancellationToken cancellationToken)
    {
        var validation = await validator.ValidateAsync(request, cancellationToken);
        if (!validation.IsValid)
        {
            var first = validation.Errors[0];
            return OpenAiErrors.Result(StatusCodes.Status400BadRequest, $"{first.PropertyName}: {first.ErrorMessage}", first.PropertyName);
        }
        var model = engine.Model;
        JudgeWeights weights;
        if (request.Model == BaseId(model))
            weights = JudgeWeights.Base;
        else if (registry.Find(request.Model!) is { } adapter)
            weights = new JudgeWeights(registry.PathOf(adapter.Id));
        else
            return OpenAiErrors.Result(StatusCodes.Status404NotFound, $"The model '{request.Model}' does not exist; GET /v1/models lists the ids.", "model", "model_not_found");

        var id = "chatcmpl-" + Guid.NewGuid().ToString("N");
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var completion = new CompletionRequest(
            request.Messages!.Select(m => new ChatMessage(m!.Role!, m.Content!)).ToList(), request.TokenLimit,
            (float)(request.Temperature ?? 1), (float)(request.TopP ?? 1), unchecked((uint)(request.Seed ?? 0)), request.Stop, request.N ?? 1,
            request.Logprobs == true ? request.TopLogprobs ?? 0 : null, weights);

        if (request.Stream != true)
        {
            var result = await engine.CompleteAsync(completion, cancellationToken);
            var choices = result.Choices.Select((c, i) => new ChatCompletionChoice(i, new ChatCompletionMessage("assistant", c.Text),
                c.Logprobs is null ? null : Logprobs(c.Logprobs), Finish(c.Finish))).ToList();
            return TypedResults.Ok(new ChatCompletionResponse(id, "chat.completion", created, request.Model!, choices, Usage(result)));
        }

        // The request is checked (and can still fail with an error body) before the first event is sent.
        var deltas = Channel.CreateUnbounded<CompletionDelta>(new UnboundedChannelOptions { SingleReader = true });
        var running = engine.CompleteAsync(completion with { OnDelta = d => deltas.Writer.TryWrite(d) }, cancellationToken);
        _ = running.ContinueWith(t => deltas.Writer.TryComplete(t.Exception), TaskScheduler.Default);
        var chunks = new ChunkWriter(id, created, request.Model!);
        return TypedResults.ServerSentEvents(StreamAsync(chunks, completion.Choices, deltas.Reader, running, request.StreamOptions?.IncludeUsage == true, cancellationToken));
    }

    private static async IAsyncEnumerable<string> StreamAsync(ChunkWriter chunks, int choices, ChannelReader<CompletionDelta> deltas, Task<CompletionResult> running,
        bool includeUsage, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (var i = 0; i < choices; i++)
            yield return chunks.Write(new ChatChunkChoice(i, new ChatChunkDelta("assistant", ""), null, null));
        await foreach (var delta in deltas.ReadAllAsync(cancellationToken))
            yield return chunks.Write(new ChatChunkChoice(delta.Choice, new ChatChunkDelta(null, delta.Text),
                delta.Logprobs.Count == 0 ? null : Logprobs(delta.Logprobs), null));
        var result = await running;
        for (var i = 0; i < choices; i++)
            yield return chunks.Write(new ChatChunkChoice(i, new ChatChunkDelta(null, null), null, Finish(result.Choices[i].Finish)));
        if (includeUsage)
            yield return chunks.Write(null, Usage(result));
        yield return "[DONE]";
    }

    /// <summary>The base model's id: its file name, as /judge names it.</summary>
    private static string BaseId(JudgeModelInfo model) => Path.GetFileName(model.Path);

    private static string Finish(CompletionFinish finish) => finish == CompletionFinish.Length ? "length" : "stop";

    private static ChatCompletionUsage Usage(CompletionResult result)
    {
        var generated = result.Choices.Sum(c => c.Tokens);
        return new ChatCompletionUsage(result.PromptTokens, generated, result.PromptTokens + generated);
    }

    private static ChatCompletionLogprobs Logprobs(IReadOnlyList<TokenLogprob> tokens) => new(tokens.Select(t => new ChatTokenLogprob(
        t.Token, t.Logprob, Bytes(t.Bytes), t.Top.Select(a => new ChatTopLogprob(a.Token, a.Logprob, Bytes(a.Bytes))).ToList())).ToList());

    private static List<int>? Bytes(byte[]? bytes) => bytes?.Select(b => (int)b).ToList();

    /// <summary>Serializes chunks of one completion (the events are written as they are, so [DONE] can follow them).</summary>
    private sealed class ChunkWriter(string id, long created, string model)
    {
        public string Write(ChatChunkChoice? choice, ChatCompletionUsage? usage = null) =>
            JsonSerializer.Serialize(new ChatCompletionChunk(id, "chat.completion.chunk", created, model, choice is null ? [] : [choice], usage), JsonSerializerOptions.Web);
    }
}
