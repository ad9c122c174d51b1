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

    [LibraryImport(GgmlBase)]
    internal static partial nuint ggml_type_size(GgmlType type);
}
