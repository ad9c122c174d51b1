using System.Runtime.InteropServices;

namespace JudgeApi.Llama.Native;

// By-value structs of llama.h, field by field with the C names. Enum fields are the C enums' int.

[NativeStruct("struct llama_model_params", "llama.h")]
[StructLayout(LayoutKind.Sequential)]
internal struct llama_model_params
{
    public IntPtr devices;
    public IntPtr tensor_buft_overrides;
    public int n_gpu_layers;
    public int split_mode;   // enum llama_split_mode
    public int load_mode;    // enum llama_load_mode
    public int lazy_mode;    // enum llama_lazy_mode
    public int main_gpu;
    public IntPtr tensor_split;
    public IntPtr progress_callback;
    public IntPtr progress_callback_user_data;
    public IntPtr kv_overrides;
    [MarshalAs(UnmanagedType.U1)] public bool vocab_only;
    [MarshalAs(UnmanagedType.U1)] public bool check_tensors;
    [MarshalAs(UnmanagedType.U1)] public bool use_extra_bufts;
    [MarshalAs(UnmanagedType.U1)] public bool no_host;
    [MarshalAs(UnmanagedType.U1)] public bool no_alloc;
    [MarshalAs(UnmanagedType.U1)] public bool load_mtp;

    public const int LLAMA_LOAD_MODE_NONE = 0;
    public const int LLAMA_LOAD_MODE_MMAP = 1;
}

[NativeStruct("struct llama_context_params", "llama.h")]
[StructLayout(LayoutKind.Sequential)]
internal struct llama_context_params
{
    public uint n_ctx;
    public uint n_batch;
    public uint n_ubatch;
    public uint n_seq_max;
    public uint n_rs_seq;
    public uint n_outputs_max;
    public uint n_outputs_max_per_seq;
    public int n_threads;
    public int n_threads_batch;
    public int ctx_type;          // enum llama_context_type
    public int rope_scaling_type; // enum llama_rope_scaling_type
    public int pooling_type;      // enum llama_pooling_type
    public int attention_type;    // enum llama_attention_type
    public int flash_attn_type;   // enum llama_flash_attn_type
    public float rope_freq_base;
    public float rope_freq_scale;
    public float yarn_ext_factor;
    public float yarn_attn_factor;
    public float yarn_beta_fast;
    public float yarn_beta_slow;
    public uint yarn_orig_ctx;
    public float defrag_thold;
    public IntPtr cb_eval;
    public IntPtr cb_eval_user_data;
    public GgmlType type_k;
    public GgmlType type_v;
    public IntPtr abort_callback;
    public IntPtr abort_callback_data;
    [MarshalAs(UnmanagedType.U1)] public bool embeddings;
    [MarshalAs(UnmanagedType.U1)] public bool offload_kqv;
    [MarshalAs(UnmanagedType.U1)] public bool no_perf;
    [MarshalAs(UnmanagedType.U1)] public bool op_offload;
    [MarshalAs(UnmanagedType.U1)] public bool swa_full;
    [MarshalAs(UnmanagedType.U1)] public bool kv_unified;
    public IntPtr samplers;
    public nuint n_samplers;
    public IntPtr ctx_other;
}

/// <summary>struct llama_batch: arrays allocated by llama_batch_init, each of the batch's capacity.</summary>
[NativeStruct("struct llama_batch", "llama.h")]
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct llama_batch
{
    public int n_tokens;
    public int* token;
    public float* embd;
    public int* pos;
    public int* n_seq_id;
    public int** seq_id;
    public sbyte* logits;
}

[NativeStruct("struct llama_sampler_chain_params", "llama.h")]
[StructLayout(LayoutKind.Sequential)]
internal struct llama_sampler_chain_params
{
    [MarshalAs(UnmanagedType.U1)] public bool no_perf;
}

[NativeStruct("struct llama_chat_message", "llama.h")]
[StructLayout(LayoutKind.Sequential)]
internal struct llama_chat_message
{
    public IntPtr role;     // const char *, UTF-8
    public IntPtr content;  // const char *, UTF-8
}

[NativeStruct("struct llama_token_data", "llama.h")]
[StructLayout(LayoutKind.Sequential)]
internal struct llama_token_data
{
    public int id;
    public float logit;
    public float p;
}

[NativeStruct("struct llama_token_data_array", "llama.h")]
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct llama_token_data_array
{
    public llama_token_data* data;
    public nuint size;
    public long selected;
    [MarshalAs(UnmanagedType.U1)] public bool sorted;
}
