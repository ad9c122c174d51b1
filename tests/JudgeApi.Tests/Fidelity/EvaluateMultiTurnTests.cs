using System.Text.Json;
using JudgeApi.Cli;
using JudgeApi.Judging;
using JudgeApi.SelfTaught;
using Microsoft.Extensions.Options;

namespace JudgeApi.Tests.Fidelity;

/// <summary>The evaluate command on MT-Bench human judgments, and the training data the pipeline writes for multi-turn pairs.</summary>
public sealed class EvaluateMultiTurnTests
{
    private readonly string directory = TestModels.NewDirectory();

    [Fact]
    public async Task Evaluate_reads_MT_Bench_human_judgments_and_reports_tie_aware_agreement_per_turn()
    {
        var data = Path.Combine(directory, "mt-bench-human.jsonl");
        string[] winners = ["model_a", "model_b", "tie", "tie (bothbad)"];
        File.WriteAllLines(data, winners.SelectMany((winner, i) => new[] { 1, 2 }.Select(turn => JsonSerializer.Serialize(new
        {
            question_id = 81 + i,
            model_a = "alpaca-13b",
            model_b = "vicuna-13b",
            winner,
            judge = "expert_0",
            conversation_a = Conversations.Messages($"Question {i}?", $"First answer {i}.", "And then?", $"Then {i}."),
            conversation_b = Conversations.Messages($"Question {i}?", $"Other answer {i}.", "And then?", $"Otherwise {i}."),
            turn,
        }))));
        var report = Path.Combine(directory, "report.json");

        var exit = await EvaluateCommand.Create().Parse(["--model", TestModels.Tiny(), "--data", data, "--mode", "direct", "--allow-tie", "--report", report,
            "--threads", "1", "--sequences", "2", "--context", "1024"]).InvokeAsync();

        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(File.ReadAllText(report));
        Assert.True(json.RootElement.GetProperty("allowTie").GetBoolean());
        var score = json.RootElement.GetProperty("score");
        // Four pairs with a winner, both orders each; the four ties count only towards agreement.
        Assert.Equal(8, score.GetProperty("judgments").GetInt32());
        var tieAware = score.GetProperty("tieAware");
        Assert.Equal((8, 4), (tieAware.GetProperty("pairs").GetInt32(), tieAware.GetProperty("labeledTies").GetInt32()));
        Assert.InRange(tieAware.GetProperty("agreed").GetInt32(), 0, 8);
        Assert.Equal(["turn-1", "turn-2"], score.GetProperty("subsets").EnumerateObject().Select(p => p.Name));
        Assert.Equal(4, score.GetProperty("subsets").GetProperty("turn-2").GetProperty("tieAware").GetProperty("pairs").GetInt32());
    }

    [Fact]
    public void A_multi_turn_pair_is_rendered_for_training_with_the_multi_turn_prompt_and_the_tie_option_as_configured()
    {
        var options = Options.Create(new SelfTaughtOptions { AllowTie = true });
        var engine = new ScriptedJudgeEngine(_ => ScriptedJudgeEngine.Result(1, 0));
        var model = new JudgeEngineIterationModel(engine, new JudgeEngineGenerator(engine), options);
        var pair = new AnnotatedPair(1, 2, "Now shorter.", "Rain.", "Snow falls.", [new JudgmentRecord(0, PairPosition.B, PairPosition.B, 7, 0.1, "B is it.",
            JudgePrompt.Completion(JudgePrompt.VerdictText("B is it."), JudgePrompt.LabelB))], 0, [new HistoryTurn("Write a haiku about rain.", "Rain taps the window.")]);

        var messages = DatasetFormat.Messages(model, pair, pair.Judgments[0]);

        var texts = new JudgedTexts("Now shorter.", "Snow falls.", "Rain.", HistoryTurn.Shared(pair.History), AllowTie: true);
        Assert.Equal(JudgePrompt.Render(texts).Select(m => (m.Role, m.Content)), messages.Take(2).Select(m => (m.Role, m.Content)));
        Assert.Contains("### Assistant B:\nRain taps the window.", messages[1].Content);
        Assert.Contains("[[C]]", messages[0].Content);
        Assert.Equal(("assistant", "B is it.\n\nFinal verdict: [[B]]"), (messages[2].Role, messages[2].Content));
        var behavior = model.JudgeBehaviorVersion(new PairToJudge("Now shorter.", "Snow falls.", "Rain.", texts.Earlier));
        Assert.StartsWith(engine.Model.BehaviorVersion + "/judge-multi-turn-v1+tie.", behavior);
    }
}
