using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using JudgeApi.Judging;
using JudgeApi.Llama;
using JudgeApi.Llama.IO;
using JudgeApi.SelfTaught;
using JudgeApi.Tests.Loop;
using JudgeApi.Tests.SelfTaught;
using JudgeApi.Tests.Service;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace JudgeApi.Tests.Fidelity;

/// <summary>
/// Iterations whose texts a second model writes (<c>Judge:Generator</c>): a GGUF file loaded beside the judge, or an
/// OpenAI-compatible endpoint; the judge model still classifies nothing, and judges everything.
/// </summary>
public sealed class GeneratorTests
{
    private const int ResponseTokens = 12;
    private const float SynthesisTemperature = 0.7f;

    private static (string Key, string Value)[] Settings(string dataDir, params (string Key, string Value)[] generator) =>
    [
        ("Judge:DataDir", dataDir),
        ("Judge:SelfTaught:MaxResponseTokens", ResponseTokens.ToString()),
        ("Judge:SelfTaught:MaxJudgeReasoningTokens", "8"),
        ("Judge:SelfTaught:ItemParallelism", "2"),
        .. generator,
    ];

    /// <summary>Two MT-Bench questions (two turns each, categorised) and two plain instructions the generator classifies.</summary>
    private static async Task ImportAsync(HttpClient client)
    {
        var lines = new object[]
        {
            new { question_id = 81, category = "writing", turns = new[] { "Write a haiku about rain.", "Now make it about snow." } },
            new { question_id = 82, category = "writing", turns = new[] { "Describe a red fox.", "Now in one sentence." } },
            new { instruction = "What is 17 times 23?" },
            new { instruction = "Write code that prints hello." },
        };
        using var content = new StringContent(string.Join('\n', lines.Select(l => JsonSerializer.Serialize(l))), Encoding.UTF8, "application/x-ndjson");
        using var response = await client.PostAsync("/instructions", content);
        response.EnsureSuccessStatusCode();
        Assert.Equal(4, (await response.Content.ReadFromJsonAsync<JsonObject>())!["added"]!.GetValue<int>());
    }

