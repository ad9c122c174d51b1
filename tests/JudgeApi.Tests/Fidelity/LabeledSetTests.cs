using System.Text.Json;
using JudgeApi.Judging;
using JudgeApi.SelfTaught;

namespace JudgeApi.Tests.Fidelity;

/// <summary>Labeled sets with conversations and ties: the file shapes, and tie-aware agreement (MT-Bench's) beside accuracy.</summary>
public sealed class LabeledSetTests
{
    private readonly string directory = TestModels.NewDirectory();

    private string File(params object[] lines)
    {
        var path = Path.Combine(directory, Guid.NewGuid().ToString("N") + ".jsonl");
        System.IO.File.WriteAllLines(path, lines.Select(l => l as string ?? JsonSerializer.Serialize(l)));
        return path;
    }

    private static object MtBench(string winner, int turn) => new
    {
        question_id = 81,
        model_a = "alpaca-13b",
        model_b = "gpt-4",
        winner,
        judge = "author_0",
        conversation_a = Conversations.Messages("Q1", "a1", "Q2", "a2"),
        conversation_b = Conversations.Messages("Q1", "b1", "Q2", "b2"),
        turn,
    };

    [Fact]
    public void Every_shape_reads_into_the_judged_turn_and_the_turns_before_it()
    {
        var pairs = LabeledSetFile.Read(File(
            new { prompt = "P", chosen = "c", rejected = "r", subset = "chat" },
            new { conversation = Conversations.Messages("Q1", "a1", "Q2"), chosen = "c2", rejected = "r2" },
            new { chosen = Conversations.Messages("Q1", "c1", "Q2", "c2"), rejected = Conversations.Messages("Q1", "r1", "Q2", "r2") },
            new { prompt = "ignored", chosen = Conversations.Messages("Q", "c"), rejected = Conversations.Messages("Q", "r") },
            MtBench("model_b", 2),
            MtBench("model_a", 1),
            MtBench("tie (bothbad)", 2)));

        Assert.Equal(new LabeledPair("P", "c", "r", "chat"), pairs[0]);
        Assert.Equal(("Q2", "c2", "r2"), (pairs[1].Prompt, pairs[1].Chosen, pairs[1].Rejected));
        Assert.Equal([new EarlierTurn("Q1", "a1", "a1")], pairs[1].Earlier);
        Assert.Equal(("Q2", "c2", "r2"), (pairs[2].Prompt, pairs[2].Chosen, pairs[2].Rejected));
        Assert.Equal([new EarlierTurn("Q1", "c1", "r1")], pairs[2].Earlier);
        Assert.Equal(("Q", "c", "r", null), (pairs[3].Prompt, pairs[3].Chosen, pairs[3].Rejected, pairs[3].Earlier));
        Assert.Equal(("Q2", "b2", "a2", "turn-2", false), (pairs[4].Prompt, pairs[4].Chosen, pairs[4].Rejected, pairs[4].Subset, pairs[4].Tie));
        Assert.Equal([new EarlierTurn("Q1", "b1", "a1")], pairs[4].Earlier);
        Assert.Equal(("Q1", "a1", "b1", "turn-1", null), (pairs[5].Prompt, pairs[5].Chosen, pairs[5].Rejected, pairs[5].Subset, pairs[5].Earlier));
        Assert.True(pairs[6].Tie);
    }

    [Theory]
    [InlineData("""{"conversation": [{"role": "user", "content": "Q"}, {"role": "assistant", "content": "A"}], "chosen": "c", "rejected": "r"}""", "\"conversation\"[1].role")]
    [InlineData("""{"chosen": [{"role": "user", "content": "Q"}, {"role": "assistant", "content": "c"}], "rejected": [{"role": "user", "content": "Other"}, {"role": "assistant", "content": "r"}]}""", "\"rejected\"[0].content")]
    [InlineData("""{"conversation_a": [{"role": "user", "content": "Q"}, {"role": "assistant", "content": "a"}], "conversation_b": [{"role": "user", "content": "Q"}, {"role": "assistant", "content": "b"}], "winner": "model_c", "turn": 1}""", "\"winner\"")]
    [InlineData("""{"prompt": "P", "chosen": "c"}""", "\"rejected\" must be a string")]
    public void A_line_that_fits_no_shape_is_refused_with_its_number_and_the_reason(string line, string named)
    {
        var path = File(new { prompt = "P", chosen = "c", rejected = "r" }, line);

        var refused = Assert.Throws<LabeledSetException>(() => LabeledSetFile.Read(path));

        Assert.Contains("line 2", refused.Message);
        Assert.Contains(named, refused.Message);
    }

