using System.Runtime.InteropServices;

namespace JudgeApi.Llama.Native;

// Model quantization (libllama): rewrites a GGUF model with quantized weights.
internal static unsafe partial class NativeApi
{
    [LibraryImport(Llama)]
    internal static partial llama_model_quantize_params llama_model_quantize_default_params();

    /// <summary>Returns 0 on success.</summary>
    [LibraryImport(Llama, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial uint llama_model_quantize(string fname_inp, string fname_out, llama_model_quantize_params* @params);
}

/// <summary>enum llama_ftype of llama.h (the subset the binding writes).</summary>
internal enum llama_ftype
{
    LLAMA_FTYPE_ALL_F32 = 0,
    LLAMA_FTYPE_MOSTLY_F16 = 1,
    LLAMA_FTYPE_MOSTLY_Q8_0 = 7,
    LLAMA_FTYPE_MOSTLY_Q4_K_M = 15,
}

[NativeStruct("struct llama_model_quantize_params", "llama.h")]
[StructLayout(LayoutKind.Sequential)]
internal struct llama_model_quantize_params
{
    public int nthread;
    public llama_ftype ftype;
    public GgmlType output_tensor_type;
    public GgmlType token_embedding_type;
    [MarshalAs(UnmanagedType.U1)] public bool allow_requantize;
    [MarshalAs(UnmanagedType.U1)] public bool quantize_output_tensor;
    [MarshalAs(UnmanagedType.U1)] public bool only_copy;
    [MarshalAs(UnmanagedType.U1)] public bool pure;
    [MarshalAs(UnmanagedType.U1)] public bool keep_split;
    [MarshalAs(UnmanagedType.U1)] public bool dry_run;
    /// <summary>const struct llama_model_imatrix_data *</summary>
    public IntPtr imatrix;
    /// <summary>const struct llama_model_kv_override *</summary>
    public IntPtr kv_overrides;
    /// <summary>const struct llama_model_tensor_override *</summary>
    public IntPtr tt_overrides;
    /// <summary>const int32_t *</summary>
    public IntPtr prune_layers;
    public nuint max_buf_size;
}
