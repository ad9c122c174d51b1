using JudgeApi.Llama;
using JudgeApi.Training;

namespace JudgeApi.SelfTaught;

/// <summary>
/// Can the seed model's shape, with the seed recipe's trainer, learn to answer some families of the world? Trains that
/// shape from scratch on nothing but right answers to corpus questions of those families (the seed corpus's answer
/// examples, rendered the same way), then measures greedy exact-match answers on dev questions
/// (<see cref="SeedModelScores"/>, the same questions the seed model's report asks). A whole seed run takes 13 minutes
/// and mixes everything; this measures one part of it, such as arithmetic against the learning rate, in two.
/// </summary>
public static class AnswerProbe
{
    public static IReadOnlyList<TrainingExample> Examples(IReadOnlyList<WorldFamily> families, int count, Random random) =>
        Enumerable.Range(0, count).Select(i =>
        {
            var question = ProofWorld.AskForCorpus(families[i % families.Count], random);
            return new TrainingExample([new ChatMessage("user", IterationPrompts.Response(question.Instruction)), new ChatMessage("assistant", question.Answer)]);
        }).ToList();

    /// <summary>Trains the probe model into <paramref name="outPath"/>; the vocabulary and the initial weights are the seed model's for <paramref name="seed"/>.</summary>
    public static async Task<TrainingResult> TrainAsync(string outPath, IReadOnlyList<WorldFamily> families, int examples, int epochs, float learningRate,
        int seed, int threads, string work, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        var (initial, _) = ProofModel.WriteInitialModel(work, seed);
        var options = ProofModel.TrainerOptions(seed, threads) with { Epochs = epochs, LearningRate = learningRate, MaxSequenceLength = 128 };
        return await new FullParameterTrainer(options).TrainAsync(initial, Examples(families, examples, new Random(seed)), outPath, progress, cancellationToken);
    }
}
