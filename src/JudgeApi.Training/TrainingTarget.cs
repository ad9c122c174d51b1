namespace JudgeApi.Training;

/// <summary>What a session trains: a LoRA adapter over frozen weights, or every weight of the model.</summary>
internal abstract record TrainingTarget
{
    /// <summary>LoRA pairs on <paramref name="Targets"/>, A seeded with <paramref name="Seed"/>, B zero.</summary>
    public sealed record Lora(IReadOnlyList<string> Targets, int Rank, float Alpha, int Seed) : TrainingTarget;

    /// <summary>Every tensor of the model except the fixed RoPE frequency factors.</summary>
    public sealed record FullParameters : TrainingTarget;
}
