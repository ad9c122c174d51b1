namespace JudgeApi.Llama;

/// <summary>How a <see cref="LlamaSampler"/> picks tokens. Temperature 0 is greedy (argmax).</summary>
public sealed record SamplingOptions
{
    public float Temperature { get; init; } = 0;

    /// <summary>Keep the K most likely tokens; 0 disables.</summary>
    public int TopK { get; init; } = 0;

    /// <summary>Nucleus sampling mass; 1 disables.</summary>
    public float TopP { get; init; } = 1;

    /// <summary>Drop tokens less likely than MinP times the most likely one; 0 disables.</summary>
    public float MinP { get; init; } = 0;

    /// <summary>Seed of the random draw (used when Temperature &gt; 0).</summary>
    public uint Seed { get; init; } = 0;

    /// <summary>GBNF grammar constraining the output; null for none.</summary>
    public string? Grammar { get; init; } = null;

    public string GrammarRoot { get; init; } = "root";
}
