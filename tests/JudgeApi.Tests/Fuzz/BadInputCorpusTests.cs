using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using JudgeApi.Tests.Loop;
using JudgeApi.Tests.SelfTaught;
using Xunit.Abstractions;

namespace JudgeApi.Tests.Fuzz;

/// <summary>The service under fuzz (a child process with an operator key), its OpenAPI operations, and the files the GGUF cases start from.</summary>
public sealed class FuzzServerFixture : IAsyncLifetime
{
    private readonly TempDirectory data = new();
    private readonly TempDirectory files = new();

    internal FuzzTarget Target { get; private set; } = null!;
    internal JsonDocument Document { get; private set; } = null!;
    internal IReadOnlyList<Operation> Operations { get; private set; } = [];
    internal GgufLayout Adapter { get; private set; } = null!;
    internal GgufLayout Model { get; private set; } = null!;
    internal string BaseModelId { get; private set; } = null!;

    private const string BaseModelPlaceholder = "$baseModel";

    public async Task InitializeAsync()
    {
        var server = await ServerProcess.StartAsync(data.Path, ("Judge:Adapters:MaxUploadBytes", "1048576"), ("Judge:MaxQueue", "256"));
        Target = new FuzzTarget(server);
        // The live document: operations other issues add are fuzzed as soon as they are served.
        Document = JsonDocument.Parse(await server.Client.GetStringAsync("/swagger/v1/swagger.json"));
        // JUDGEAPI_FUZZ_ONLY=/judge runs the operations whose name holds it (to repeat a failure quickly).
        var only = Environment.GetEnvironmentVariable("JUDGEAPI_FUZZ_ONLY");
        Operations = [.. OpenApiRoutes.Read(Document).Where(o => string.IsNullOrEmpty(only) || o.Name.Contains(only, StringComparison.Ordinal))];
        // routes.json cannot know the base model's id on /v1 (its file name): "$baseModel" stands for it.
        using (var models = JsonDocument.Parse(await server.Client.GetStringAsync("/v1/models")))
            BaseModelId = models.RootElement.GetProperty("data")[0].GetProperty("id").GetString()!;
        Adapter = GgufLayout.Read(AdapterFiles.Good(files.Path));
        Model = GgufLayout.Read(TestModels.Tiny());
    }

    /// <summary>The body an operation's cases start from: routes.json, else the schema's example, else an empty object or array.</summary>
    internal JsonNode ValidBody(Operation operation)
    {
        var body = FuzzCorpus.ValidBody(operation.Name) ?? operation.Example?.DeepClone()
            ?? (OpenApiRoutes.IsType(operation.Body!.Value, "array") ? new JsonArray() : new JsonObject());
        if (body is JsonObject o && o["model"] is JsonValue model && model.TryGetValue<string>(out var id) && id == BaseModelPlaceholder)
            o["model"] = BaseModelId;
        return body;
    }

    internal IReadOnlyList<BodyField> Fields(Operation operation) => operation.Body is { } body ? OpenApiRoutes.Fields(Document, body) : [];

    public async Task DisposeAsync()
    {
        // The service's own log, for a failure's details (CI keeps the test output folder).
        await File.WriteAllTextAsync(Path.Combine(AppContext.BaseDirectory, "fuzz-server.log"), Target.Server.Output);
        await Target.DisposeAsync();
        Document.Dispose();
        data.Dispose();
        files.Dispose();
    }
}

/// <summary>
/// The bad-input corpus (Fuzz/Corpus) and a seeded mutator on every operation of the live OpenAPI document: no 5xx,
/// every refusal problem+json with its reason and the field named, the process alive and still judging after each operation.
/// </summary>
public sealed class BadInputCorpusTests(FuzzServerFixture fixture, ITestOutputHelper output) : IClassFixture<FuzzServerFixture>
{
    /// <summary>Mutated cases per operation and run; the seed changes each run unless JUDGEAPI_FUZZ_SEED fixes it.</summary>
    private const int MutationsPerOperation = 40;

    private const string Boundary = "fuzz-5c1e0b7d4a";

    private FuzzTarget Target => fixture.Target;

