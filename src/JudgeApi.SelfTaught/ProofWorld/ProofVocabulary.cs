using JudgeApi.Llama.Gguf;

namespace JudgeApi.SelfTaught;

/// <summary>
/// The seed model's tokenizer: a byte-level BPE learned from a sample of the world's own corpus. The fixed texts
/// (the judge rubric, the pipeline's prompts) recur in every example, so they end up a token per word or so, while
/// every digit stays one token (<see cref="ByteLevelBpe"/>). About 1,300 tokens: the output layer and the embedding
/// stay small, and a judge prompt is a few hundred tokens.
/// </summary>
public static class ProofVocabulary
{
    public const int Merges = 1000;

    /// <summary>
    /// The corpus sample the merges are learned from: every kind of example, about a tenth of a seed corpus. Its mix is
    /// spelled out rather than taken from the default recipe, so that tuning the recipe does not move the vocabulary.
    /// </summary>
    private static readonly SeedRecipe Sample = new(Answers: 2_400, Modifications: 400, Classifications: 200, Judgments: 300,
        CarefulShare: 0.4, CarelessAccuracy: 0.6, SameShapeShare: 0, Drills: 0, SameFamilyShare: 0, Matches: 0);

    public static ByteLevelBpe Learn(int seed) =>
        ByteLevelBpe.Learn(SeedCorpus.Build(seed, Sample).SelectMany(e => e.Messages).SelectMany(m => new[] { m.Role + "\n", m.Content }), Merges);
}
