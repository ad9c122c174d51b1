namespace JudgeApi.Training;

/// <summary>Names the model feature a tensor the trainer does not build belongs to, for the refusal message.</summary>
internal static class UnsupportedFeature
{
    public static string Describe(string tensorName, string architecture)
    {
        var feature = tensorName switch
        {
            _ when tensorName.Contains("_exps", StringComparison.Ordinal) || tensorName.Contains("ffn_gate_inp", StringComparison.Ordinal)
                || tensorName.Contains("_shexp", StringComparison.Ordinal) => "mixture of experts",
            _ when tensorName.Contains("attn_qkv", StringComparison.Ordinal) => "a fused q/k/v projection (attn_qkv)",
            _ when tensorName.StartsWith("rope_factors_", StringComparison.Ordinal) => "LongRoPE frequency factors",
            _ when tensorName.StartsWith("cls", StringComparison.Ordinal) => "a classification head",
            _ => null,
        };
        return feature is null
            ? $"The model has tensor '{tensorName}', which the trainer's {architecture} graph (llama.cpp's src/models/{architecture}.cpp) does not use; the feature it belongs to is not supported by the trainer."
            : $"The model has tensor '{tensorName}': {feature} is not supported by the trainer.";
    }
}
