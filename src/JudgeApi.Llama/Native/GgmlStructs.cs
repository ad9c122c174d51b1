using System.Runtime.InteropServices;

namespace JudgeApi.Llama.Native;

[NativeStruct("struct ggml_init_params", "ggml.h")]
[StructLayout(LayoutKind.Sequential)]
internal struct ggml_init_params
{
    public nuint mem_size;
    public IntPtr mem_buffer;
    [MarshalAs(UnmanagedType.U1)] public bool no_alloc;
}

[NativeStruct("struct gguf_init_params", "gguf.h")]
[StructLayout(LayoutKind.Sequential)]
internal struct gguf_init_params
{
    [MarshalAs(UnmanagedType.U1)] public bool no_alloc;
    /// <summary>struct ggml_context ** : when set, gguf creates a ggml context holding the tensors.</summary>
    public IntPtr ctx;
}

/// <summary>
/// struct ggml_tensor: read through pointers returned by ggml (never allocated by us). Only the leading
/// fields are read from .NET; the layout is still checked whole by the ABI test.
/// </summary>
[NativeStruct("struct ggml_tensor", "ggml.h")]
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct ggml_tensor
{
    public const int GGML_MAX_DIMS = 4;
    public const int GGML_MAX_NAME = 64;

    public GgmlType type;
    public IntPtr buffer;
    public fixed long ne[GGML_MAX_DIMS];
    public fixed ulong nb[GGML_MAX_DIMS];
    public int op;
    public fixed int op_params[16];
    public int flags;
    public fixed ulong src[10];
    public IntPtr view_src;
    public nuint view_offs;
    public IntPtr data;
    public fixed byte name[GGML_MAX_NAME];
    public IntPtr extra;
    public fixed byte padding[8];
}

/// <summary>
/// struct ggml_type_traits: what ggml knows about a tensor type, read through the pointer ggml_get_type_traits
/// returns (never allocated by us). to_float is void (*)(const void * x, float * y, int64_t k).
/// </summary>
[NativeStruct("struct ggml_type_traits", "ggml.h")]
[StructLayout(LayoutKind.Sequential)]
internal struct ggml_type_traits
{
    public IntPtr type_name;
    public long blck_size;
    public long blck_size_interleave;
    public nuint type_size;
    [MarshalAs(UnmanagedType.U1)] public bool is_quantized;
    public IntPtr to_float;
    public IntPtr from_float_ref;
}
