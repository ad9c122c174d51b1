using System.Net.Http.Json;
using System.Text.Json;
using JudgeApi.Judging;
using JudgeApi.SelfTaught;
using JudgeApi.Tests.SelfTaught;
using JudgeApi.Tests.Service;
using Microsoft.Data.Sqlite;

namespace JudgeApi.Tests.Protocol;

/// <summary>
/// Item 5 of issue 11: one judge-behaviour version covers the prompt text, the sampling settings, the seed derivation,
/// the verdict reading, the tie and the template; it is in the cache key, every answer and every stored judgment.
/// </summary>
public sealed class BehaviorVersionTests(Service.JudgeServerFixture server) : IClassFixture<Service.JudgeServerFixture>
{
    [Fact]
    public void Every_part_of_the_behaviour_changes_its_version()
    {
        var current = JudgeBehavior.Default;
        JudgeBehavior[] changed =
        [
            current with { TopP = 0.9f },
            current with { MinP = 0.1f },
            current with { TieEpsilon = 0.02 },
            current with { SeedDerivation = "another formula" },
            current with { VerdictReading = "another reading" },
            current with { Prompt = "judge-v1:another text" },
            current with { Template = "built-in 'llama3', thinking none" },
            current with { MaxThinkingTokens = 1024 },
        ];

        Assert.Equal(current.Version, new JudgeBehavior().Version);
        Assert.StartsWith(JudgePrompt.Version + ".", current.Version);
        Assert.Equal(changed.Length + 1, changed.Select(b => b.Version).Append(current.Version).Distinct().Count());
    }

    [Fact]
    public void The_prompt_part_is_a_digest_of_the_rendered_text_not_only_its_name()
    {
        Assert.StartsWith(JudgePrompt.Version + ":", JudgeBehavior.Default.Prompt);
        Assert.Equal(JudgePrompt.Version.Length + 1 + 64, JudgeBehavior.Default.Prompt.Length);
    }

    [Fact]
    public async Task The_cache_key_and_every_answer_carry_the_loaded_behaviour()
    {
        var model = await server.Server.Client.GetFromJsonAsync<JsonElement>("/model");
        var version = model.GetProperty("behaviorVersion").GetString()!;

        using var response = await server.Server.Client.PostJudgeAsync(Service.JudgeRequests.Valid(("mode", "direct")));
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.StartsWith(JudgePrompt.Version + ".", version);
        Assert.Equal(version, answer.GetProperty("behaviorVersion").GetString());
        // The loaded template is part of it, so it differs from the code's defaults alone.
        Assert.NotEqual(JudgeBehavior.Default.Version, version);
        var parameters = new JudgeParameters("Q", "a", "b", null, JudgeMode.Direct, 1, true, 0, 0, 0);
        var info = new JudgeModelInfo("m.gguf", "hash", "llama", "", 1, 1, 1024, 4, "Cpu", null, null, false, null, version);
        Assert.NotEqual(JudgmentCache.Key(parameters, info), JudgmentCache.Key(parameters, info with { BehaviorVersion = JudgeBehavior.Default.Version }));
    }

    [Fact]
    public async Task Every_stored_judgment_and_example_records_the_behaviour_that_made_it()
    {
        using var pipeline = new PipelineFixture();
        pipeline.ImportThirty();
        var iteration = pipeline.Queue(instructions: 6, judgmentsPerPair: 2);
        var model = new ScriptedPipelineModel();

        await pipeline.RunAsync(model, iteration.Id);

        using var db = Open(pipeline.Database.Path);
        Assert.Equal((12L, 12L), Counts(db, "judgments", model.JudgeBehaviorVersion));
        var examples = Counts(db, "examples", model.JudgeBehaviorVersion);
        Assert.True(examples.Total > 0);
        Assert.Equal(examples.Total, examples.Recorded);
        await foreach (var example in new PairStore(pipeline.Database).ReadDataset(iteration.Id, CancellationToken.None))
            Assert.Equal(model.JudgeBehaviorVersion, JsonDocument.Parse(DatasetFormat.Line(example)).RootElement.GetProperty("behaviorVersion").GetString());
    }

    [Fact]
    public void A_database_from_before_the_version_gets_the_column_with_nothing_in_it()
    {
        using var pipeline = new PipelineFixture(Path.Combine(AppContext.BaseDirectory, "SelfTaught", "pipeline-9d30a1b.db"));

        using var db = Open(pipeline.Database.Path);
        var judgments = Counts(db, "judgments", null);
        Assert.True(judgments.Total > 0);
        Assert.Equal(0, judgments.Recorded);
        Assert.Equal((Migrations.Latest, "judgments and examples record the judge behaviour version"), LatestMigration(db));
    }

    private static SqliteConnection Open(string path)
    {
        var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        return connection;
    }

    /// <summary>Rows of the table, and how many record <paramref name="version"/> (any version when null).</summary>
    private static (long Total, long Recorded) Counts(SqliteConnection db, string table, string? version)
    {
        using var command = db.CreateCommand();
        command.CommandText = $"SELECT COUNT(*), SUM(CASE WHEN behavior_version IS NOT NULL AND ($v IS NULL OR behavior_version = $v) THEN 1 ELSE 0 END) FROM {table}";
        command.Parameters.AddWithValue("$v", (object?)version ?? DBNull.Value);
        using var reader = command.ExecuteReader();
        reader.Read();
        return (reader.GetInt64(0), reader.IsDBNull(1) ? 0 : reader.GetInt64(1));
    }

    private static (int, string) LatestMigration(SqliteConnection db)
    {
        using var command = db.CreateCommand();
        command.CommandText = "SELECT version, description FROM schema_version ORDER BY version DESC LIMIT 1";
        using var reader = command.ExecuteReader();
        reader.Read();
        return (reader.GetInt32(0), reader.GetString(1));
    }
}
