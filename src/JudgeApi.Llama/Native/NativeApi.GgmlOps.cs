using System.Runtime.InteropServices;

namespace JudgeApi.Llama.Native;

// ggml graph operators, automatic differentiation and the AdamW step (libggml-base).
// Tensors and graphs live in a ggml context; the pointers are valid while that context is.
internal static unsafe partial class NativeApi
{
    internal const int GGML_ROPE_TYPE_NORMAL = 0;
    internal const int GGML_ROPE_TYPE_NEOX = 2;

    [LibraryImport(GgmlBase)]
    internal static partial ggml_tensor* ggml_new_tensor_1d(SafeGgmlContextHandle ctx, GgmlType type, long ne0);

    [LibraryImport(GgmlBase)]
    internal static partial ggml_tensor* ggml_new_tensor_2d(SafeGgmlContextHandle ctx, GgmlType type, long ne0, long ne1);

    [LibraryImport(GgmlBase)]
    internal static partial void ggml_set_param(ggml_tensor* tensor);

    [LibraryImport(GgmlBase)]
    internal static partial void ggml_set_loss(ggml_tensor* tensor);

    [LibraryImport(GgmlBase)]
    internal static partial void ggml_set_input(ggml_tensor* tensor);

    [LibraryImport(GgmlBase)]
    internal static partial void ggml_set_output(ggml_tensor* tensor);

    [LibraryImport(GgmlBase)]
    internal static partial ggml_tensor* ggml_get_rows(SafeGgmlContextHandle ctx, ggml_tensor* a, ggml_tensor* b);

    [LibraryImport(GgmlBase)]
    internal static partial ggml_tensor* ggml_rms_norm(SafeGgmlContextHandle ctx, ggml_tensor* a, float eps);

    [LibraryImport(GgmlBase)]
    internal static partial ggml_tensor* ggml_mul(SafeGgmlContextHandle ctx, ggml_tensor* a, ggml_tensor* b);

    [LibraryImport(GgmlBase)]
    internal static partial ggml_tensor* ggml_add(SafeGgmlContextHandle ctx, ggml_tensor* a, ggml_tensor* b);

    [LibraryImport(GgmlBase)]
    internal static partial ggml_tensor* ggml_mul_mat(SafeGgmlContextHandle ctx, ggml_tensor* a, ggml_tensor* b);

    [LibraryImport(GgmlBase)]
    internal static partial ggml_tensor* ggml_scale(SafeGgmlContextHandle ctx, ggml_tensor* a, float s);

    /// <summary>The sum of every element of a: F32 [1].</summary>
    [LibraryImport(GgmlBase)]
    internal static partial ggml_tensor* ggml_sum(SafeGgmlContextHandle ctx, ggml_tensor* a);

    /// <summary>Copies a into b (same element count; converts types) when the graph runs; returns a view of b.</summary>
    [LibraryImport(GgmlBase)]
    internal static partial ggml_tensor* ggml_cpy(SafeGgmlContextHandle ctx, ggml_tensor* a, ggml_tensor* b);

    [LibraryImport(GgmlBase)]
    internal static partial ggml_tensor* ggml_silu(SafeGgmlContextHandle ctx, ggml_tensor* a);

    [LibraryImport(GgmlBase)]
    internal static partial ggml_tensor* ggml_reshape_3d(SafeGgmlContextHandle ctx, ggml_tensor* a, long ne0, long ne1, long ne2);

    [LibraryImport(GgmlBase)]
    internal static partial ggml_tensor* ggml_permute(SafeGgmlContextHandle ctx, ggml_tensor* a, int axis0, int axis1, int axis2, int axis3);

    [LibraryImport(GgmlBase)]
    internal static partial ggml_tensor* ggml_cont(SafeGgmlContextHandle ctx, ggml_tensor* a);

    [LibraryImport(GgmlBase)]
    internal static partial ggml_tensor* ggml_cont_2d(SafeGgmlContextHandle ctx, ggml_tensor* a, long ne0, long ne1);

    /// <summary>b: I32 positions, one per row of a's dim 2; c: optional F32 frequency factors (null when none).</summary>
    [LibraryImport(GgmlBase)]
    internal static partial ggml_tensor* ggml_rope_ext(SafeGgmlContextHandle ctx, ggml_tensor* a, ggml_tensor* b, ggml_tensor* c,
        int n_dims, int mode, int n_ctx_orig, float freq_base, float freq_scale, float ext_factor, float attn_factor,
        float beta_fast, float beta_slow);

    [LibraryImport(GgmlBase)]
    internal static partial ggml_tensor* ggml_soft_max_ext(SafeGgmlContextHandle ctx, ggml_tensor* a, ggml_tensor* mask, float scale, float max_bias);

    /// <summary>Mean over rows of -sum(b * log softmax(a)); a and b have the same shape.</summary>
    [LibraryImport(GgmlBase)]
    internal static partial ggml_tensor* ggml_cross_entropy_loss(SafeGgmlContextHandle ctx, ggml_tensor* a, ggml_tensor* b);

    /// <summary>adamw_params: 7 floats {lr, beta1, beta2, eps, weight decay, 1/(1-beta1^t), 1/(1-beta2^t)}; updates a in place.</summary>
    [LibraryImport(GgmlBase)]
    internal static partial ggml_tensor* ggml_opt_step_adamw(SafeGgmlContextHandle ctx, ggml_tensor* a, ggml_tensor* grad, ggml_tensor* m, ggml_tensor* v, ggml_tensor* adamw_params);

    [LibraryImport(GgmlBase)]
    internal static partial nuint ggml_graph_overhead_custom(nuint size, [MarshalAs(UnmanagedType.U1)] bool grads);

    /// <summary>Returns a struct ggml_cgraph * owned by ctx.</summary>
    [LibraryImport(GgmlBase)]
    internal static partial IntPtr ggml_new_graph_custom(SafeGgmlContextHandle ctx, nuint size, [MarshalAs(UnmanagedType.U1)] bool grads);

    [LibraryImport(GgmlBase)]
    internal static partial void ggml_build_forward_expand(IntPtr cgraph, ggml_tensor* tensor);

    /// <summary>grad_accs: null, or one entry per forward-graph node (the persistent accumulator of a parameter node).</summary>
    [LibraryImport(GgmlBase)]
    internal static partial void ggml_build_backward_expand(SafeGgmlContextHandle ctx, IntPtr cgraph, ggml_tensor** grad_accs);

    [LibraryImport(GgmlBase)]
    internal static partial int ggml_graph_n_nodes(IntPtr cgraph);

    [LibraryImport(GgmlBase)]
    internal static partial ggml_tensor* ggml_graph_node(IntPtr cgraph, int i);

    [LibraryImport(GgmlBase)]
    internal static partial ggml_tensor* ggml_graph_get_grad(IntPtr cgraph, ggml_tensor* node);
}
