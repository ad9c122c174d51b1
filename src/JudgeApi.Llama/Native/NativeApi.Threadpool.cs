using System.Runtime.InteropServices;

namespace JudgeApi.Llama.Native;

// ggml CPU thread pools: parameters in libggml-base, creation and freeing in the CPU backend plug-in (reached through
// its registry, like llama-bench does), attaching in libllama.
internal static unsafe partial class NativeApi
{
    [LibraryImport(GgmlBase)]
    internal static partial void ggml_threadpool_params_init(ggml_threadpool_params* p, int n_threads);

    /// <summary>The first device of that type (GGML_BACKEND_DEVICE_TYPE_*); null when none is loaded.</summary>
    [LibraryImport(Ggml)]
    internal static partial IntPtr ggml_backend_dev_by_type(int type);

    /// <summary>The context computes with these pools (single-token and batch decodes) instead of making one per graph; they must outlive it or be detached.</summary>
    [LibraryImport(Llama)]
    internal static partial void llama_attach_threadpool(SafeLlamaContextHandle ctx, IntPtr threadpool, IntPtr threadpool_batch);

    [LibraryImport(Llama)]
    internal static partial void llama_detach_threadpool(SafeLlamaContextHandle ctx);
}

/// <summary>struct ggml_threadpool_params of ggml.h; the C bools are bytes so the struct stays blittable.</summary>
[NativeStruct("struct ggml_threadpool_params", "ggml.h")]
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct ggml_threadpool_params
{
    public const int GGML_MAX_N_THREADS = 512;

    public fixed byte cpumask[GGML_MAX_N_THREADS];
    public int n_threads;
    public int prio;       // enum ggml_sched_priority
    public uint poll;
    public byte strict_cpu;
    public byte paused;
}
