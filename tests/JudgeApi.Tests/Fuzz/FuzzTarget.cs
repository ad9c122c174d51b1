using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using JudgeApi.Tests.SelfTaught;

namespace JudgeApi.Tests.Fuzz;

/// <summary>What came back for one fuzz request (or that nothing did).</summary>
/// <param name="OpenAi">Sent to an OpenAI-compatible route (/v1/…), whose refusals are OpenAI's error object instead of problem+json.</param>
internal sealed record FuzzOutcome(HttpStatusCode? Status, string? ContentType, byte[] Body, Uri? Location, string? Error, bool OpenAi = false);

/// <summary>
/// The live service under fuzz (a child process, so that a crash is seen as one) and the checks every answer must
/// pass: below 500; a refusal is problem+json with a reason (OpenAI's error object on /v1, or Kestrel's own bodiless
/// answer to a protocol error); a refused field is named; and after each route the process is alive and still judges.
/// </summary>
internal sealed class FuzzTarget(ServerProcess server) : IAsyncDisposable
{
    /// <summary>A judgment that must still be answered after each route's cases.</summary>
    public static readonly object GoodJudgment = new
    {
        instruction = "Which number is larger?",
        responseA = "Nine is larger than seven.",
        responseB = "Seven is larger than nine.",
        mode = "direct",
    };

    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(60);

    // Latin-1 header bytes let header cases carry non-ASCII as a careless client would.
    private readonly HttpClient client = new(new SocketsHttpHandler { RequestHeaderEncodingSelector = (_, _) => Encoding.Latin1 })
    {
        BaseAddress = server.Address,
        DefaultRequestHeaders = { { "X-API-Key", ServerProcess.OperatorKey } },
    };

    public ServerProcess Server => server;

