using System.Runtime.InteropServices;

namespace JudgeApi.Llama.Native;

// Batches, decoding and logits (libllama).
internal static unsafe partial class NativeApi
{
    /// <summary>embd 0: token ids. Arrays hold n_tokens entries (seq_id: n_seq_max ids each), uninitialised.</summary>
    [LibraryImport(Llama)]
    internal static partial llama_batch llama_batch_init(int n_tokens, int embd, int n_seq_max);

    [LibraryImport(Llama)]
    internal static partial void llama_batch_free(llama_batch batch);

    /// <summary>0 ok; 1 no KV slot; 2 aborted; -1 invalid batch; &lt; -1 fatal.</summary>
    [LibraryImport(Llama)]
    internal static partial int llama_decode(SafeLlamaContextHandle ctx, llama_batch batch);

    /// <summary>n_vocab logits of batch index i of the last decode; NULL for an index without output.</summary>
    [LibraryImport(Llama)]
    internal static partial float* llama_get_logits_ith(SafeLlamaContextHandle ctx, int i);
}
