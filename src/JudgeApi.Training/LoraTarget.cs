namespace JudgeApi.Training;

/// <summary>The per-layer weights a LoRA adapter can target (the GGUF tensor names without blk.N. and .weight).</summary>
public static class LoraTarget
{
    public const string AttnQ = "attn_q";
    public const string AttnK = "attn_k";
    public const string AttnV = "attn_v";
    public const string AttnOutput = "attn_output";
    public const string FfnGate = "ffn_gate";
    public const string FfnUp = "ffn_up";
    public const string FfnDown = "ffn_down";

    public static IReadOnlyList<string> All { get; } = [AttnQ, AttnK, AttnV, AttnOutput, FfnGate, FfnUp, FfnDown];

    /// <summary>The GGUF name of a target's weight in one layer, e.g. blk.3.attn_q.weight.</summary>
    public static string WeightName(int layer, string target) => $"blk.{layer}.{target}.weight";
}
