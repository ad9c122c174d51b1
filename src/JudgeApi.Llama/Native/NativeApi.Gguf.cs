using System.Runtime.InteropServices;

namespace JudgeApi.Llama.Native;

// gguf (libggml-base): reading and writing GGUF files.
internal static unsafe partial class NativeApi
{
    [LibraryImport(GgmlBase)]
    internal static partial IntPtr gguf_init_empty();

    [LibraryImport(GgmlBase, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr gguf_init_from_file(string fname, gguf_init_params @params);

    [LibraryImport(GgmlBase)]
    internal static partial void gguf_free(IntPtr ctx);

    [LibraryImport(GgmlBase)]
    internal static partial uint gguf_get_version(SafeGgufContextHandle ctx);

    [LibraryImport(GgmlBase)]
    internal static partial nuint gguf_get_data_offset(SafeGgufContextHandle ctx);

    [LibraryImport(GgmlBase)]
    internal static partial nuint gguf_get_alignment(SafeGgufContextHandle ctx);

    [LibraryImport(GgmlBase)]
    internal static partial long gguf_get_n_kv(SafeGgufContextHandle ctx);

    [LibraryImport(GgmlBase)]
    internal static partial IntPtr gguf_get_key(SafeGgufContextHandle ctx, long key_id);

    [LibraryImport(GgmlBase)]
    internal static partial GgufType gguf_get_kv_type(SafeGgufContextHandle ctx, long key_id);

    [LibraryImport(GgmlBase)]
    internal static partial GgufType gguf_get_arr_type(SafeGgufContextHandle ctx, long key_id);

    [LibraryImport(GgmlBase)]
    internal static partial IntPtr gguf_get_val_str(SafeGgufContextHandle ctx, long key_id);

    [LibraryImport(GgmlBase)]
    internal static partial IntPtr gguf_get_val_data(SafeGgufContextHandle ctx, long key_id);

    [LibraryImport(GgmlBase)]
    internal static partial nuint gguf_get_arr_n(SafeGgufContextHandle ctx, long key_id);

    [LibraryImport(GgmlBase)]
    internal static partial IntPtr gguf_get_arr_data(SafeGgufContextHandle ctx, long key_id);

    [LibraryImport(GgmlBase)]
    internal static partial IntPtr gguf_get_arr_str(SafeGgufContextHandle ctx, long key_id, nuint i);

    [LibraryImport(GgmlBase)]
    internal static partial long gguf_get_n_tensors(SafeGgufContextHandle ctx);

    [LibraryImport(GgmlBase)]
    internal static partial nuint gguf_get_tensor_offset(SafeGgufContextHandle ctx, long tensor_id);

    [LibraryImport(GgmlBase)]
    internal static partial IntPtr gguf_get_tensor_name(SafeGgufContextHandle ctx, long tensor_id);

    /// <summary>Returns GGML_MAX_DIMS (4) elements owned by the context.</summary>
    [LibraryImport(GgmlBase)]
    internal static partial long* gguf_get_tensor_ne(SafeGgufContextHandle ctx, long tensor_id);

    [LibraryImport(GgmlBase)]
    internal static partial GgmlType gguf_get_tensor_type(SafeGgufContextHandle ctx, long tensor_id);

    [LibraryImport(GgmlBase)]
    internal static partial nuint gguf_get_tensor_size(SafeGgufContextHandle ctx, long tensor_id);

    [LibraryImport(GgmlBase, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial long gguf_remove_key(SafeGgufContextHandle ctx, string key);

    [LibraryImport(GgmlBase, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void gguf_set_val_u16(SafeGgufContextHandle ctx, string key, ushort val);

    [LibraryImport(GgmlBase, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void gguf_set_val_u32(SafeGgufContextHandle ctx, string key, uint val);

    [LibraryImport(GgmlBase, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void gguf_set_val_i32(SafeGgufContextHandle ctx, string key, int val);

    [LibraryImport(GgmlBase, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void gguf_set_val_f32(SafeGgufContextHandle ctx, string key, float val);

    [LibraryImport(GgmlBase, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void gguf_set_val_bool(SafeGgufContextHandle ctx, string key, [MarshalAs(UnmanagedType.U1)] bool val);

    [LibraryImport(GgmlBase, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void gguf_set_val_str(SafeGgufContextHandle ctx, string key, string val);

    [LibraryImport(GgmlBase, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void gguf_set_arr_data(SafeGgufContextHandle ctx, string key, GgufType type, void* data, nuint n);

    /// <summary>data: n pointers to NUL-terminated UTF-8 strings; gguf copies them.</summary>
    [LibraryImport(GgmlBase, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void gguf_set_arr_str(SafeGgufContextHandle ctx, string key, IntPtr* data, nuint n);

    /// <summary>Copies every key/value pair of src into ctx.</summary>
    [LibraryImport(GgmlBase)]
    internal static partial void gguf_set_kv(SafeGgufContextHandle ctx, SafeGgufContextHandle src);

    [LibraryImport(GgmlBase)]
    internal static partial void gguf_add_tensor(SafeGgufContextHandle ctx, ggml_tensor* tensor);

    /// <summary>Size of header, metadata and tensor directory including the padding before the tensor data.</summary>
    [LibraryImport(GgmlBase)]
    internal static partial nuint gguf_get_meta_size(SafeGgufContextHandle ctx);

    /// <summary>Writes gguf_get_meta_size bytes to data.</summary>
    [LibraryImport(GgmlBase)]
    internal static partial void gguf_get_meta_data(SafeGgufContextHandle ctx, void* data);
}
