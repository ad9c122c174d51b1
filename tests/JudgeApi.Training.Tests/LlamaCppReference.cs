using JudgeApi.Llama;
using JudgeApi.Llama.Native;

namespace JudgeApi.Training.Tests;

/// <summary>
/// llama.cpp's own logits for a token sequence, from a context whose KV cache is F32 and whose attention is
/// the plain (non-flash) path: the default F16 cache rounds K and V, which alone moves logits by ~1e-2 and
/// would hide real differences. Built on the engine's internal handles.
/// </summary>
internal static unsafe class LlamaCppReference
{
    /// <param name="repackWeights">llama.cpp's default load; off (here the default), quantized weights are multiplied with the kernels our graphs use.</param>
    public static float[][] Logits(string modelPath, IReadOnlyList<int> tokens, string? adapterPath = null, float adapterScale = 1f, bool repackWeights = false)
    {
        using var model = LlamaModel.Load(modelPath, new ModelOptions { RepackWeights = repackWeights });
        using var adapter = adapterPath is null ? null : LoraAdapter.Load(model, adapterPath);

        var @params = NativeApi.llama_context_default_params();
        @params.n_ctx = 256;
        @params.n_batch = 256;
        @params.n_ubatch = 256;
        @params.n_seq_max = 1;
        @params.n_threads = 1;
        @params.n_threads_batch = 1;
        @params.type_k = GgmlType.F32;
        @params.type_v = GgmlType.F32;
        @params.flash_attn_type = 0; // LLAMA_FLASH_ATTN_TYPE_DISABLED
        @params.no_perf = true;
        using var context = SafeLlamaContextHandle.Create(model.Handle, @params)
            ?? throw new InvalidOperationException("llama.cpp could not create the reference context.");
        if (adapter is not null)
            context.SetAdapters([adapter.Handle], [adapterScale]);

        using var batch = new LlamaBatch(tokens.Count);
        for (var i = 0; i < tokens.Count; i++)
            batch.Add(tokens[i], i, 0, logits: true);
        var rc = NativeApi.llama_decode(context, *batch.Handle.Batch);
        if (rc != 0)
            throw new InvalidOperationException($"llama_decode failed with {rc}.");

        var result = new float[tokens.Count][];
        for (var i = 0; i < tokens.Count; i++)
            result[i] = new ReadOnlySpan<float>(NativeApi.llama_get_logits_ith(context, i), model.VocabSize).ToArray();
        return result;
    }
}
