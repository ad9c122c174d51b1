using System.Runtime.InteropServices;

namespace JudgeApi.Llama.Native;

// ggml core (libggml-base): contexts, tensors, type sizes, quantization.
internal static unsafe partial class NativeApi
{
    [LibraryImport(GgmlBase)]
    internal static partial IntPtr ggml_init(ggml_init_params @params);

    [LibraryImport(GgmlBase)]
    internal static partial void ggml_free(IntPtr ctx);

    [LibraryImport(GgmlBase)]
    internal static partial nuint ggml_tensor_overhead();

    [LibraryImport(GgmlBase)]
    internal static partial ggml_tensor* ggml_new_tensor(SafeGgmlContextHandle ctx, GgmlType type, int n_dims, long* ne);

    [LibraryImport(GgmlBase, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial ggml_tensor* ggml_set_name(ggml_tensor* tensor, string name);

    [LibraryImport(GgmlBase, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial ggml_tensor* ggml_get_tensor(SafeGgmlContextHandle ctx, string name);

    [LibraryImport(GgmlBase)]
    internal static partial ggml_tensor* ggml_get_first_tensor(SafeGgmlContextHandle ctx);

    [LibraryImport(GgmlBase)]
    internal static partial ggml_tensor* ggml_get_next_tensor(SafeGgmlContextHandle ctx, ggml_tensor* tensor);

    [LibraryImport(GgmlBase)]
    internal static partial nuint ggml_nbytes(ggml_tensor* tensor);

    [LibraryImport(GgmlBase)]
    internal static partial long ggml_nelements(ggml_tensor* tensor);

    [LibraryImport(GgmlBase)]
    internal static partial long ggml_blck_size(GgmlType type);

    [LibraryImport(GgmlBase)]
    internal static partial nuint ggml_type_size(GgmlType type);

    [LibraryImport(GgmlBase)]
    internal static partial nuint ggml_row_size(GgmlType type, long ne);

    [LibraryImport(GgmlBase)]
    internal static partial IntPtr ggml_type_name(GgmlType type);

    [LibraryImport(GgmlBase)]
    [return: MarshalAs(UnmanagedType.U1)]
    internal static partial bool ggml_is_quantized(GgmlType type);

    [LibraryImport(GgmlBase)]
    [return: MarshalAs(UnmanagedType.U1)]
    internal static partial bool ggml_quantize_requires_imatrix(GgmlType type);

    /// <summary>Quantizes nrows x n_per_row floats starting at row 'start'; returns bytes written to dst.</summary>
    [LibraryImport(GgmlBase)]
    internal static partial nuint ggml_quantize_chunk(GgmlType type, float* src, void* dst, long start, long nrows, long n_per_row, float* imatrix);
}
