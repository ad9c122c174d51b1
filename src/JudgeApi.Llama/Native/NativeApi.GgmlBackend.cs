using System.Runtime.InteropServices;

namespace JudgeApi.Llama.Native;

// ggml backends (libggml registry, libggml-base core), backend buffers and the graph allocator.
internal static unsafe partial class NativeApi
{
    /// <summary>enum ggml_backend_dev_type of ggml-backend.h.</summary>
    internal const int GGML_BACKEND_DEVICE_TYPE_CPU = 0;

    [LibraryImport(Ggml, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr ggml_backend_init_by_type(int type, string? @params);

    [LibraryImport(GgmlBase)]
    internal static partial void ggml_backend_free(IntPtr backend);

    [LibraryImport(GgmlBase)]
    internal static partial IntPtr ggml_backend_get_device(SafeGgmlBackendHandle backend);

    [LibraryImport(GgmlBase)]
    internal static partial IntPtr ggml_backend_dev_backend_reg(IntPtr device);

    /// <summary>Looks up an optional backend function such as "ggml_backend_set_n_threads" (null when absent).</summary>
    [LibraryImport(GgmlBase, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr ggml_backend_reg_get_proc_address(IntPtr reg, string name);

    [LibraryImport(GgmlBase)]
    internal static partial IntPtr ggml_backend_get_default_buffer_type(SafeGgmlBackendHandle backend);

    /// <summary>Allocates every tensor of a no_alloc context in one backend buffer; null when there is nothing to allocate.</summary>
    [LibraryImport(GgmlBase)]
    internal static partial IntPtr ggml_backend_alloc_ctx_tensors(SafeGgmlContextHandle ctx, SafeGgmlBackendHandle backend);

    [LibraryImport(GgmlBase)]
    internal static partial void ggml_backend_buffer_free(IntPtr buffer);

    /// <summary>A CPU buffer over memory the caller owns (ptr aligned to 32 bytes); freeing the buffer leaves the memory alone.</summary>
    [LibraryImport(GgmlBase)]
    internal static partial IntPtr ggml_backend_cpu_buffer_from_ptr(void* ptr, nuint size);

    /// <summary>Places a tensor at addr inside buffer; returns enum ggml_status (0 = success).</summary>
    [LibraryImport(GgmlBase)]
    internal static partial int ggml_backend_tensor_alloc(SafeGgmlBackendBufferHandle buffer, ggml_tensor* tensor, void* addr);

    [LibraryImport(GgmlBase)]
    internal static partial nuint ggml_backend_buffer_get_size(SafeGgmlBackendBufferHandle buffer);

    [LibraryImport(GgmlBase)]
    internal static partial void ggml_backend_buffer_clear(SafeGgmlBackendBufferHandle buffer, byte value);

    [LibraryImport(GgmlBase)]
    internal static partial void ggml_backend_tensor_set(ggml_tensor* tensor, void* data, nuint offset, nuint size);

    [LibraryImport(GgmlBase)]
    internal static partial void ggml_backend_tensor_get(ggml_tensor* tensor, void* data, nuint offset, nuint size);

    /// <summary>Returns enum ggml_status (0 = success).</summary>
    [LibraryImport(GgmlBase)]
    internal static partial int ggml_backend_graph_compute(SafeGgmlBackendHandle backend, IntPtr cgraph);

    [LibraryImport(GgmlBase)]
    internal static partial IntPtr ggml_gallocr_new(IntPtr buft);

    [LibraryImport(GgmlBase)]
    internal static partial void ggml_gallocr_free(IntPtr galloc);

    [LibraryImport(GgmlBase)]
    [return: MarshalAs(UnmanagedType.U1)]
    internal static partial bool ggml_gallocr_alloc_graph(SafeGgmlGallocrHandle galloc, IntPtr cgraph);

    [LibraryImport(GgmlBase)]
    internal static partial nuint ggml_gallocr_get_buffer_size(SafeGgmlGallocrHandle galloc, int buffer_id);
}
