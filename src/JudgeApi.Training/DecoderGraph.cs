using JudgeApi.Llama.Native;

namespace JudgeApi.Training;

/// <summary>
/// Builds the forward graph of a decoder in ggml, the way llama.cpp's src/models/*.cpp build it, with LoRA pairs
/// applied where llama.cpp applies an adapter (build_lora_mm). Each architecture's layer is written out whole in
/// its own subclass; the pieces they share (norms, LoRA matmul, attention, SwiGLU) live here.
/// </summary>
internal abstract unsafe class DecoderGraph(ModelHyperparameters hp, ModelWeights weights, LoraWeights? lora)
{
    protected ModelHyperparameters Hp { get; } = hp;
    protected ModelWeights Weights { get; } = weights;

    /// <summary>The input tensors of one sequence; the caller fills them after allocation.</summary>
    internal readonly struct Inputs
    {
        /// <summary>I32 [T] token ids.</summary>
        public ggml_tensor* Tokens { get; init; }
        /// <summary>I32 [T] positions 0..T-1.</summary>
        public ggml_tensor* Positions { get; init; }
        /// <summary>F32 [T, T] causal mask: 0 where a token may attend, -inf elsewhere.</summary>
        public ggml_tensor* CausalMask { get; init; }
        /// <summary>I32 [n] the positions whose logits are computed.</summary>
        public ggml_tensor* OutputRows { get; init; }
    }

    public static DecoderGraph For(ModelHyperparameters hp, ModelWeights weights, LoraWeights? lora) => hp.Architecture switch
    {
        // qwen2 is llama's layer with NeoX RoPE (a hyperparameter) and biases on q, k, v (Linear adds any bias the file has)
        DecoderArchitecture.Llama or DecoderArchitecture.Qwen2 => new LlamaDecoderGraph(hp, weights, lora),
        DecoderArchitecture.Qwen3 => new Qwen3DecoderGraph(hp, weights, lora),
        _ => throw new TrainingModelException($"Architecture '{hp.Architecture}' is not supported by the LoRA trainer."),
    };

    /// <summary>Logits F32 [n_vocab, n] for the rows named by <see cref="Inputs.OutputRows"/>.</summary>
    public ggml_tensor* BuildLogits(SafeGgmlContextHandle ctx, in Inputs inputs)
    {
        var x = NativeApi.ggml_get_rows(ctx, Weights.Get("token_embd.weight"), inputs.Tokens);
        for (var layer = 0; layer < Hp.LayerCount; layer++)
            x = BuildLayer(ctx, layer, x, inputs);

        x = NativeApi.ggml_get_rows(ctx, x, inputs.OutputRows);
        x = RmsNorm(ctx, x, Weights.Get("output_norm.weight"));
        // Models with tied embeddings (SmolLM2, Qwen2.5 small) have no output.weight.
        var output = Weights.Find("output.weight");
        return AddBias(ctx, NativeApi.ggml_mul_mat(ctx, output != null ? output : Weights.Get("token_embd.weight"), x), "output.bias");
    }

    /// <summary>One transformer block: x [n_embd, T] in, [n_embd, T] out.</summary>
    protected abstract ggml_tensor* BuildLayer(SafeGgmlContextHandle ctx, int layer, ggml_tensor* x, in Inputs inputs);

    protected ggml_tensor* LayerWeight(int layer, string name) => Weights.Get($"blk.{layer}.{name}.weight");

    /// <summary>RMS norm over dim 0, times the norm weight.</summary>
    protected ggml_tensor* RmsNorm(SafeGgmlContextHandle ctx, ggml_tensor* x, ggml_tensor* weight) =>
        NativeApi.ggml_mul(ctx, NativeApi.ggml_rms_norm(ctx, x, Hp.RmsNormEpsilon), weight);

