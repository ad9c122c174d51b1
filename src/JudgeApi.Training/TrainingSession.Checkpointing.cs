using JudgeApi.Llama.Native;

namespace JudgeApi.Training;

/// <summary>
/// Activation checkpointing: the forward pass keeps only each layer's input (n_embd × T floats a layer), then the
/// backward pass goes one segment at a time, last to first (the head, each layer, the embedding lookup), recomputing
/// the segment's forward from its checkpoint and seeding its backward with the gradient the segment after it produced.
/// Peak activation memory becomes one layer's instead of every layer's, for about one more forward pass of compute.
/// </summary>
internal sealed unsafe partial class TrainingSession
{
    private float AccumulateCheckpointed(TokenizedExample example, float weight)
    {
        CheckExample(example);
        var layers = Hyperparameters.LayerCount;
        var length = example.Tokens.Length;
        var rows = OutputRowsOf(example);

        // The checkpoints x_0 (embeddings) .. x_L (the last layer's output), and the gradient flowing back between
        // segments, stay on the backend for the whole example.
        using var store = SafeGgmlContextHandle.Create((ulong)((long)NativeApi.ggml_tensor_overhead() * (layers + 3)), noAlloc: true);
        var checkpoints = new IntPtr[layers + 1];
        for (var l = 0; l <= layers; l++)
            checkpoints[l] = (IntPtr)NewActivation(store, length);
        var upstream = NewActivation(store, length);
        using var storeBuffer = SafeGgmlBackendBufferHandle.AllocateContextTensors(store, _backend);

        RunForwardKeepingCheckpoints(example.Tokens, rows, checkpoints);
        var loss = BackwardThroughHead(example, rows, (ggml_tensor*)checkpoints[layers], upstream, weight);
        for (var layer = layers - 1; layer >= 0; layer--)
            BackwardThroughLayer(layer, example.Tokens, rows, (ggml_tensor*)checkpoints[layer], upstream);
        if (Parameters.Trains(Weights.Get("token_embd.weight")))
            BackwardThroughEmbeddings(example.Tokens, rows, upstream);
        return loss;
    }

    private void RunForwardKeepingCheckpoints(int[] tokens, int[] rows, IntPtr[] checkpoints)
    {
        using var ctx = NewGraphContext();
        var inputs = NewInputs(ctx, tokens.Length, rows.Length);
        var gf = NativeApi.ggml_new_graph_custom(ctx, _graphSize, false);
        var x = _graph.BuildEmbeddings(ctx, inputs);
        for (var layer = 0; layer < Hyperparameters.LayerCount; layer++)
        {
            NativeApi.ggml_build_forward_expand(gf, NativeApi.ggml_cpy(ctx, x, (ggml_tensor*)checkpoints[layer]));
            x = _graph.BuildLayer(ctx, layer, x, inputs);
        }
        NativeApi.ggml_build_forward_expand(gf, NativeApi.ggml_cpy(ctx, x, (ggml_tensor*)checkpoints[^1]));
        Allocate(gf);
        SetInputs(inputs, tokens, rows);
        Compute(gf);
    }

    /// <summary>Final norm, logits and loss from the last checkpoint; leaves d(weight * loss)/d(x_L) in <paramref name="upstream"/>.</summary>
    private float BackwardThroughHead(TokenizedExample example, int[] rows, ggml_tensor* input, ggml_tensor* upstream, float weight)
    {
        using var ctx = NewGraphContext();
        var inputs = NewInputs(ctx, example.Tokens.Length, rows.Length);
        var x = NewSegmentInput(ctx, example.Tokens.Length);
        var loss = CrossEntropy(ctx, _graph.BuildHead(ctx, x, inputs), rows.Length, out var labels);
        var scaled = NativeApi.ggml_scale(ctx, loss, weight);
        var gf = BuildSegmentBackward(ctx, scaled, x, upstream);
        Allocate(gf);
        NativeApi.ggml_backend_tensor_copy(input, x);
        SetInputs(inputs, example.Tokens, rows);
        WriteLabels(labels, example);
        ComputeSegment(gf, scaled);
        return ReadScalar(loss);
    }

