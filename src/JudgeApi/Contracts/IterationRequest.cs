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
public sealed record IterationRequest(
    int? Instructions,
    List<string>? Categories,
    int? JudgmentsPerPair,
    float? Temperature,
    bool? Train,
    long? Seed,
    bool? IncludeUsedInstructions,
    string? Data = null)
{
    public IterationParameters ToParameters(IReadOnlyList<string> configuredCategories) => new(
        Instructions ?? 200,
        Categories is { Count: > 0 } ? Categories.Select(NormalizeCategory).Distinct().ToList() : configuredCategories,
        JudgmentsPerPair ?? 8,
        Temperature ?? 0.8f,
        Train ?? true,
        Seed ?? Random.Shared.NextInt64(0, int.MaxValue),
        IncludeUsedInstructions ?? false,
        Data ?? TrainingData.Iteration);

    public static string NormalizeCategory(string category) => category.Trim().ToLowerInvariant();
}

/// <summary>The response of <c>POST /iterations</c>.</summary>
public sealed record IterationQueued(string Id, string Status);
