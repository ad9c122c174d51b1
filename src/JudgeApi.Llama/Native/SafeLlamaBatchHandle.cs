using System.Runtime.InteropServices;

namespace JudgeApi.Llama.Native;

/// <summary>
/// Owns the arrays of a llama_batch from llama_batch_init. The struct itself lives in native memory the
/// handle points at, so llama_batch_free gets exactly the pointers llama_batch_init returned.
/// </summary>
internal sealed unsafe class SafeLlamaBatchHandle : SafeNativeHandle
{
    internal static SafeLlamaBatchHandle Create(int capacity, int maxSequencesPerToken)
    {
        var h = new SafeLlamaBatchHandle();
        var block = (llama_batch*)NativeMemory.AllocZeroed((nuint)sizeof(llama_batch));
        *block = NativeApi.llama_batch_init(capacity, 0, maxSequencesPerToken);
        h.SetHandle((IntPtr)block);
        return h;
    }

    /// <summary>The batch struct; valid while the handle is alive (callers hold a reference).</summary>
    internal llama_batch* Batch => (llama_batch*)handle;

    protected override void Free(IntPtr native)
    {
        var block = (llama_batch*)native;
        NativeApi.llama_batch_free(*block);
        NativeMemory.Free(block);
    }
}