    /// <summary>
    /// One layer recomputed from its checkpoint; its "loss" sum(y ⊙ g) has d/dy = g, the gradient of the real loss
    /// with respect to the layer's output, so backpropagating it gives the layer's true gradients and d/dx, which
    /// replaces g in <paramref name="upstream"/>.
    /// </summary>
    private void BackwardThroughLayer(int layer, int[] tokens, int[] rows, ggml_tensor* input, ggml_tensor* upstream)
    {
        using var ctx = NewGraphContext();
        var inputs = NewInputs(ctx, tokens.Length, rows.Length);
        var x = NewSegmentInput(ctx, tokens.Length);
        var outputGradient = NewActivation(ctx, tokens.Length);
        NativeApi.ggml_set_input(outputGradient);
        var y = _graph.BuildLayer(ctx, layer, x, inputs);
        var surrogate = NativeApi.ggml_sum(ctx, NativeApi.ggml_mul(ctx, y, outputGradient));
        var gf = BuildSegmentBackward(ctx, surrogate, x, upstream);
        Allocate(gf);
        NativeApi.ggml_backend_tensor_copy(input, x);
        NativeApi.ggml_backend_tensor_copy(upstream, outputGradient);
        SetInputs(inputs, tokens, rows);
        ComputeSegment(gf, surrogate);
    }

    /// <summary>The embedding lookup, when the embeddings are trained: d/d(token_embd) from the first layer's input gradient.</summary>
    private void BackwardThroughEmbeddings(int[] tokens, int[] rows, ggml_tensor* upstream)
    {
        using var ctx = NewGraphContext();
        var inputs = NewInputs(ctx, tokens.Length, rows.Length);
        var outputGradient = NewActivation(ctx, tokens.Length);
        NativeApi.ggml_set_input(outputGradient);
        var surrogate = NativeApi.ggml_sum(ctx, NativeApi.ggml_mul(ctx, _graph.BuildEmbeddings(ctx, inputs), outputGradient));
        var gf = BuildSegmentBackward(ctx, surrogate, input: null, upstream: null);
        Allocate(gf);
        NativeApi.ggml_backend_tensor_copy(upstream, outputGradient);
        SetInputs(inputs, tokens, rows);
        ComputeSegment(gf, surrogate);
    }

    /// <summary>A segment's forward and backward graph; d(loss)/d(input) is copied into upstream at its end.</summary>
    private IntPtr BuildSegmentBackward(SafeGgmlContextHandle ctx, ggml_tensor* loss, ggml_tensor* input, ggml_tensor* upstream)
    {
        NativeApi.ggml_set_loss(loss);
        var gf = NativeApi.ggml_new_graph_custom(ctx, _graphSize, true);
        NativeApi.ggml_build_forward_expand(gf, loss);
        fixed (ggml_tensor** accs = Parameters.AccumulatorsFor(gf))
            NativeApi.ggml_build_backward_expand(ctx, gf, accs);
        if (input != null)
            NativeApi.ggml_build_forward_expand(gf, NativeApi.ggml_cpy(ctx, NativeApi.ggml_graph_get_grad(gf, input), upstream));
        return gf;
    }

    private void ComputeSegment(IntPtr gf, ggml_tensor* loss)
    {
        var one = 1f;
        NativeApi.ggml_backend_tensor_set(NativeApi.ggml_graph_get_grad(gf, loss), &one, 0, sizeof(float));
        Compute(gf);
    }

    /// <summary>A segment's input: a leaf the backward pass computes a gradient for (a parameter to ggml, never updated).</summary>
    private ggml_tensor* NewSegmentInput(SafeGgmlContextHandle ctx, int tokens)
    {
        var x = NewActivation(ctx, tokens);
        NativeApi.ggml_set_input(x);
        NativeApi.ggml_set_param(x);
        return x;
    }

    private ggml_tensor* NewActivation(SafeGgmlContextHandle ctx, int tokens) =>
        NativeApi.ggml_new_tensor_2d(ctx, GgmlType.F32, Hyperparameters.EmbeddingLength, tokens);
}
