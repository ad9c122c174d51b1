namespace JudgeApi.Training;

/// <summary>How <see cref="LoraTrainer"/> trains an adapter. Defaults suit a judge fine-tune of a small model.</summary>
public sealed record TrainerOptions
{
    /// <summary>LoRA rank r.</summary>
    public int Rank { get; init; } = 16;

    /// <summary>LoRA alpha: the adapter adds (alpha / r) * B·A to each target weight.</summary>
    public float Alpha { get; init; } = 32;

    /// <summary>The per-layer weights to adapt (see <see cref="LoraTarget"/>).</summary>
    public IReadOnlyList<string> Targets { get; init; } = LoraTarget.All;

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

    /// <summary>CPU threads for the compute graphs.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>Throws ArgumentException naming the first invalid option.</summary>
    public void Validate()
    {
        if (Rank < 1) throw new ArgumentException($"Rank must be at least 1, got {Rank}.");
        if (!(Alpha > 0) || !float.IsFinite(Alpha)) throw new ArgumentException($"Alpha must be a positive number, got {Alpha}.");
        if (Targets is null || Targets.Count == 0) throw new ArgumentException("At least one LoRA target is needed.");
        var unknown = Targets.FirstOrDefault(t => !LoraTarget.All.Contains(t));
        if (unknown is not null) throw new ArgumentException($"Unknown LoRA target '{unknown}'; choose from {string.Join(", ", LoraTarget.All)}.");
        if (!(LearningRate > 0) || !float.IsFinite(LearningRate)) throw new ArgumentException($"Learning rate must be positive, got {LearningRate}.");
        if (WarmupFraction is < 0 or >= 1) throw new ArgumentException($"Warm-up fraction must be in [0, 1), got {WarmupFraction}.");
        if (FinalLearningRateFraction is < 0 or > 1) throw new ArgumentException($"Final learning-rate fraction must be in [0, 1], got {FinalLearningRateFraction}.");
        if (WeightDecay < 0) throw new ArgumentException($"Weight decay must not be negative, got {WeightDecay}.");
        if (Epochs < 1) throw new ArgumentException($"Epochs must be at least 1, got {Epochs}.");
        if (BatchSize < 1) throw new ArgumentException($"Batch size must be at least 1, got {BatchSize}.");
        if (MaxSequenceLength < 2) throw new ArgumentException($"Maximum sequence length must be at least 2, got {MaxSequenceLength}.");
        if (MaxSteps is < 1) throw new ArgumentException($"Maximum steps must be at least 1, got {MaxSteps}.");
        if (Threads < 1) throw new ArgumentException($"Threads must be at least 1, got {Threads}.");
    }
}
