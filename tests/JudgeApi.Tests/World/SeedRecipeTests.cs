using JudgeApi.Cli;
using JudgeApi.SelfTaught;
using JudgeApi.Tests.SelfTaught;

namespace JudgeApi.Tests.World;

/// <summary>
/// The seed recipe at test size: from random weights, the full-parameter trainer on the world's corpus, then the
/// model answers dev questions (never labeled-set ones) through the service's own engine. A model that learned
/// nothing answers nothing in form and nothing right.
/// </summary>
public sealed class SeedRecipeTests
{
    [Fact]
    public async Task A_reduced_seed_recipe_learns_its_task_families_well_above_chance()
    {
        using var dir = new TempDirectory();
        var model = Path.Combine(dir.Path, "seed.gguf");

        var build = await ProofModel.TrainAsync(model, seed: 3, reduced: true, threads: 1, dir.Path, null, CancellationToken.None);
        using var engine = EvaluateCommand.LoadEngine(model, null, ProofModel.Preset("", reduced: true).ContextLength, sequences: 8, threads: 1);
        var scores = await SeedModelScores.MeasureAsync(engine, seed: 3, questions: 160, pairs: 0, maxReasoningTokens: 1, CancellationToken.None);

        Assert.True(build.Training.FinalLoss < build.Training.InitialLoss / 4, $"loss {build.Training.InitialLoss} -> {build.Training.FinalLoss}");
        // In form: a random model writes no such answer; a trained one writes nothing else.
        Assert.True(scores.AnswerFormRate > 0.9, $"answers in form: {scores.AnswerFormRate}");
        Assert.All(scores.Families.Values, f => Assert.True(f.AnswerFormRate > 0.7, $"a family's answers in form: {f.AnswerFormRate}"));
        // Right: exact answers, where guessing within the form is right a few times in a thousand at best.
        Assert.True(scores.AnswerAccuracy > 0.1, $"answer accuracy {scores.AnswerAccuracy}");
        Assert.True(scores.Families["lookup"].AnswerAccuracy > 0.5, $"look-up accuracy {scores.Families["lookup"].AnswerAccuracy}");
    }
}
