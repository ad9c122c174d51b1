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
