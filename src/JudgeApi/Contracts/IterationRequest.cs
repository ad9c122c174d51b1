using JudgeApi.SelfTaught;

namespace JudgeApi.Contracts;

/// <summary>Body of <c>POST /iterations</c>; omitted fields take the documented defaults.</summary>
/// <param name="Instructions">How many instructions to select (default 200).</param>
/// <param name="Categories">Categories to sample from (default: all configured).</param>
/// <param name="JudgmentsPerPair">Judgments sampled per pair, N (default 8).</param>
/// <param name="Temperature">Judge sampling temperature (default 0.8).</param>
/// <param name="Train">Train on the dataset afterwards (default true); false ends the iteration with the dataset.</param>
/// <param name="Seed">Seed of every random choice (default: drawn and stored).</param>
/// <param name="IncludeUsedInstructions">Also select instructions earlier iterations used (default false).</param>
/// <param name="Data">Training examples: "iteration" (this dataset, default) or "cumulative" (all kept examples so far).</param>
/// <param name="RejectionSampling">Keep a correct judgment per pair (default true); false keeps a random one whatever its verdict (a control run).</param>
/// <param name="MaxExamples">Keep at most this many examples, A/B balanced (default: all).</param>
/// <param name="Promotion">"gate" (default: only when significantly better), "always" (operator override) or "never".</param>
public sealed record IterationRequest(
    int? Instructions,
    List<string>? Categories,
    int? JudgmentsPerPair,
    float? Temperature,
    bool? Train,
    long? Seed,
    bool? IncludeUsedInstructions,
    string? Data = null,
    bool? RejectionSampling = null,
    int? MaxExamples = null,
    string? Promotion = null)
{
    public IterationParameters ToParameters(IReadOnlyList<string> configuredCategories) => new(
        Instructions ?? 200,
        Categories is { Count: > 0 } ? Categories.Select(NormalizeCategory).Distinct().ToList() : configuredCategories,
        JudgmentsPerPair ?? 8,
        Temperature ?? 0.8f,
        Train ?? true,
        Seed ?? Random.Shared.NextInt64(0, int.MaxValue),
        IncludeUsedInstructions ?? false,
        Data ?? TrainingData.Iteration,
        RejectionSampling ?? true,
        MaxExamples,
        Promotion ?? PromotionMode.Gate);

    public static string NormalizeCategory(string category) => category.Trim().ToLowerInvariant();
}

/// <summary>The response of <c>POST /iterations</c>.</summary>
public sealed record IterationQueued(string Id, string Status);
