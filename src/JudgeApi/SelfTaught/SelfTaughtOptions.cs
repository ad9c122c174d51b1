namespace JudgeApi.SelfTaught;

/// <summary>Settings under <c>Judge:SelfTaught</c>; the data directory is <c>Judge:DataDir</c>.</summary>
public sealed class SelfTaughtOptions
{
    public const string Section = "Judge:SelfTaught";

    /// <summary>Categories instructions are classified into; lowercase names of letters, digits, '-' and '_'.</summary>
    public List<string> Categories { get; set; } = ["coding", "math", "reasoning", "writing", "knowledge", "brainstorming", "other"];

    /// <summary>Longest instruction accepted into the pool, in characters.</summary>
    public int MaxInstructionLength { get; set; } = 8000;

    /// <summary>Token budget of each synthesised response and modified instruction.</summary>
    public int MaxResponseTokens { get; set; } = 512;

    /// <summary>Reasoning token budget of each sampled judgment.</summary>
    public int MaxJudgeReasoningTokens { get; set; } = 512;

    /// <summary>Sampling temperature of pair synthesis (responses and modified instructions).</summary>
    public float SynthesisTemperature { get; set; } = 0.7f;

    /// <summary>
    /// Items (classifications, pairs) worked on at once. Each is still recorded on its own as it finishes; more in
    /// flight lets the engine batch their sequences together.
    /// </summary>
    public int ItemParallelism { get; set; } = 4;

    /// <summary>Directory of the pipeline database (set from <c>Judge:DataDir</c>; relative to the content root).</summary>
    public string DataDir { get; set; } = "data";
}