    /// <summary>
    /// W x, plus (alpha / r) * B (A x) when the weight is a LoRA target (llama.cpp's build_lora_mm), plus the
    /// weight's bias when the model has one (as build_qkv, build_attn and build_ffn add them).
    /// </summary>
    protected ggml_tensor* Linear(SafeGgmlContextHandle ctx, int layer, string target, ggml_tensor* x)
    {
        var name = LoraTarget.WeightName(layer, target);
        var y = NativeApi.ggml_mul_mat(ctx, Weights.Get(name), x);
        if (lora?.Find(name) is { } pair)
        {
            var ab = NativeApi.ggml_mul_mat(ctx, pair.B, NativeApi.ggml_mul_mat(ctx, pair.A, x));
            y = NativeApi.ggml_add(ctx, y, NativeApi.ggml_scale(ctx, ab, lora.Scale));
        }
        return AddBias(ctx, y, $"blk.{layer}.{target}.bias");
    }

    private ggml_tensor* AddBias(SafeGgmlContextHandle ctx, ggml_tensor* y, string biasName)
    {
        var bias = Weights.Find(biasName);
        return bias == null ? y : NativeApi.ggml_add(ctx, y, bias);
    }

    /// <summary>Rotary embedding of q or k shaped [head_dim, heads, T].</summary>
    protected ggml_tensor* Rope(SafeGgmlContextHandle ctx, ggml_tensor* x, in Inputs inputs) =>
        NativeApi.ggml_rope_ext(ctx, x, inputs.Positions, Weights.Find("rope_freqs.weight"), Hp.RopeDimensions, Hp.RopeType,
            Hp.RopeOriginalContext, Hp.RopeFreqBase, Hp.RopeFreqScale, Hp.RopeExtFactor, Hp.RopeAttnFactor,
            ModelHyperparameters.RopeBetaFast, ModelHyperparameters.RopeBetaSlow);

    /// <summary>
    /// Causal multi-head attention without KV cache (llama.cpp's build_attn_mha, non-flash path): q [d, H, T],
    /// k and v [d, H_kv, T]; grouped-query heads share k/v through mul_mat broadcasting. Returns [d*H, T].
    /// </summary>
    protected ggml_tensor* Attention(SafeGgmlContextHandle ctx, ggml_tensor* q, ggml_tensor* k, ggml_tensor* v, in Inputs inputs)
    {
        var tokens = q->ne[2];
        q = NativeApi.ggml_permute(ctx, q, 0, 2, 1, 3);                        // [d, T, H]
        k = NativeApi.ggml_permute(ctx, k, 0, 2, 1, 3);                        // [d, T, H_kv]
        var kq = NativeApi.ggml_mul_mat(ctx, k, q);                            // [T_k, T_q, H]
        kq = NativeApi.ggml_soft_max_ext(ctx, kq, inputs.CausalMask, 1f / MathF.Sqrt(Hp.HeadDim), 0f);
        var vt = NativeApi.ggml_cont(ctx, NativeApi.ggml_permute(ctx, v, 1, 2, 0, 3)); // [T_k, d, H_kv]
        var kqv = NativeApi.ggml_mul_mat(ctx, vt, kq);                         // [d, T_q, H]
        kqv = NativeApi.ggml_permute(ctx, kqv, 0, 2, 1, 3);                    // [d, H, T_q]
        return NativeApi.ggml_cont_2d(ctx, kqv, Hp.HeadDim * Hp.HeadCount, tokens);
    }

    /// <summary>down(silu(gate(x)) * up(x)).</summary>
    protected ggml_tensor* SwiGluFeedForward(SafeGgmlContextHandle ctx, int layer, ggml_tensor* x)
    {
        var gate = NativeApi.ggml_silu(ctx, Linear(ctx, layer, LoraTarget.FfnGate, x));
        var up = Linear(ctx, layer, LoraTarget.FfnUp, x);
        return Linear(ctx, layer, LoraTarget.FfnDown, NativeApi.ggml_mul(ctx, gate, up));
    }

    protected ggml_tensor* SplitHeads(SafeGgmlContextHandle ctx, ggml_tensor* x, int heads) =>
        NativeApi.ggml_reshape_3d(ctx, x, Hp.HeadDim, heads, x->ne[1]);
}
