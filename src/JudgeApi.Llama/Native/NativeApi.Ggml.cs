using System.Runtime.InteropServices;

namespace JudgeApi.Llama.Native;

// ggml core (libggml-base): contexts, tensors and block sizes.
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

    [LibraryImport(GgmlBase)]
    internal static partial nuint ggml_nbytes(ggml_tensor* tensor);

    [LibraryImport(GgmlBase)]
    internal static partial long ggml_nelements(ggml_tensor* tensor);

    [LibraryImport(GgmlBase)]
    internal static partial long ggml_blck_size(GgmlType type);

    /// <summary>A new tensor of src's type and shape in ctx (no data copied).</summary>
    [LibraryImport(GgmlBase)]
    internal static partial ggml_tensor* ggml_dup_tensor(SafeGgmlContextHandle ctx, ggml_tensor* src);

    /// <summary>Bytes of a row of ne elements of type.</summary>
    [LibraryImport(GgmlBase)]
    internal static partial nuint ggml_row_size(GgmlType type, long ne);

    /// <summary>The traits of a type (owned by ggml, valid for the process).</summary>
    [LibraryImport(GgmlBase)]
    internal static partial ggml_type_traits* ggml_get_type_traits(GgmlType type);

    [LibraryImport(GgmlBase)]
    internal static partial void ggml_fp32_to_fp16_row(float* x, void* y, long n);

    [LibraryImport(GgmlBase)]
    internal static partial nuint ggml_type_size(GgmlType type);
}
