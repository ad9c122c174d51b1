namespace JudgeApi.Training;

/// <summary>How <see cref="LoraTrainer"/> trains an adapter. Defaults suit a judge fine-tune of a small model.</summary>
public sealed record TrainerOptions
{
    /// <summary>LoRA rank r.</summary>
    public int Rank { get; init; } = 16;

    /// <summary>LoRA alpha: the adapter adds (alpha / r) * B·A to each target weight.</summary>
    public float Alpha { get; init; } = 32;

    /// <summary>The per-layer weights to adapt (see <see cref="LoraTarget"/>); empty or unset: all of them.</summary>
    public IReadOnlyList<string>? Targets { get; init; }

    /// <summary>Peak AdamW learning rate, reached after the warm-up.</summary>
    public float LearningRate { get; init; } = 2e-4f;

    /// <summary>Fraction of the optimizer steps spent warming the learning rate up linearly from 0.</summary>
    public float WarmupFraction { get; init; } = 0.1f;

    /// <summary>The learning rate decays along a cosine to this fraction of the peak by the last step.</summary>
    public float FinalLearningRateFraction { get; init; } = 0.1f;

    /// <summary>AdamW decoupled weight decay.</summary>
    public float WeightDecay { get; init; } = 0f;

    /// <summary>Passes over the dataset.</summary>
    public int Epochs { get; init; } = 1;

    /// <summary>Examples per optimizer step (gradients are accumulated over them and averaged).</summary>
    public int BatchSize { get; init; } = 4;

    /// <summary>Longest training sequence in tokens; longer examples lose prompt tokens from the front.</summary>
    public int MaxSequenceLength { get; init; } = 1024;

    /// <summary>Stop after this many optimizer steps (null: all epochs).</summary>
    public int? MaxSteps { get; init; }

    /// <summary>Seeds the A initialisation and the example order; the same seed gives the same adapter.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>CPU threads for the compute graphs; 0 uses every core.</summary>
    public int Threads { get; init; }

    /// <summary>
    /// Keep only each layer's input through the forward pass and recompute the layer during the backward pass:
    /// activation memory of one layer instead of all of them (what long sequences on 7-8B bases need), for about one
    /// more forward pass of compute.
    /// </summary>
    public bool ActivationCheckpointing { get; init; }

    /// <summary>The weights adapted: <see cref="Targets"/>, or every target when none are named.</summary>
    public IReadOnlyList<string> AdaptedTargets => Targets is { Count: > 0 } ? Targets : LoraTarget.All;

    /// <summary>The threads the graphs run on: <see cref="Threads"/>, or every core when it is 0.</summary>
    public int ComputeThreads => Threads > 0 ? Threads : Environment.ProcessorCount;

    /// <summary>
    /// What is wrong, as (option, problem) pairs; the CLI names the option as its flag, the service as its
    /// configuration key (<c>Judge:Training:&lt;option&gt;</c>).
    /// </summary>
    public IEnumerable<(string Option, string Problem)> Problems()
    {
        if (Rank < 1) yield return (nameof(Rank), $"must be at least 1, got {Rank}");
        if (!(Alpha > 0) || !float.IsFinite(Alpha)) yield return (nameof(Alpha), $"must be a positive number, got {Alpha}");
        var unknown = AdaptedTargets.FirstOrDefault(t => !LoraTarget.All.Contains(t));
        if (unknown is not null) yield return (nameof(Targets), $"names unknown LoRA target '{unknown}'; choose from {string.Join(", ", LoraTarget.All)}");
        if (!(LearningRate > 0) || !float.IsFinite(LearningRate)) yield return (nameof(LearningRate), $"must be positive, got {LearningRate}");
        if (WarmupFraction is < 0 or >= 1) yield return (nameof(WarmupFraction), $"must be in [0, 1), got {WarmupFraction}");
        if (FinalLearningRateFraction is < 0 or > 1) yield return (nameof(FinalLearningRateFraction), $"must be in [0, 1], got {FinalLearningRateFraction}");
        if (WeightDecay < 0) yield return (nameof(WeightDecay), $"must not be negative, got {WeightDecay}");
        if (Epochs < 1) yield return (nameof(Epochs), $"must be at least 1, got {Epochs}");
        if (BatchSize < 1) yield return (nameof(BatchSize), $"must be at least 1, got {BatchSize}");
        if (MaxSequenceLength < 2) yield return (nameof(MaxSequenceLength), $"must be at least 2, got {MaxSequenceLength}");
        if (MaxSteps is < 1) yield return (nameof(MaxSteps), $"must be at least 1, got {MaxSteps}");
        if (Threads < 0) yield return (nameof(Threads), $"must not be negative (0 uses every core), got {Threads}");
    }

    /// <summary>Throws ArgumentException naming the first invalid option.</summary>
    public void Validate()
    {
        foreach (var (option, problem) in Problems())
            throw new ArgumentException($"{option} {problem}.");
    }
}
