using System.Text.Json;
using JudgeApi.Judging;
using JudgeApi.SelfTaught;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace JudgeApi.Tests.Fidelity;

/// <summary>How /judge combines samples and orders with ties allowed, and that nothing changes without them.</summary>
public sealed class TieJudgingTests
{
    private static JudgeService Service(ScriptedJudgeEngine engine) => new ServiceCollection()
        .AddLogging().AddMetrics().AddDistributedMemoryCache()
        .AddSingleton(Options.Create(new JudgeOptions())).AddSingleton(TimeProvider.System)
        .AddSingleton<JudgeMetrics>().AddSingleton<JudgmentCache>()
        .AddSingleton<IJudgeEngine>(engine).AddSingleton<JudgeService>()
        .BuildServiceProvider().GetRequiredService<JudgeService>();

    private static JudgeParameters Request(bool allowTie, IReadOnlyList<EarlierTurn>? earlier = null) =>
        new("Which is right?", "good", "bad", null, JudgeMode.Reasoning, 1, true, 8, 0, 0) { AllowTie = allowTie, EarlierTurns = earlier };

    [Fact]
    public async Task Probabilities_of_the_swapped_order_are_mapped_back_with_the_tie_kept()
    {
        // "good" wins whichever position it is shown in: P(good) 0.7, P(tie) 0.2.
        var engine = new ScriptedJudgeEngine(r => r.First == "good" ? ScriptedJudgeEngine.Result(0.7, 0.1, 0.2) : ScriptedJudgeEngine.Result(0.1, 0.7, 0.2));

        var response = await Service(engine).JudgeAsync(Request(allowTie: true), useCache: false, CancellationToken.None);

        Assert.Equal("A", response.Winner);
        Assert.Equal(0.7, response.ProbabilityA, 12);
        Assert.Equal(0.2, response.ProbabilityTie!.Value, 12);
        Assert.Equal(0.7, response.Confidence, 12);
        Assert.Equal(new JudgeVotes(2, 0, 0), response.Votes);
        Assert.Equal("judge-v1+tie", response.PromptVersion);
        Assert.All(engine.Requests, r => Assert.True(r.AllowTie));
    }

    [Fact]
    public async Task The_winner_is_a_tie_when_the_tie_is_the_most_likely_label()
    {
        var engine = new ScriptedJudgeEngine(_ => ScriptedJudgeEngine.Result(0.25, 0.15, 0.6));

        var response = await Service(engine).JudgeAsync(Request(allowTie: true), useCache: false, CancellationToken.None);

        Assert.Equal("tie", response.Winner);
        Assert.Equal(0.6, response.Confidence, 12);
        Assert.Equal(0.2, response.ProbabilityA, 12);
        Assert.Equal(new JudgeVotes(0, 0, 2), response.Votes);
    }

    [Fact]
    public async Task The_swapped_order_shows_each_side_its_own_earlier_answers()
    {
        var engine = new ScriptedJudgeEngine(_ => ScriptedJudgeEngine.Result(0.6, 0.4));
        EarlierTurn[] earlier = [new("First question", "A's first answer", "B's first answer")];

        var response = await Service(engine).JudgeAsync(Request(allowTie: false, earlier), useCache: false, CancellationToken.None);

        var (original, swapped) = (engine.Requests.Single(r => r.First == "good"), engine.Requests.Single(r => r.First == "bad"));
        Assert.Equal(earlier, original.Earlier);
        Assert.Equal([new EarlierTurn("First question", "B's first answer", "A's first answer")], swapped.Earlier);
        Assert.Equal(JudgePrompt.MultiTurnVersion, response.PromptVersion);
    }

    [Fact]
    public async Task Without_ties_the_answer_has_exactly_the_fields_it_always_had()
    {
        var engine = new ScriptedJudgeEngine(r => ScriptedJudgeEngine.Result(r.First == "good" ? 0.8 : 0.3, r.First == "good" ? 0.2 : 0.7));

        var response = await Service(engine).JudgeAsync(Request(allowTie: false), useCache: false, CancellationToken.None);

        var json = JsonSerializer.SerializeToElement(response, JsonSerializerOptions.Web);
        Assert.Equal(["behaviorVersion", "cached", "confidence", "elapsedMs", "hitTokenLimit", "id", "mode", "model", "probabilityA", "promptTokens",
            "promptVersion", "reasoning", "reasoningTokens", "thinking", "votes", "winner"], json.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(["a", "b"], json.GetProperty("votes").EnumerateObject().Select(p => p.Name));
        Assert.Equal((0.8 + 0.7) / 2, response.ProbabilityA, 12);
        Assert.Equal(JudgePrompt.Version, response.PromptVersion);
        Assert.All(engine.Requests, r => Assert.False(r.AllowTie));
    }

    [Fact]
    public async Task In_annotation_a_tie_is_never_a_correct_judgment_of_a_synthetic_pair()
    {
        var engine = new ScriptedJudgeEngine(_ => ScriptedJudgeEngine.Result(0.2, 0.1, 0.7));
        var model = new JudgeEngineIterationModel(engine, new JudgeEngineGenerator(engine), Options.Create(new SelfTaughtOptions { AllowTie = true }));

        // At temperature 0 the verdict is the more likely label, the tie, in every sample (above 0 it is drawn: SampledVerdictTests).
        var annotation = await new RejectionSampler(model).AnnotateAsync(1, 2, "x", "y_w", "y_l", null, 4, 0f, reject: true, CancellationToken.None);

        Assert.All(annotation.Judgments, j => Assert.Equal((null, false), (j.Winner, j.Correct)));
        Assert.All(annotation.Judgments, j => Assert.EndsWith("Final verdict: [[C]]", j.Completion));
        Assert.Null(annotation.KeptSample);
        Assert.All(engine.Requests, r => Assert.True(r.AllowTie));
    }

    [Fact]
    public void A_single_turn_request_keeps_the_cache_key_it_had_before_multi_turn_and_ties()
    {
        var model = new ScriptedJudgeEngine(_ => ScriptedJudgeEngine.Result(1, 0)).Model;
        var single = new JudgeParameters("Name the capital of France.", "Paris.", "Lyon.", null, JudgeMode.Reasoning, 1, true, 512, 0, 0);

        // The key of this request on main before multi-turn judging and ties (8f295ed's JudgmentCache.Key, same model info).
        Assert.Equal("judge:82b15c77abde2b1d3f6c0c280b0622e1e665a2d68cbf7f7c27434122269c8789", JudgmentCache.Key(single, model));
        Assert.Equal(model.BehaviorVersion, single.BehaviorVersion(model.BehaviorVersion));
        var keys = new[]
        {
            JudgmentCache.Key(single, model),
            JudgmentCache.Key(single with { AllowTie = true }, model),
            JudgmentCache.Key(single with { EarlierTurns = [new("Hi", "Hello.", "Hello.")] }, model),
            JudgmentCache.Key(single with { EarlierTurns = [new("Hi", "Hello.", "Hey.")] }, model),
        };
        Assert.Equal(keys.Length, keys.Distinct().Count());
        // Multi-turn and tie judgments name their prompt in the behaviour version they answer with and store.
        string[] versions = [.. new[] { (true, false), (false, true), (true, true) }.Select(v => JudgeBehavior.VersionFor(model.BehaviorVersion, v.Item1, v.Item2))];
        Assert.All(versions, v => Assert.StartsWith(model.BehaviorVersion + "/judge-", v));
        Assert.Equal(3, versions.Distinct().Count());
    }
}