    public async Task<FuzzOutcome> SendAsync(string method, string path, FuzzBody? body, (string Name, string Value)? header = null)
    {
        var uri = new Uri(server.Address + path.TrimStart('/'), new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        using var request = new HttpRequestMessage(new HttpMethod(method), uri);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body.Bytes);
            if (body.ContentType is not null)
                request.Content.Headers.TryAddWithoutValidation("Content-Type", body.ContentType);
            request.Headers.TransferEncodingChunked = body.Chunked;
            // Kestrel closes the connection after refusing a body over the limit; no later case may be sent on it.
            request.Headers.ConnectionClose = body.Bytes.Length > 1024 * 1024;
        }
        if (header is { } h)
            request.Headers.TryAddWithoutValidation(h.Name, h.Value);
        using var timeout = new CancellationTokenSource(RequestTimeout);
        try
        {
            using var response = await client.SendAsync(request, timeout.Token);
            var bytes = await response.Content.ReadAsByteArrayAsync(timeout.Token);
            var outcome = new FuzzOutcome(response.StatusCode, response.Content.Headers.ContentType?.MediaType, bytes, response.Headers.Location, null,
                ("/" + path.TrimStart('/')).StartsWith("/v1/", StringComparison.Ordinal));
            await CleanUpAsync(outcome);
            return outcome;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return new FuzzOutcome(null, null, [], null, $"no answer within {RequestTimeout.TotalSeconds} s (a hang)");
        }
        catch (HttpRequestException e)
        {
            // Kestrel may close the connection on a body over the limit before the client finished sending it.
            return new FuzzOutcome(null, null, [], null, $"no HTTP answer: {e.Message}");
        }
    }

    /// <summary>What is wrong with the answer, or null. <paramref name="field"/>: the field the case changed, which a 400 must name.</summary>
    public static string? Problem(FuzzOutcome outcome, string? field = null, bool mayDropConnection = false)
    {
        if (outcome.Error is not null)
            return mayDropConnection && outcome.Error.StartsWith("no HTTP answer", StringComparison.Ordinal) ? null : outcome.Error;
        var status = (int)outcome.Status!.Value;
        if (status >= 500)
            return $"{status}: {Text(outcome)}";
        if (status < 400)
            return outcome.ContentType == "application/json" && !IsJson(outcome.Body) ? $"{status} with a body that is not JSON" : null;
        if (outcome.Body.Length == 0 && status is 400 or 413 or 414 or 431)
            return null; // Kestrel's own answer to a protocol-level error, before any endpoint runs
        if (outcome.OpenAi)
            return OpenAiProblem(outcome, status, field);
        if (outcome.ContentType != "application/problem+json")
            return $"{status} answered as {outcome.ContentType ?? "no content type"}: {Text(outcome)}";
        JsonElement problem;
        try
        {
            problem = JsonDocument.Parse(outcome.Body).RootElement;
        }
        catch (JsonException)
        {
            return $"{status} problem body is not JSON: {Text(outcome)}";
        }
        if (!problem.TryGetProperty("status", out var s) || s.GetInt32() != status)
            return $"{status} problem without its status: {Text(outcome)}";
        var reason = (problem.TryGetProperty("detail", out var d) ? d.GetString() : null) ?? (problem.TryGetProperty("title", out var t) ? t.GetString() : null);
        if (string.IsNullOrWhiteSpace(reason) && !problem.TryGetProperty("errors", out _))
            return $"{status} problem gives no reason: {Text(outcome)}";
        if (field is not null && status == 400 && problem.TryGetProperty("errors", out var errors) && !Names(errors, field))
            return $"400 errors do not name '{field}': {Text(outcome)}";
        return null;
    }

    /// <summary>An OpenAI error object (<c>{"error": {"message", "type", "param", "code"}}</c>) with a message; a 400's <c>param</c>, when given, names the changed field.</summary>
    private static string? OpenAiProblem(FuzzOutcome outcome, int status, string? field)
    {
        if (outcome.ContentType != "application/json")
            return $"{status} on /v1 answered as {outcome.ContentType ?? "no content type"}: {Text(outcome)}";
        JsonElement error;
        try
        {
            using var document = JsonDocument.Parse(outcome.Body);
            if (!document.RootElement.TryGetProperty("error", out var e) || e.ValueKind != JsonValueKind.Object)
                return $"{status} on /v1 without an OpenAI error object: {Text(outcome)}";
            error = e.Clone();
        }
        catch (JsonException)
        {
            return $"{status} error body is not JSON: {Text(outcome)}";
        }
        if (!error.TryGetProperty("message", out var message) || string.IsNullOrWhiteSpace(message.GetString()))
            return $"{status} OpenAI error gives no message: {Text(outcome)}";
        if (field is not null && status == 400 && error.TryGetProperty("param", out var param) && param.GetString() is { } named
            && !NamesOne(named, field))
            return $"400 error's param '{named}' does not name '{field}': {Text(outcome)}";
        return null;
    }

    /// <summary>The process is alive, answers /health/live and still judges.</summary>
    public async Task<string?> StillServingAsync()
    {
        if (server.HasExited)
            return "the service process exited";
        using var live = await client.GetAsync("/health/live");
        if (live.StatusCode != HttpStatusCode.OK)
            return $"/health/live answered {(int)live.StatusCode}";
        using var judged = await client.PostAsync("/judge", JsonContent(GoodJudgment));
        return judged.StatusCode == HttpStatusCode.OK ? null : $"a good /judge answered {(int)judged.StatusCode}: {await judged.Content.ReadAsStringAsync()}";
    }

    private static StringContent JsonContent(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, new MediaTypeHeaderValue("application/json"));

    /// <summary>A case that happened to be valid and queued an iteration: cancel it, so the fuzz run does not train models.</summary>
    private async Task CleanUpAsync(FuzzOutcome outcome)
    {
        if (outcome.Status == HttpStatusCode.Accepted && outcome.Location?.OriginalString is { } location && location.StartsWith("/iterations/", StringComparison.Ordinal))
            using (await client.PostAsync(location + "/cancel", null)) { }
    }

    // The changed field's name, or one of its enclosing names (a batch item's field is reported inside the item).
    private static bool Names(JsonElement errors, string field) => errors.EnumerateObject().Any(e => NamesOne(e.Name, field));

    private static bool NamesOne(string name, string field)
    {
        var names = field.Replace("[0]", "").Split('.', StringSplitOptions.RemoveEmptyEntries);
        return names.Length == 0 || names.Any(n => name.Contains(n, StringComparison.OrdinalIgnoreCase)) || name is "body" or "item" or "items";
    }

    private static bool IsJson(byte[] body)
    {
        try
        {
            using var _ = JsonDocument.Parse(body);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string Text(FuzzOutcome outcome)
    {
        var text = Encoding.UTF8.GetString(outcome.Body);
        return text.Length > 400 ? text[..400] + "…" : text;
    }

    public async ValueTask DisposeAsync()
    {
        client.Dispose();
        await server.DisposeAsync();
    }
}