    [Fact]
    public void The_document_lists_the_operations_the_corpus_is_built_for()
    {
        var names = fixture.Operations.Select(o => o.Name).ToList();

        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("JUDGEAPI_FUZZ_ONLY")))
            return;
        Assert.Contains("POST /judge", names);
        Assert.Contains("POST /judge/batch", names);
        Assert.Contains(fixture.Operations, o => o.TakesMultipart);
        Assert.Contains(fixture.Operations, o => o.PathParameters.Count > 0);
        Assert.Contains(fixture.Fields(fixture.Operations.Single(o => o.Name == "POST /judge/batch")), f => f.Path == "items[0].samples");
    }

    [Fact]
    public async Task Every_operation_survives_the_corpus()
    {
        var failures = new List<string>();
        foreach (var operation in fixture.Operations)
        {
            var clock = Stopwatch.StartNew();
            var cases = 0;
            async Task Send(string name, string path, FuzzBody? body, string? field = null, (string, string)? header = null)
            {
                cases++;
                var outcome = await Target.SendAsync(operation.Method, path, body, header);
                if (FuzzTarget.Problem(outcome, field, MayDropConnection(body)) is { } problem)
                    failures.Add($"{operation.Name} [{name}]: {problem}");
            }

            var path = operation.Path("no-such-id");
            if (operation.TakesBody && !operation.TakesMultipart)
                foreach (var (name, body) in FuzzCorpus.Bodies)
                    await Send(name, path, body);
            if (operation.TakesJson)
            {
                var valid = fixture.ValidBody(operation);
                // A 400 must name the field a case changed only when the body it starts from is accepted (an operation
                // added without a routes.json body or a schema example starts from an empty one, rejected for other fields).
                var baseAnswer = await Target.SendAsync(operation.Method, path, Json(valid.ToJsonString()), null);
                var named = baseAnswer.Status != HttpStatusCode.BadRequest;
                foreach (var field in fixture.Fields(operation))
                {
                    var changed = named ? field.Path : null;
                    await Send($"{field.Path} removed", path, Json(JsonPlacement.Without(valid, field.Steps)), changed);
                    foreach (var value in FuzzCorpus.Values)
                        await Send($"{field.Path} = {Short(value)}", path, Json(JsonPlacement.With(valid, field.Steps, value)), changed);
                }
            }
            if (operation.TakesMultipart)
            {
                foreach (var (name, body) in FuzzCorpus.Multipart)
                    await Send(name, path, body);
                foreach (var gguf in FuzzCorpus.Gguf)
                    await Send("gguf: " + gguf["name"]!.GetValue<string>(), path, FilePart(GgufCrafter.Craft(gguf, fixture.Adapter, fixture.Model)));
            }
            foreach (var id in operation.PathParameters.Count > 0 ? FuzzCorpus.Ids : [])
                await Send($"id {Short(id)}", operation.Path(id), operation.TakesJson ? Json(fixture.ValidBody(operation).ToJsonString()) : null);
            foreach (var extra in FuzzCorpus.Extras)
                await Send(extra.Name, path + (extra.Query ?? ""), extra.Body is { } b ? Json(b) : null, header: extra.Header is { } h ? (h, extra.Value!) : null);

            if (await Target.StillServingAsync() is { } down)
                failures.Add($"{operation.Name}: after its cases {down}");
            output.WriteLine($"{operation.Name}: {cases} corpus cases in {clock.Elapsed.TotalSeconds:0.0} s");
            if (Target.Server.HasExited)
                break;
        }
        Assert.True(failures.Count == 0, $"{failures.Count} corpus cases failed:\n{string.Join("\n", failures.Take(40))}\n{Target.Server.Output[^Math.Min(4000, Target.Server.Output.Length)..]}");
    }

    [Fact]
    public async Task Every_operation_survives_the_seeded_mutator()
    {
        var seed = Environment.GetEnvironmentVariable("JUDGEAPI_FUZZ_SEED") is { Length: > 0 } fixed_ ? int.Parse(fixed_) : Random.Shared.Next();
        output.WriteLine($"mutator seed {seed} (JUDGEAPI_FUZZ_SEED={seed} repeats this run), {MutationsPerOperation} cases per operation");
        var failures = new List<string>();
        foreach (var operation in fixture.Operations)
        {
            var mutator = new Mutator(seed ^ StableHash(operation.Name));
            var fields = fixture.Fields(operation);
            for (var i = 0; i < MutationsPerOperation; i++)
            {
                string description;
                var path = operation.Path("no-such-id");
                FuzzBody? body = null;
                if (operation.PathParameters.Count > 0 && (!operation.TakesBody || i % 2 == 0))
                    path = operation.Path(mutator.Id(out description));
                else if (operation.TakesMultipart)
                    body = FilePart(mutator.File(i % 3 == 0 ? fixture.Model : fixture.Adapter, out description));
                else if (operation.TakesJson)
                    body = mutator.Json(fixture.ValidBody(operation), fields, "application/json", out description);
                else
                    path += "?" + Uri.EscapeDataString(mutator.Id(out description));
                var outcome = await Target.SendAsync(operation.Method, path, body);
                if (FuzzTarget.Problem(outcome, mayDropConnection: MayDropConnection(body)) is { } problem)
                    failures.Add($"{operation.Name} case {i} ({description}): {problem}");
            }
            if (await Target.StillServingAsync() is { } down)
                failures.Add($"{operation.Name}: after its mutations {down}");
            if (Target.Server.HasExited)
                break;
        }
        Assert.True(failures.Count == 0, $"JUDGEAPI_FUZZ_SEED={seed}: {failures.Count} mutated cases failed:\n{string.Join("\n", failures.Take(40))}");
    }

    private static FuzzBody Json(string text) => new(Encoding.UTF8.GetBytes(text), "application/json");

    private static FuzzBody FilePart(byte[] file)
    {
        var head = Encoding.ASCII.GetBytes($"--{Boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"fuzz.gguf\"\r\nContent-Type: application/octet-stream\r\n\r\n");
        var tail = Encoding.ASCII.GetBytes($"\r\n--{Boundary}--\r\n");
        return new FuzzBody([.. head, .. file, .. tail], $"multipart/form-data; boundary={Boundary}");
    }

    // A body over the service's limits may be answered 413 and the connection closed while the client still sends it.
    private static bool MayDropConnection(FuzzBody? body) => body is { Bytes.Length: > 1024 * 1024 };

    private static string Short(string text) => text.Length > 50 ? text[..50] + $"…({text.Length} chars)" : text;

    // string.GetHashCode differs per process; the mutator's streams must not.
    private static int StableHash(string text) => text.Aggregate(unchecked((int)2166136261), (h, c) => unchecked((h ^ c) * 16777619));
}