    [Fact]
    public async Task A_set_with_ties_gets_MT_Bench_agreement_with_and_without_ties_and_accuracy_leaves_tie_pairs_out()
    {
        // Four pairs: two with a better side (texts "good"), two labeled ties. The scripted judge prefers "good", says a tie
        // when offered one for two "same…" answers, and otherwise falls for position A.
        LabeledPair[] pairs =
        [
            new("q1", "good", "bad", "s"),
            new("q2", "good", "bad", "s"),
            new("q3", "same one", "same two", "s", Tie: true),
            new("q4", "same three", "same four", "t", Tie: true),
        ];
        var engine = new ScriptedJudgeEngine(r =>
            r.First == "good" ? ScriptedJudgeEngine.Result(0.9, 0.1, r.AllowTie ? 0 : null)
            : r.Second == "good" ? ScriptedJudgeEngine.Result(0.1, 0.9, r.AllowTie ? 0 : null)
            : r.AllowTie ? ScriptedJudgeEngine.Result(0.2, 0.1, 0.7) : ScriptedJudgeEngine.Result(0.6, 0.4));
        var evaluator = new PairwiseEvaluator(engine);

        var withoutTieLabel = await evaluator.EvaluateAsync(pairs, JudgeWeights.Base, JudgeMode.Direct, 8, allowTie: false, WorkPriority.Background, null,
            CancellationToken.None);
        var withTieLabel = await evaluator.EvaluateAsync(pairs, JudgeWeights.Base, JudgeMode.Direct, 8, allowTie: true, WorkPriority.Background, null,
            CancellationToken.None);

        // Accuracy counts the four judgments of the two pairs with a better side, both ways.
        Assert.Equal((1.0, 4, 4), (withoutTieLabel.Accuracy, withoutTieLabel.Correct, withoutTieLabel.Judgments));
        Assert.Equal((1.0, 4, 4), (withTieLabel.Accuracy, withTieLabel.Correct, withTieLabel.Judgments));
        // Without the label, the position-biased judge disagrees with itself on the tie pairs: MT-Bench counts that as a tie.
        Assert.Equal(new TieAgreement(1.0, 4, 4, 1.0, 2, 2, 2, 2), withoutTieLabel.TieAware);
        Assert.Equal(new TieAgreement(1.0, 4, 4, 1.0, 2, 2, 2, 2), withTieLabel.TieAware);
        Assert.Equal(new TieAgreement(1.0, 3, 3, 1.0, 2, 2, 1, 1), withTieLabel.Subsets!["s"].TieAware);
    }

    [Fact]
    public async Task A_tie_verdict_on_a_pair_with_a_better_side_is_wrong_and_a_set_without_ties_reports_no_agreement()
    {
        var engine = new ScriptedJudgeEngine(_ => ScriptedJudgeEngine.Result(0.2, 0.1, 0.7));
        LabeledPair[] pairs = [new("q", "good", "bad", null)];

        var score = await new PairwiseEvaluator(engine).EvaluateAsync(pairs, JudgeWeights.Base, JudgeMode.Direct, 8, allowTie: true,
            WorkPriority.Background, null, CancellationToken.None);

        Assert.Equal((0.0, 0, 2), (score.Accuracy, score.Correct, score.Judgments));
        Assert.Null(score.TieAware);
        Assert.DoesNotContain("tieAware", JsonSerializer.Serialize(score, JsonSerializerOptions.Web));
    }

    [Fact]
    public async Task The_second_order_shows_each_side_its_own_earlier_answers()
    {
        var engine = new ScriptedJudgeEngine(_ => ScriptedJudgeEngine.Result(0.6, 0.4));
        LabeledPair[] pairs = [new("Q2", "c2", "r2", null, [new EarlierTurn("Q1", "c1", "r1")])];

        await new PairwiseEvaluator(engine).EvaluateAsync(pairs, JudgeWeights.Base, JudgeMode.Direct, 8, allowTie: false, WorkPriority.Background, null,
            CancellationToken.None);

        Assert.Equal([new EarlierTurn("Q1", "c1", "r1")], engine.Requests.Single(r => r.First == "c2").Earlier);
        Assert.Equal([new EarlierTurn("Q1", "r1", "c1")], engine.Requests.Single(r => r.First == "r2").Earlier);
    }
}
