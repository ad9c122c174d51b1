using JudgeApi.Judging;
using JudgeApi.Llama;
using JudgeApi.Training;
using Microsoft.Extensions.DependencyInjection;

namespace JudgeApi.Tests.Protocol;

/// <summary>
/// The tiny model with an adapter our trainer fits on judge prompts, so that greedily it writes a judgment of its own
/// for each: a full verdict line, a verdict in markdown bold, a lead it breaks off, or no verdict at all.
/// </summary>
public sealed class VerdictWriterFixture : IAsyncLifetime
{
    public static readonly (string Instruction, string First, string Second, string Turn)[] Judgments =
    [
        ("Name the capital of France.", "Paris.", "Lyon.", "A names the capital.\n\nFinal verdict: [[A]]"),
        ("What is 2 + 2?", "5.", "4.", "B adds correctly.\n\nFinal verdict: [[B]]"),
        ("Spell the word cat.", "k-a-t", "c-a-t", "B spells it.\n\n**Final verdict:** [[B]]"),
        ("Write a greeting.", "Hello!", "Hi!", "Both greet.\n\n**Final verdict:**"),
        ("Pick a color.", "Red.", "Blue.", "Both are colors."),
    ];

    public Service.JudgeServer Server { get; private set; } = null!;

    public IJudgeEngine Engine => Server.Services.GetRequiredService<IJudgeEngine>();

    public async Task InitializeAsync()
    {
        var model = TestModels.Tiny();
        var adapter = Path.Combine(TestModels.NewDirectory(), "verdict-writer.gguf");
        var examples = Judgments.Select(j => new TrainingExample(
            [.. JudgePrompt.Render(j.Instruction, j.First, j.Second), new ChatMessage("assistant", j.Turn)])).ToList();
        var options = new TrainerOptions { LearningRate = 3e-3f, BatchSize = 1, Epochs = 30, Seed = 5, Threads = 1, WarmupFraction = 0.05f };
        await new LoraTrainer(options).TrainAsync(model, examples, adapter);
        Server = await Service.JudgeServer.StartAsync(("Judge:AdapterPath", adapter));
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>Item 1 of issue 11: a model that writes its own verdict line gets no second one, and its reasoning ends before its lead.</summary>
public sealed class OwnVerdictLineTests(VerdictWriterFixture fixture) : IClassFixture<VerdictWriterFixture>
{
    [Theory]
    [InlineData(0, "A names the capital.", "A", "A names the capital.\n\nFinal verdict: [[")]
    [InlineData(1, "B adds correctly.", "B", "B adds correctly.\n\nFinal verdict: [[")]
    [InlineData(2, "B spells it.", "B", "B spells it.\n\n**Final verdict:** [[")]
    public async Task A_verdict_the_model_opens_is_read_right_there(int judgment, string reasoning, string label, string verdictText)
    {
        var result = await Judge(judgment);

        Assert.Equal(reasoning, result.Reasoning);
        Assert.Equal(verdictText, result.VerdictText);
        Assert.Equal(label, result.Verdict);
        // The label it learned to write after its own "[[" is the one read there, with confidence.
        Assert.True(Math.Max(result.ProbabilityA, 1 - result.ProbabilityA) > 0.9, $"P(A) = {result.ProbabilityA}");
        Assert.False(result.HitTokenLimit);
    }

    [Theory]
    [InlineData(3, "Both greet.")]
    [InlineData(4, "Both are colors.")]
    public async Task A_turn_without_a_verdict_gets_one_lead_after_its_reasoning(int judgment, string reasoning)
    {
        var result = await Judge(judgment);

        Assert.Equal(reasoning, result.Reasoning);
        Assert.Equal(reasoning + "\n\nFinal verdict: [[", result.VerdictText);
        Assert.False(result.HitTokenLimit);
    }

    [Fact]
    public async Task A_model_that_never_writes_the_line_is_given_it_once_at_the_token_cap()
    {
        var (instruction, first, second, _) = VerdictWriterFixture.Judgments[0];

        var result = await fixture.Engine.JudgeOnceAsync(
            new JudgeOnceRequest(instruction, first, second, MaxReasoningTokens: 6, Temperature: 0.9f, Seed: 2, Weights: JudgeWeights.Base),
            WorkPriority.Interactive, CancellationToken.None);

        Assert.True(result.HitTokenLimit);
        Assert.Equal(6, result.ReasoningTokens);
        Assert.NotEmpty(result.Reasoning);
        Assert.EndsWith("\n\nFinal verdict: [[", result.VerdictText);
        Assert.Single(AllIndexes(result.VerdictText, "Final verdict"));
    }

    [Fact]
    public void The_training_target_of_a_judgment_is_what_it_decoded_plus_its_label()
    {
        var completion = JudgePrompt.Completion("B spells it.\n\n**Final verdict:** [[", JudgePrompt.LabelB);

        Assert.Equal(VerdictWriterFixture.Judgments[2].Turn, completion);
    }

    private Task<JudgeOnceResult> Judge(int judgment)
    {
        var (instruction, first, second, _) = VerdictWriterFixture.Judgments[judgment];
        return fixture.Engine.JudgeOnceAsync(new JudgeOnceRequest(instruction, first, second, MaxReasoningTokens: 40), WorkPriority.Interactive,
            CancellationToken.None);
    }

    private static IEnumerable<int> AllIndexes(string text, string value)
    {
        for (var i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + 1, StringComparison.Ordinal))
            yield return i;
    }
}
