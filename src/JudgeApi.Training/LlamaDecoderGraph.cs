using JudgeApi.Llama.Native;

namespace JudgeApi.Training;

/// <summary>
/// Llama 2/3, Mistral, SmolLM, TinyLlama (llama.cpp src/models/llama.cpp), and Qwen2/2.5 (src/models/qwen2.cpp),
/// which is the same layer with NeoX RoPE. Biases on q, k, v, o and the FFN are added where the model has them.
/// </summary>
internal sealed unsafe class LlamaDecoderGraph(ModelHyperparameters hp, ModelWeights weights, LoraWeights? lora)
    : DecoderGraph(hp, weights, lora)
{
    protected override ggml_tensor* BuildLayer(SafeGgmlContextHandle ctx, int layer, ggml_tensor* x, in Inputs inputs)
    {
        var cur = RmsNorm(ctx, x, LayerWeight(layer, "attn_norm"));
        var q = SplitHeads(ctx, Linear(ctx, layer, LoraTarget.AttnQ, cur), Hp.HeadCount);
        var k = SplitHeads(ctx, Linear(ctx, layer, LoraTarget.AttnK, cur), Hp.KvHeadCount);
        var v = SplitHeads(ctx, Linear(ctx, layer, LoraTarget.AttnV, cur), Hp.KvHeadCount);
        q = Rope(ctx, q, inputs);
        k = Rope(ctx, k, inputs);
        var attn = Linear(ctx, layer, LoraTarget.AttnOutput, Attention(ctx, q, k, v, inputs));
        x = NativeApi.ggml_add(ctx, x, attn);

        cur = RmsNorm(ctx, x, LayerWeight(layer, "ffn_norm"));
        return NativeApi.ggml_add(ctx, x, SwiGluFeedForward(ctx, layer, cur));
    }
}
