using System.Text.Json.Serialization;

namespace JudgeApi.SelfTaught;

/// <summary>What an operator asked for in <c>POST /iterations</c>, with defaults filled in and the seed fixed.</summary>
/// <param name="RejectionSampling">
/// True (the method): keep a correct judgment per pair. False (a control run): keep a random judgment whatever its
/// verdict, so that the same amount of training on the model's own judgments can be compared with the method.
/// </param>
/// <param name="MaxExamples">Keep at most this many examples (balanced A/B; the rest dropped at random); null: all.</param>
/// <param name="Promotion">How the candidate may go live (<see cref="PromotionMode"/>).</param>
public sealed record IterationParameters(
    int Instructions,
    IReadOnlyList<string> Categories,
    int JudgmentsPerPair,
    float Temperature,
    bool Train,
    long Seed,
    bool IncludeUsedInstructions,
    string Data = TrainingData.Iteration,
    bool RejectionSampling = true,
    int? MaxExamples = null,
    string Promotion = PromotionMode.Gate);

/// <summary>Which kept examples an iteration's adapter is trained on.</summary>
public static class TrainingData
{
    /// <summary>This iteration's dataset only.</summary>
    public const string Iteration = "iteration";

    /// <summary>This iteration's dataset and every earlier succeeded iteration's.</summary>
    public const string Cumulative = "cumulative";
}

public static class IterationStatus
{
    public const string Queued = "queued", Running = "running", Succeeded = "succeeded", Failed = "failed", Canceled = "canceled";

    public static bool IsFinished(string status) => status is Succeeded or Failed or Canceled;
}

/// <summary>
/// The stage an iteration is at, as stored and shown: <see cref="Pending"/> before the first, then each stage of
/// <see cref="InOrder"/>, and <see cref="Done"/> after the last it runs.
/// </summary>
public static class IterationStage
{
    public const string Pending = "pending", Classify = "classify", Select = "select", Synthesize = "synthesize",
        Annotate = "annotate", Dataset = "dataset", Train = "train", Evaluate = "evaluate", Promote = "promote", Done = "done";

    /// <summary>The order an iteration passes its stages in; one that does not train ends with <see cref="Dataset"/>.</summary>
    public static IReadOnlyList<string> InOrder { get; } = [Classify, Select, Synthesize, Annotate, Dataset, Train, Evaluate, Promote];

    /// <summary>True once the iteration's dataset is stored (the training stages come after it).</summary>
    public static bool HasDataset(string stage) => stage is Train or Evaluate or Promote or Done;
}

/// <summary>Pair states stored in <c>pairs.state</c>.</summary>
public static class PairState
{
    public const string Selected = "selected", Synthesized = "synthesized", Annotated = "annotated", Kept = "kept", Discarded = "discarded";
}

/// <summary>Why a pair did not make it into the dataset.</summary>
public static class DiscardReason
{
    public const string EmptyOutput = "empty_output", SameInstruction = "same_instruction",
        IdenticalResponses = "identical_responses", NoCorrectJudgment = "no_correct_judgment", LabelBalance = "label_balance",
        ExampleLimit = "example_limit";
}

public sealed record IterationProgress(int Selected, int Pairs, int Judgments, int Kept, int Discarded);

/// <param name="SelfAccuracy">Mean share of correct judgments per annotated pair: the judge's accuracy on its own pairs.</param>
/// <param name="KeptRate">Kept pairs over synthesised pairs.</param>
/// <param name="LabelBalance">Share of kept examples labelled A (0.5 is balanced).</param>
public sealed record IterationMetrics(
    double? SelfAccuracy,
    double? KeptRate,
    double? LabelBalance,
    int LabelA,
    int LabelB,
    IReadOnlyDictionary<string, int> DiscardReasons);

public sealed record IterationView(
    string Id,
    int Number,
    string Status,
    string Stage,
    IterationProgress Progress,
    IterationMetrics Metrics,
    string? Error,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    IterationParameters Parameters)
{
    /// <summary>
    /// The candidate adapter's training, evaluation and promotion; null until training starts. Named <c>loop</c> in
    /// JSON, as the first release named it, so that clients keep reading it.
    /// </summary>
    [JsonPropertyName("loop")]
    public CandidateResults? Candidate { get; init; }

    /// <summary>The models that wrote the iteration's texts so far (each pair records its own), each once.</summary>
    public IReadOnlyList<GeneratorIdentity> Generators { get; init; } = [];
}
