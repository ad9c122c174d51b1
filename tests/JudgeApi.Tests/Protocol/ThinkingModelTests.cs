using JudgeApi.Judging;
using JudgeApi.Llama;
using JudgeApi.Llama.Gguf;
using JudgeApi.Training;
using Microsoft.Extensions.DependencyInjection;

namespace JudgeApi.Tests.Protocol;

/// <summary>Real templates of thinking models from llama.cpp's bundle, on the tiny generated model.</summary>
internal static class ThinkingTemplates
{
    /// <summary>Qwen3: thinks unless <c>enable_thinking</c> is false.</summary>
    public static string Switchable => Read("Qwen-Qwen3-0.6B.jinja");

    /// <summary>DeepSeek-R1 distill: always thinks; its generation prompt opens the thought.</summary>
    public static string Always => Read("deepseek-ai-DeepSeek-R1-Distill-Llama-8B.jinja");

    private static string Read(string file) => File.ReadAllText(Path.Combine(RepoPaths.Root, ".cache", "llama.cpp", "models", "templates", file));
}

/// <summary>
/// The tiny model on DeepSeek-R1's template, with an adapter our trainer fits so that it thinks first, quoting a
/// verdict in its thought, then answers with the other one.
/// </summary>
public sealed class ThinkerFixture : IAsyncLifetime
{
    public static readonly (string Instruction, string First, string Second, string Turn)[] Judgments =
    [
        ("What is 2 + 2?", "5.", "4.", "I could write [[A]] here, but B is right.\n</think>\n\nB adds correctly.\n\nFinal verdict: [[B]]"),
        ("Name a primary color.", "Red.", "Pink.", "Maybe [[B]]? No: red is primary.\n</think>\n\nA is right.\n\nFinal verdict: [[A]]"),
    ];

    public static string ModelPath => TestModels.PathOf(new TestModelSpec(ChatTemplate: ThinkingTemplates.Always));

    public Service.JudgeServer Server { get; private set; } = null!;

    public IJudgeEngine Engine => Server.Services.GetRequiredService<IJudgeEngine>();

    public async Task InitializeAsync()
    {
        var adapter = Path.Combine(TestModels.NewDirectory(), "thinker.gguf");
        var examples = Judgments.Select(j => new TrainingExample(
            [.. JudgePrompt.Render(j.Instruction, j.First, j.Second), new ChatMessage("assistant", j.Turn)])).ToList();
        var options = new TrainerOptions { LearningRate = 3e-3f, BatchSize = 1, Epochs = 40, Seed = 9, Threads = 1, WarmupFraction = 0.05f };
        await new LoraTrainer(options).TrainAsync(ModelPath, examples, adapter);
        Server = await Service.JudgeServer.StartAsync(("Judge:ModelPath", ModelPath), ("Judge:AdapterPath", adapter), ("Judge:MaxThinkingTokens", "48"));
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>
/// Item 7 of issue 11: a template that can turn thinking off gets it off (serving and training alike); a model that
/// always thinks is let think, a verdict quoted in its thought is not read, and the verdict is read after "&lt;/think&gt;".
/// </summary>
public sealed class ThinkingModelTests(ThinkerFixture thinker) : IClassFixture<ThinkerFixture>
{
    [Fact]
    public void A_template_that_can_turn_thinking_off_is_served_and_trained_with_an_empty_thought()
    {
        using var model = LlamaModel.Load(TestModels.PathOf(new TestModelSpec(ChatTemplate: ThinkingTemplates.Switchable)), new ModelOptions { VocabOnly = true });
        var chat = new ChatTokenizer(model, ChatTemplate.For(model));
        var messages = JudgePrompt.Render("Q", "a", "b");

        var served = new PromptTokenizer(chat).Judge("Q", "a", "b", null);
        var trained = new ChatExampleTokenizer(chat, 4096).Tokenize(new TrainingExample([.. messages, new ChatMessage("assistant", "Final verdict: [[A]]")]), 0);

        Assert.Equal(ChatThinking.Disabled, chat.Template.Thinking);
        Assert.EndsWith("<|im_start|>assistant\n<think>\n\n</think>\n\n", model.Detokenize(served.Tokens, special: true));
        Assert.Equal(served.Tokens, trained.Tokens[..trained.PromptLength]);
    }

    [Fact]
    public async Task A_switchable_model_judges_with_thinking_off()
    {
        var path = TestModels.PathOf(new TestModelSpec(ChatTemplate: ThinkingTemplates.Switchable));
        await using var server = await Service.JudgeServer.StartAsync(("Judge:ModelPath", path));

        var result = await server.Services.GetRequiredService<IJudgeEngine>().JudgeOnceAsync(
            new JudgeOnceRequest("Q?", "a", "b", MaxReasoningTokens: 8, Temperature: 0.9f, Seed: 1), WorkPriority.Interactive, CancellationToken.None);

        Assert.Null(result.Thinking);
        Assert.InRange(result.ReasoningTokens, 0, 8);
    }

    [Theory]
    [InlineData(0, "B adds correctly.", "I could write [[A]] here, but B is right.", "B")]
    [InlineData(1, "A is right.", "Maybe [[B]]? No: red is primary.", "A")]
    public async Task A_thinking_model_is_read_after_its_thought_not_at_a_verdict_it_quotes_there(int judgment, string reasoning, string thought, string label)
    {
        var (instruction, first, second, turn) = ThinkerFixture.Judgments[judgment];

        var result = await thinker.Engine.JudgeOnceAsync(new JudgeOnceRequest(instruction, first, second, MaxReasoningTokens: 40),
            WorkPriority.Interactive, CancellationToken.None);

        Assert.Equal(reasoning, result.Reasoning);
        Assert.Equal(thought, result.Thinking);
        Assert.Equal(turn[..^"B]]".Length], result.VerdictText);
        Assert.Equal(label, result.Verdict);
        Assert.True(Math.Max(result.ProbabilityA, 1 - result.ProbabilityA) > 0.9, $"P(A) = {result.ProbabilityA}");
        Assert.False(result.HitTokenLimit);
    }

    [Fact]
    public async Task A_thought_that_runs_past_its_budget_is_closed_and_the_verdict_read_after_it()
    {
        var (instruction, first, second, _) = ThinkerFixture.Judgments[0];

        // The base model never closes its thought: it runs into Judge:MaxThinkingTokens (48).
        var result = await thinker.Engine.JudgeOnceAsync(new JudgeOnceRequest(instruction, first, second, MaxReasoningTokens: 40, Temperature: 0.9f,
            Seed: 4, Weights: JudgeWeights.Base), WorkPriority.Interactive, CancellationToken.None);

        Assert.True(result.HitTokenLimit);
        Assert.Equal(48, result.ReasoningTokens);
        Assert.EndsWith("\n</think>\n\nFinal verdict: [[", result.VerdictText);
        Assert.Equal("", result.Reasoning);
        Assert.NotNull(result.Thinking);
    }
}
