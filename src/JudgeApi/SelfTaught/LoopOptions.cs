using JudgeApi.Training;

namespace JudgeApi.SelfTaught;

/// <summary>Settings of the train, evaluate and promote stages, read from the <c>Judge</c> section.</summary>
public sealed class LoopOptions
{
    public const string Section = "Judge";

    /// <summary>A candidate goes live only if its held-out accuracy is at least the active one's plus this.</summary>
    public double PromotionMargin { get; set; }

    /// <summary>Optional labeled set (RewardBench JSONL: prompt, chosen, rejected, subset?) every candidate is also scored on.</summary>
    public string? EvalSetPath { get; set; }

    /// <summary><c>Judge:Training</c>.</summary>
    public LoopTrainingOptions Training { get; set; } = new();

    /// <summary><c>Judge:Evaluation</c>.</summary>
    public LoopEvaluationOptions Evaluation { get; set; } = new();
}

/// <summary>How each iteration's adapter is trained (<c>Judge:Training:*</c>); tiny values make a test-sized run.</summary>
public sealed class LoopTrainingOptions
{
    public int Rank { get; set; } = 16;
    public float Alpha { get; set; } = 32;

    /// <summary>Peak learning rate.</summary>
    public float Lr { get; set; } = 2e-4f;

    public int Epochs { get; set; } = 1;

    /// <summary>Longest training sequence in tokens.</summary>
    public int MaxSeq { get; set; } = 1024;

    /// <summary>Training threads; 0 uses every core.</summary>
    public int Threads { get; set; }

    /// <summary>Examples per optimizer step.</summary>
    public int BatchSize { get; set; } = 4;

    /// <summary>Stop after this many optimizer steps (unset: all epochs).</summary>
    public int? MaxSteps { get; set; }

    public int Seed { get; set; } = 42;

    public TrainerOptions ToTrainerOptions() => new()
    {
        Rank = Rank,
        Alpha = Alpha,
        LearningRate = Lr,
        Epochs = Epochs,
        MaxSequenceLength = MaxSeq,
        Threads = Threads > 0 ? Threads : Environment.ProcessorCount,
        BatchSize = BatchSize,
        MaxSteps = MaxSteps,
        Seed = Seed,
    };
}

/// <summary>How candidates are scored (<c>Judge:Evaluation:*</c>).</summary>
public sealed class LoopEvaluationOptions
{
    /// <summary>Size of the fixed synthetic held-out set, built once from pool instructions no iteration has used (at most half of them).</summary>
    public int HeldOutPairs { get; set; } = 100;

    /// <summary>"reasoning" (judge writes its reasoning first) or "direct" (verdict only; much faster).</summary>
    public string Mode { get; set; } = "reasoning";

    /// <summary>Reasoning token budget of each evaluation judgment.</summary>
    public int MaxReasoningTokens { get; set; } = 256;

    /// <summary>Score at most this many pairs of the labeled set (0: all).</summary>
    public int MaxLabeledPairs { get; set; }
}
