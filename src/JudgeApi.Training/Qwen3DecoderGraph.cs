using JudgeApi.Llama.Native;

namespace JudgeApi.Training;

/// <summary>Qwen3 (llama.cpp src/models/qwen3.cpp): llama with an RMS norm on every head of q and k, NeoX RoPE.</summary>
internal sealed unsafe class Qwen3DecoderGraph(ModelHyperparameters hp, ModelWeights weights, LoraWeights? lora)
    : DecoderGraph(hp, weights, lora)
{
    protected override ggml_tensor* BuildLayer(SafeGgmlContextHandle ctx, int layer, ggml_tensor* x, in Inputs inputs)
    {
        var cur = RmsNorm(ctx, x, LayerWeight(layer, "attn_norm"));
        var q = SplitHeads(ctx, Linear(ctx, layer, LoraTarget.AttnQ, cur), Hp.HeadCount);
        var k = SplitHeads(ctx, Linear(ctx, layer, LoraTarget.AttnK, cur), Hp.KvHeadCount);
        var v = SplitHeads(ctx, Linear(ctx, layer, LoraTarget.AttnV, cur), Hp.KvHeadCount);
        q = Rope(ctx, RmsNorm(ctx, q, LayerWeight(layer, "attn_q_norm")), inputs);
        k = Rope(ctx, RmsNorm(ctx, k, LayerWeight(layer, "attn_k_norm")), inputs);
        var attn = Linear(ctx, layer, LoraTarget.AttnOutput, Attention(ctx, q, k, v, inputs));
        x = NativeApi.ggml_add(ctx, x, attn);

        cur = RmsNorm(ctx, x, LayerWeight(layer, "ffn_norm"));
        return NativeApi.ggml_add(ctx, x, SwiGluFeedForward(ctx, layer, cur));
    }
}
