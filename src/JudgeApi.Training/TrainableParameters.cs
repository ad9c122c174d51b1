using JudgeApi.Llama.Native;

namespace JudgeApi.Training;

/// <summary>
/// What the optimizer updates: F32 parameter tensors (LoRA factors, or every weight of the model) with a gradient
/// accumulator and two AdamW moments each. Gradients and moments live in their own backend buffers, so the
/// gradients are cleared in one call and the parameters stay where their owner allocated them.
/// </summary>
internal sealed unsafe class TrainableParameters : IDisposable
{
    /// <summary>One trained tensor and its optimizer state (same shape, F32).</summary>
    internal sealed class Entry
    {
        public required ggml_tensor* Parameter { get; init; }
        public required ggml_tensor* Gradient { get; init; }
        public required ggml_tensor* Moment1 { get; init; }
        public required ggml_tensor* Moment2 { get; init; }
        /// <summary>Whether AdamW's weight decay applies (not to norm weights and biases).</summary>
        public required bool Decayed { get; init; }
    }

    private readonly SafeGgmlContextHandle _gradCtx, _momentCtx;
    private readonly SafeGgmlBackendBufferHandle _gradBuffer, _momentBuffer;
    private readonly Dictionary<IntPtr, Entry> _byParameter = [];

    // The seven AdamW hyperparameters ggml_opt_step_adamw reads (F32 [7]), in the moments' buffer: one set with the
    // weight decay, one without it.
    private readonly ggml_tensor* _adamW, _adamWWithoutDecay;

    public IReadOnlyCollection<Entry> Entries => _byParameter.Values;

    /// <summary>Marks every tensor as a parameter (ggml_set_param) and gives it zeroed gradients and moments.</summary>
    /// <param name="decayed">Which tensors weight decay applies to; null: all of them.</param>
    public TrainableParameters(IReadOnlyList<IntPtr> parameters, SafeGgmlBackendHandle backend, Func<IntPtr, bool>? decayed = null)
    {
        if (parameters.Count == 0)
            throw new ArgumentException("At least one trainable tensor is needed.", nameof(parameters));
        var overhead = (ulong)((long)NativeApi.ggml_tensor_overhead() * (parameters.Count * 2 + 2));
        _gradCtx = SafeGgmlContextHandle.Create(overhead, noAlloc: true);
        _momentCtx = SafeGgmlContextHandle.Create(overhead, noAlloc: true);
        foreach (var raw in parameters)
        {
            var parameter = (ggml_tensor*)raw;
            if (parameter->type != GgmlType.F32)
                throw new ArgumentException($"Only F32 tensors can be trained; '{TensorData.NameOf(parameter)}' is {parameter->type}.", nameof(parameters));
            NativeApi.ggml_set_param(parameter);
            _byParameter.Add(raw, new Entry
            {
                Parameter = parameter,
                Gradient = NativeApi.ggml_dup_tensor(_gradCtx, parameter),
                Moment1 = NativeApi.ggml_dup_tensor(_momentCtx, parameter),
                Moment2 = NativeApi.ggml_dup_tensor(_momentCtx, parameter),
                Decayed = decayed?.Invoke(raw) ?? true,
            });
        }
        _adamW = NativeApi.ggml_new_tensor_1d(_momentCtx, GgmlType.F32, 7);
        _adamWWithoutDecay = NativeApi.ggml_new_tensor_1d(_momentCtx, GgmlType.F32, 7);

        _gradBuffer = SafeGgmlBackendBufferHandle.AllocateContextTensors(_gradCtx, backend);
        try
        {
            _momentBuffer = SafeGgmlBackendBufferHandle.AllocateContextTensors(_momentCtx, backend);
        }
        catch
        {
            _gradBuffer.Dispose();
            throw;
        }
        NativeApi.ggml_backend_buffer_clear(_gradBuffer, 0);
        NativeApi.ggml_backend_buffer_clear(_momentBuffer, 0);
    }

    /// <summary>Elements trained.</summary>
    public long ParameterCount => _byParameter.Values.Sum(e => NativeApi.ggml_nelements(e.Parameter));

    /// <summary>Bytes of the optimizer state: gradients and moments (the parameters belong to their owner).</summary>
    public long StateBytes => (long)(NativeApi.ggml_backend_buffer_get_size(_gradBuffer) + NativeApi.ggml_backend_buffer_get_size(_momentBuffer));

    /// <summary>The accumulated gradient of a parameter.</summary>
    public ggml_tensor* GradientOf(ggml_tensor* parameter) => _byParameter[(IntPtr)parameter].Gradient;

    /// <summary>For each forward node of a graph, its persistent gradient accumulator when it is a parameter (ggml indexes them by node).</summary>
    public ggml_tensor*[] AccumulatorsFor(IntPtr graph)
    {
        var count = NativeApi.ggml_graph_n_nodes(graph);
        var accumulators = new ggml_tensor*[count];
        for (var i = 0; i < count; i++)
            accumulators[i] = _byParameter.TryGetValue((IntPtr)NativeApi.ggml_graph_node(graph, i), out var entry) ? entry.Gradient : null;
        return accumulators;
    }

    /// <summary>Zeroes every gradient accumulator (after an optimizer step).</summary>
    public void ClearGradients() => NativeApi.ggml_backend_buffer_clear(_gradBuffer, 0);

    /// <summary>Sets what the next <see cref="AddAdamWSteps"/> graph applies; step is 1-based (for the bias corrections).</summary>
    public void SetAdamWHyperparameters(float learningRate, float beta1, float beta2, float epsilon, float weightDecay, int step)
    {
        float correction1 = 1f / (1f - MathF.Pow(beta1, step)), correction2 = 1f / (1f - MathF.Pow(beta2, step));
        TensorData.Write(_adamW, [learningRate, beta1, beta2, epsilon, weightDecay, correction1, correction2]);
        TensorData.Write(_adamWWithoutDecay, [learningRate, beta1, beta2, epsilon, 0f, correction1, correction2]);
    }

    /// <summary>Adds one AdamW update per parameter to a graph.</summary>
    public void AddAdamWSteps(SafeGgmlContextHandle ctx, IntPtr graph)
    {
        foreach (var e in _byParameter.Values)
        {
            var hyper = e.Decayed ? _adamW : _adamWWithoutDecay;
            NativeApi.ggml_build_forward_expand(graph, NativeApi.ggml_opt_step_adamw(ctx, e.Parameter, e.Gradient, e.Moment1, e.Moment2, hyper));
        }
    }

    public void Dispose()
    {
        _momentBuffer.Dispose();
        _gradBuffer.Dispose();
        _momentCtx.Dispose();
        _gradCtx.Dispose();
    }
}
