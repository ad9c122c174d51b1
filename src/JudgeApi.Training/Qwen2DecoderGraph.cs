using JudgeApi.Llama.Native;

namespace JudgeApi.Training;

/// <summary>Qwen2 / Qwen2.5 (llama.cpp src/models/qwen2.cpp): llama with biases on q, k, v and NeoX RoPE.</summary>
internal sealed unsafe class Qwen2DecoderGraph(ModelHyperparameters hp, FrozenBaseWeights weights, LoraWeights? lora)
    : DecoderGraph(hp, weights, lora)
{
    protected override ggml_tensor* BuildLayer(SafeGgmlContextHandle ctx, int layer, ggml_tensor* x, in Inputs inputs)
    {
        var cur = RmsNorm(ctx, x, LayerWeight(layer, "attn_norm"));
        var q = NativeApi.ggml_add(ctx, Linear(ctx, layer, LoraTarget.AttnQ, cur), Weights.Get($"blk.{layer}.attn_q.bias"));
        var k = NativeApi.ggml_add(ctx, Linear(ctx, layer, LoraTarget.AttnK, cur), Weights.Get($"blk.{layer}.attn_k.bias"));
        var v = NativeApi.ggml_add(ctx, Linear(ctx, layer, LoraTarget.AttnV, cur), Weights.Get($"blk.{layer}.attn_v.bias"));
        q = Rope(ctx, SplitHeads(ctx, q, Hp.HeadCount), inputs);
        k = Rope(ctx, SplitHeads(ctx, k, Hp.KvHeadCount), inputs);
        v = SplitHeads(ctx, v, Hp.KvHeadCount);
        var attn = Linear(ctx, layer, LoraTarget.AttnOutput, Attention(ctx, q, k, v, inputs));
        x = NativeApi.ggml_add(ctx, x, attn);

        cur = RmsNorm(ctx, x, LayerWeight(layer, "ffn_norm"));
        return NativeApi.ggml_add(ctx, x, SwiGluFeedForward(ctx, layer, cur));
    }
}