    private static async Task<JsonObject> RunIterationAsync(HttpClient client)
    {
        using var response = await client.PostAsJsonAsync("/iterations", new { instructions = 4, judgmentsPerPair = 2, temperature = 0.8, train = false, seed = 3 });
        response.EnsureSuccessStatusCode();
        var view = await LoopTestApi.WaitFinishedAsync(client, (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>());
        Assert.True(view["status"]!.GetValue<string>() == "succeeded", view.ToJsonString());
        return view;
    }

    [Fact]
    public async Task A_GGUF_generator_writes_every_text_and_the_judge_model_judges_them()
    {
        var generatorPath = TestModels.Tiny("qwen2");
        using var data = new TempDirectory();
        // Texts and judgments are compared with fresh ones: background work decoded reproducibly.
        await using var server = await JudgeServer.StartAsync(Settings(data.Path, ("Judge:ReproducibleBackground", "true"),
            ("Judge:Generator:ModelPath", generatorPath), ("Judge:Generator:Threads", GeneratorEngines.Threads.ToString()),
            ("Judge:Generator:Sequences", GeneratorEngines.Sequences.ToString()), ("Judge:Generator:ContextSize", GeneratorEngines.ContextSize.ToString())));
        await ImportAsync(server.Client);

        var view = await RunIterationAsync(server.Client);

        var identity = new GeneratorIdentity(GeneratorIdentity.FileKind, generatorPath, FileHash.Sha256(generatorPath));
        Assert.Equal([identity], view["generators"].Deserialize<List<GeneratorIdentity>>(JsonSerializerOptions.Web));
        var pairs = StoredPairs(data.Path);
        Assert.Equal(4, pairs.Count);
        Assert.All(pairs, p => Assert.Equal([identity], p.Provenance.Generators));
        Assert.Equal(2, pairs.Count(p => p.History is { Count: 1 }));
        Assert.Equal([null, null, identity, identity], ClassifiedBy(data.Path));

        // Every text is what the generator model writes for its conversation and seed, and not what the judge model writes.
        using var generator = GeneratorEngines.Load(generatorPath);
        var judge = server.Services.GetRequiredService<IJudgeEngine>();
        var differs = 0;
        foreach (var pair in pairs)
        {
            var conversation = pair.History?.SelectMany(t => new ChatMessage[] { new("user", t.User), new("assistant", t.Assistant) }).ToList() ?? [];
            for (var i = 0; i < (pair.History?.Count ?? 0); i++)
                Assert.Equal(pair.History![i].Assistant, await GenerateAsync(generator, conversation[..(2 * i)].Append(new("user", pair.History[i].User)), pair.Provenance.HistorySeeds![i]));
            ChatMessage[] chosenPrompt = [.. conversation, new("user", pair.JudgedInstruction)];
            Assert.Equal(pair.Chosen, await GenerateAsync(generator, chosenPrompt, pair.Provenance.ChosenSeed));
            differs += pair.Chosen != await GenerateAsync(judge, chosenPrompt, pair.Provenance.ChosenSeed) ? 1 : 0;
        }
        Assert.True(differs > 0, "the judge model writes the same texts: the test cannot tell the models apart");

        // The judgments are the judge model's: the same request on the service's engine reads the same probability.
        var (judged, sample) = pairs.Where(p => p.Judgments.Count > 0).Select(p => (p, p.Judgments[0])).First();
        var (first, second) = sample.ChosenPosition == PairPosition.A ? (judged.Chosen, judged.Rejected) : (judged.Rejected, judged.Chosen);
        var again = await judge.JudgeOnceAsync(new JudgeOnceRequest(judged.JudgedInstruction, first, second, MaxReasoningTokens: 8, Temperature: 0.8f,
            Seed: sample.Seed, Earlier: HistoryTurn.Shared(judged.History)), WorkPriority.Background, CancellationToken.None);
        Assert.Equal(sample.ProbabilityA, again.ProbabilityA);
    }

    [Fact]
    public async Task An_OpenAI_compatible_endpoint_writes_the_texts_asked_with_its_key_and_is_recorded_by_endpoint_and_model()
    {
        await using var endpoint = await OpenAiCompatibleEndpoint.StartAsync(TestModels.Tiny("qwen2"));
        using var data = new TempDirectory();
        await using var server = await JudgeServer.StartAsync(Settings(data.Path,
            ("Judge:Generator:Endpoint", endpoint.BaseUrl), ("Judge:Generator:ApiKey", "generator-key")));
        await ImportAsync(server.Client);

        var view = await RunIterationAsync(server.Client);

        var identity = new GeneratorIdentity(GeneratorIdentity.EndpointKind, Endpoint: endpoint.BaseUrl, Model: OpenAiCompatibleEndpoint.ModelId);
        Assert.Equal([identity], view["generators"].Deserialize<List<GeneratorIdentity>>(JsonSerializerOptions.Web));
        Assert.Equal([null, null, identity, identity], ClassifiedBy(data.Path));
        var requests = endpoint.ChatRequests.ToList();
        // Two classifications, two earlier answers, and x', y_w, y_l for each of the four pairs.
        Assert.Equal(2 + 2 + 3 * 4, requests.Count);
        Assert.All(requests, r =>
        {
            Assert.Equal("Bearer generator-key", r.Authorization);
            Assert.Equal(OpenAiCompatibleEndpoint.ModelId, r.Body["model"]!.GetValue<string>());
            Assert.False(r.Body.ContainsKey("grammar"));
        });
        foreach (var pair in StoredPairs(data.Path))
        {
            Assert.Equal(endpoint.Completions[pair.Provenance.ChosenSeed].Trim(), pair.Chosen);
            var chosenRequest = requests.Single(r => r.Body["seed"]!.GetValue<uint>() == pair.Provenance.ChosenSeed).Body;
            Assert.Equal(ResponseTokens, chosenRequest["max_tokens"]!.GetValue<int>());
            Assert.Equal(SynthesisTemperature, chosenRequest["temperature"]!.GetValue<float>());
            var messages = chosenRequest["messages"]!.AsArray().Select(m => m!["content"]!.GetValue<string>()).ToArray();
            Assert.Equal([.. pair.History?.SelectMany(t => new[] { t.User, t.Assistant }) ?? [], pair.JudgedInstruction], messages);
        }
    }

    [Fact]
    public async Task A_busy_endpoint_is_tried_again_and_a_refusal_fails_with_the_endpoints_message()
    {
        await using var busy = await OpenAiCompatibleEndpoint.StartAsync(null, 503, 429);
        using var generator = new OpenAiEndpointGenerator(new GeneratorOptions { Endpoint = busy.BaseUrl, Model = "m" },
            Microsoft.Extensions.Logging.Abstractions.NullLogger<OpenAiEndpointGenerator>.Instance);

        var text = await generator.GenerateAsync([new ChatMessage("user", "Hi")], new GenerationSettings(4, 0, 1), CancellationToken.None);

        Assert.Equal("generated", text.Text);
        Assert.Equal(3, busy.ChatRequests.Count);

        await using var refusing = await OpenAiCompatibleEndpoint.StartAsync(null, 400);
        using var refused = new OpenAiEndpointGenerator(new GeneratorOptions { Endpoint = refusing.BaseUrl },
            Microsoft.Extensions.Logging.Abstractions.NullLogger<OpenAiEndpointGenerator>.Instance);
        var error = await Assert.ThrowsAsync<GeneratorUnavailableException>(() =>
            refused.GenerateAsync([new ChatMessage("user", "Hi")], new GenerationSettings(4, 0, 1), CancellationToken.None));
        Assert.Contains("400", error.Message);
        Assert.Contains("scripted failure 400", error.Message);
        Assert.Single(refusing.ChatRequests);
    }

    [Theory]
    [InlineData("Judge:Generator:ModelPath", "/nonexistent/generator.gguf", null, null, "Judge:Generator:ModelPath")]
    [InlineData("Judge:Generator:Endpoint", "ftp://example.org/v1", null, null, "Judge:Generator:Endpoint")]
    [InlineData("Judge:Generator:ApiKey", "key", null, null, "Judge:Generator:ApiKey")]
    [InlineData("Judge:Generator:Endpoint", "http://localhost:1/v1", "Judge:Generator:ModelPath", "{model}", "set one of")]
    public async Task A_wrong_generator_setting_stops_start_up_with_the_key_named(string key, string value, string? otherKey, string? otherValue, string named)
    {
        using var data = new TempDirectory();
        string[] args = ["--urls=http://127.0.0.1:0", $"--Judge:ModelPath={TestModels.Tiny()}", $"--Judge:DataDir={data.Path}", $"--{key}={value}"];
        if (otherKey is not null)
            args = [.. args, $"--{otherKey}={otherValue!.Replace("{model}", TestModels.Tiny("qwen2"))}"];
        await using var app = JudgeHost.Build(args);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains(named, error.Message);
    }

    private static async Task<string> GenerateAsync(IJudgeEngine engine, IEnumerable<ChatMessage> messages, uint seed) =>
        (await engine.GenerateAsync([.. messages], new GenerationRequest(ResponseTokens, SynthesisTemperature, seed), WorkPriority.Background, CancellationToken.None))
            .Text.Trim();

    private sealed record StoredPair(string Instruction, IReadOnlyList<string>? FollowUps, IReadOnlyList<HistoryTurn>? History, string Chosen, string Rejected,
        SynthesisProvenance Provenance, List<JudgmentRecord> Judgments)
    {
        public string JudgedInstruction => PoolInstruction.Judged(Instruction, FollowUps);
    }

    private static List<StoredPair> StoredPairs(string dataDir)
    {
        using var connection = Open(dataDir);
        var pairs = Query(connection, "SELECT id, instruction, follow_ups, history, chosen, rejected, synthesis FROM pairs ORDER BY instruction_id", r => (Id: r.GetInt64(0),
            Pair: new StoredPair(r.GetString(1), Json<List<string>>(r, 2), Json<List<HistoryTurn>>(r, 3), r.GetString(4), r.GetString(5),
                Json<SynthesisProvenance>(r, 6)!, [])));
        foreach (var (id, pair) in pairs)
            pair.Judgments.AddRange(Query(connection, $"SELECT sample, chosen_position, seed, probability_a FROM judgments WHERE pair_id = {id} ORDER BY sample",
                r => new JudgmentRecord(r.GetInt32(0), Enum.Parse<PairPosition>(r.GetString(1)), null, (uint)r.GetInt64(2), r.GetDouble(3), "", "")));
        return pairs.Select(p => p.Pair).ToList();
    }

    /// <summary>Which model classified each pool instruction, in import order (null: its category came with the import).</summary>
    private static List<GeneratorIdentity?> ClassifiedBy(string dataDir)
    {
        using var connection = Open(dataDir);
        return Query(connection, "SELECT category_model FROM instructions ORDER BY id", r => Json<GeneratorIdentity>(r, 0));
    }

    private static SqliteConnection Open(string dataDir)
    {
        var connection = new SqliteConnection($"Data Source={Path.Combine(dataDir, "pipeline.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        return connection;
    }

    private static List<T> Query<T>(SqliteConnection connection, string sql, Func<SqliteDataReader, T> row)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
            rows.Add(row(reader));
        return rows;
    }

    private static T? Json<T>(SqliteDataReader reader, int ordinal) where T : class =>
        reader.IsDBNull(ordinal) ? null : JsonSerializer.Deserialize<T>(reader.GetString(ordinal), JsonSerializerOptions.Web);
}
