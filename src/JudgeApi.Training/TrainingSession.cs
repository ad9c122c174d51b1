using JudgeApi.Llama;
using JudgeApi.Llama.Gguf;
using JudgeApi.Llama.Native;

namespace JudgeApi.Training;

/// <summary>What a session trains: a LoRA adapter over frozen weights, or every weight of the model.</summary>
internal abstract record TrainingTarget
{
    /// <summary>LoRA pairs on <paramref name="Targets"/>, A seeded with <paramref name="Seed"/>, B zero.</summary>
    public sealed record Lora(IReadOnlyList<string> Targets, int Rank, float Alpha, int Seed) : TrainingTarget;

    /// <summary>Every tensor of the model except the fixed RoPE frequency factors.</summary>
    public sealed record FullParameters : TrainingTarget;
}

/// <summary>
/// A model on the CPU backend and what is trained on it: computes logits, the cross-entropy loss of an example's
/// target tokens, accumulates gradients through ggml's autograd and applies AdamW steps with ggml_opt_step_adamw.
/// Each call builds a graph for its sequence and allocates it with one reused graph allocator. (Packing several
/// examples into one sequence with a block-diagonal mask was measured: on small models it is slower, because the
/// masked attention grows with the square of the packed length while the per-graph overhead it saves is small.)
/// </summary>
internal sealed unsafe class TrainingSession : IDisposable
{
    private readonly SafeGgmlBackendHandle _backend;
    private readonly SafeGgmlGallocrHandle _galloc;
    private readonly DecoderGraph _graph;
    // Node capacity of a graph: a layer with all seven LoRA pairs (or every weight trained) is under 150 forward
    // nodes, and the backward pass adds about twice that again.
    private readonly nuint _graphSize;

    public ModelHyperparameters Hyperparameters { get; }
    public ModelWeights Weights { get; }

    /// <summary>The adapter being trained; null when every weight is.</summary>
    public LoraWeights? Lora { get; }

    /// <summary>The tensors the optimizer updates, with their gradients and moments.</summary>
    public TrainableParameters Parameters { get; }

    /// <summary>Bytes of the largest compute buffer any graph so far needed.</summary>
    public long ComputeBufferBytes => (long)NativeApi.ggml_gallocr_get_buffer_size(_galloc, 0);

    public TrainingSession(string modelPath, TrainingTarget target, int threads)
    {
        LlamaRuntime.EnsureInitialized();
        using var model = GgufModelFiles.Open(modelPath);
        Hyperparameters = ModelHyperparameters.Read(model);
        _graphSize = (nuint)(2048 + 512 * Hyperparameters.LayerCount);
        _backend = SafeGgmlBackendHandle.CreateCpu(threads);
        try
        {
            var full = target is TrainingTarget.FullParameters;
            Weights = ModelWeights.Load(model, _backend, trainable: full, inPlace: !full);
            if (target is TrainingTarget.Lora lora)
            {
                Lora = new LoraWeights(Weights, Hyperparameters.LayerCount, lora.Targets, lora.Rank, lora.Alpha, lora.Seed, _backend);
                Parameters = new TrainableParameters(Lora.Tensors, _backend);
            }
            else
            {
                // as usual in pre-training, weight decay applies to the matrices, not to norm weights and biases
                Parameters = new TrainableParameters([.. Weights.All.Where(t => !IsFixed(t.Key)).Select(t => t.Value)], _backend,
                    decayed: t => ((ggml_tensor*)t)->ne[1] > 1);
            }
            _graph = DecoderGraph.For(Hyperparameters, Weights, Lora);
            RefuseUnusedTensors();
            _galloc = SafeGgmlGallocrHandle.Create(_backend);
        }
        catch
        {
            Parameters?.Dispose();
            Lora?.Dispose();
            Weights?.Dispose();
            _backend.Dispose();
            throw;
        }
    }

    /// <summary>
    /// llama.cpp refuses a file with tensors its graph does not use, so a tensor our graph leaves out is a feature
    /// the trainer does not build: refused by name rather than trained (and evaluated) silently wrong.
    /// </summary>
    private void RefuseUnusedTensors()
    {
        using var ctx = NewGraphContext();
        _graph.BuildLogits(ctx, NewInputs(ctx, 1, 1));
        if (Weights.Unused.FirstOrDefault() is { } unused)
            throw new TrainingModelException(UnsupportedFeature.Describe(unused, Hyperparameters.Architecture));
    }

    /// <summary>Tensors no training changes: llama.cpp's RoPE frequency factors (ggml has no gradient for them).</summary>
    internal static bool IsFixed(string tensorName) => tensorName.StartsWith("rope_", StringComparison.Ordinal);

    /// <summary>Logits [rows.Length][n_vocab] at the given positions of the sequence (forward only).</summary>
    public float[][] Logits(ReadOnlySpan<int> tokens, ReadOnlySpan<int> rows)
    {
        using var ctx = NewGraphContext();
        var inputs = NewInputs(ctx, tokens.Length, rows.Length);
        var logits = _graph.BuildLogits(ctx, inputs);
        NativeApi.ggml_set_output(logits);
        var gf = NativeApi.ggml_new_graph_custom(ctx, _graphSize, false);
        NativeApi.ggml_build_forward_expand(gf, logits);
        Allocate(gf);
        SetInputs(inputs, tokens, rows);
        Compute(gf);

        var vocab = Hyperparameters.VocabSize;
        var all = new float[rows.Length * vocab];
        fixed (float* p = all)
            NativeApi.ggml_backend_tensor_get(logits, p, 0, (nuint)(all.Length * sizeof(float)));
        return Enumerable.Range(0, rows.Length).Select(r => all.AsSpan(r * vocab, vocab).ToArray()).ToArray();
    }

    /// <summary>Mean cross-entropy over the example's target tokens (forward only).</summary>
    public float Loss(TokenizedExample example)
    {
        using var ctx = NewGraphContext();
        var graph = BuildLossGraph(ctx, example, withGradients: false);
        Allocate(graph.Graph);
        SetLossInputs(example, graph);
        Compute(graph.Graph);
        return ReadScalar(graph.Loss);
    }

    /// <summary>
    /// Adds d(weight * loss)/d(parameters) for one example to the gradient accumulators and returns its (unweighted)
    /// loss, the mean over its target tokens. The weight lets a caller average over the examples of a batch.
    /// </summary>
    public float AccumulateGradients(TokenizedExample example, float weight)
    {
        using var ctx = NewGraphContext();
        var graph = BuildLossGraph(ctx, example, withGradients: true);
        var gf = graph.Graph;
        var scaled = NativeApi.ggml_scale(ctx, graph.Loss, weight);
        NativeApi.ggml_set_loss(scaled);
        NativeApi.ggml_build_forward_expand(gf, scaled);
        fixed (ggml_tensor** accs = Parameters.AccumulatorsFor(gf))
            NativeApi.ggml_build_backward_expand(ctx, gf, accs);
        Allocate(gf);
        SetLossInputs(example, graph);
        // The loss gradient is the seed of backpropagation: d loss / d loss = 1.
        var one = 1f;
        NativeApi.ggml_backend_tensor_set(NativeApi.ggml_graph_get_grad(gf, scaled), &one, 0, sizeof(float));
        Compute(gf);
        return ReadScalar(graph.Loss);
    }

    /// <summary>One AdamW step over every trained tensor from the accumulated gradients, which are then cleared.</summary>
    /// <param name="step">1-based optimizer step (for the bias corrections).</param>
    /// <param name="weightDecay">Decoupled weight decay (of the matrices, when every weight is trained).</param>
    public void AdamWStep(float learningRate, int step, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f, float weightDecay = 0f)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(step, 1);
        Parameters.SetAdamWHyperparameters(learningRate, beta1, beta2, epsilon, weightDecay, step);
        using var ctx = NewGraphContext();
        var gf = NativeApi.ggml_new_graph_custom(ctx, _graphSize, false);
        Parameters.AddAdamWSteps(ctx, gf);
        Allocate(gf);
        Compute(gf);
        Parameters.ClearGradients();
    }

    /// <summary>A sequence's loss graph: the loss, the graph holding it, and the inputs to fill after allocation.</summary>
    private readonly struct LossGraph
    {
        public ggml_tensor* Loss { get; init; }
        public IntPtr Graph { get; init; }
        public DecoderGraph.Inputs Inputs { get; init; }
        public ggml_tensor* Labels { get; init; }
    }

    private LossGraph BuildLossGraph(SafeGgmlContextHandle ctx, TokenizedExample example, bool withGradients)
    {
        if (example.PromptLength < 1 || example.TargetLength < 1)
            throw new ArgumentException("An example needs at least one prompt token and one target token.", nameof(example));
        var inputs = NewInputs(ctx, example.Tokens.Length, example.TargetLength);
        var logits = _graph.BuildLogits(ctx, inputs);
        var labels = NativeApi.ggml_new_tensor_2d(ctx, GgmlType.F32, Hyperparameters.VocabSize, example.TargetLength);
        NativeApi.ggml_set_input(labels);
        var loss = NativeApi.ggml_cross_entropy_loss(ctx, logits, labels);
        NativeApi.ggml_set_output(loss);
        var gf = NativeApi.ggml_new_graph_custom(ctx, _graphSize, withGradients);
        NativeApi.ggml_build_forward_expand(gf, loss);
        return new LossGraph { Loss = loss, Graph = gf, Inputs = inputs, Labels = labels };
    }

    /// <summary>The logits at position PromptLength-1+i predict target token i; the labels are one-hot rows.</summary>
    private void SetLossInputs(TokenizedExample example, in LossGraph graph)
    {
        var targets = example.TargetLength;
        var rows = new int[targets];
        for (var i = 0; i < targets; i++)
            rows[i] = example.PromptLength - 1 + i;
        SetInputs(graph.Inputs, example.Tokens, rows);

        var vocab = Hyperparameters.VocabSize;
        var oneHot = new float[(long)vocab * targets];
        for (var i = 0; i < targets; i++)
        {
            var token = example.Tokens[example.PromptLength + i];
            if ((uint)token >= (uint)vocab)
                throw new ArgumentException($"Token {token} is outside the vocabulary of {vocab}.", nameof(example));
            oneHot[(long)i * vocab + token] = 1f;
        }
        TensorData.Write(graph.Labels, oneHot);
    }

    private DecoderGraph.Inputs NewInputs(SafeGgmlContextHandle ctx, int tokens, int rows)
    {
        var inputs = new DecoderGraph.Inputs
        {
            Tokens = NativeApi.ggml_new_tensor_1d(ctx, GgmlType.I32, tokens),
            Positions = NativeApi.ggml_new_tensor_1d(ctx, GgmlType.I32, tokens),
            CausalMask = NativeApi.ggml_new_tensor_2d(ctx, GgmlType.F32, tokens, tokens),
            OutputRows = NativeApi.ggml_new_tensor_1d(ctx, GgmlType.I32, rows),
        };
        NativeApi.ggml_set_input(inputs.Tokens);
        NativeApi.ggml_set_input(inputs.Positions);
        NativeApi.ggml_set_input(inputs.CausalMask);
        NativeApi.ggml_set_input(inputs.OutputRows);
        return inputs;
    }

    /// <summary>Checks every id and index before it reaches ggml (which would read out of bounds), then uploads them.</summary>
    private void SetInputs(in DecoderGraph.Inputs inputs, ReadOnlySpan<int> tokens, ReadOnlySpan<int> rows)
    {
        var n = tokens.Length;
        if (n < 1)
            throw new ArgumentException("A sequence needs at least one token.", nameof(tokens));
        if (n > Hyperparameters.TrainContextLength)
            throw new ArgumentException($"A sequence of {n} tokens exceeds the model's context of {Hyperparameters.TrainContextLength}.", nameof(tokens));
        foreach (var token in tokens)
        {
            if ((uint)token >= (uint)Hyperparameters.VocabSize)
                throw new ArgumentException($"Token {token} is outside the vocabulary of {Hyperparameters.VocabSize}.", nameof(tokens));
        }
        foreach (var row in rows)
        {
            if ((uint)row >= (uint)n)
                throw new ArgumentException($"Output row {row} is outside the sequence of {n} tokens.", nameof(rows));
        }
        var positions = new int[n];
        for (var i = 0; i < n; i++)
            positions[i] = i;
        var mask = new float[(long)n * n];
        for (var q = 0; q < n; q++)
            mask.AsSpan(q * n + q + 1, n - q - 1).Fill(float.NegativeInfinity);
        TensorData.Write(inputs.Tokens, tokens);
        TensorData.Write(inputs.Positions, positions);
        TensorData.Write(inputs.OutputRows, rows);
        TensorData.Write(inputs.CausalMask, mask);
    }

    private SafeGgmlContextHandle NewGraphContext() =>
        SafeGgmlContextHandle.Create((ulong)((long)NativeApi.ggml_tensor_overhead() * (long)_graphSize * 2 + (long)NativeApi.ggml_graph_overhead_custom(_graphSize, true)), noAlloc: true);

    private void Allocate(IntPtr gf)
    {
        if (!NativeApi.ggml_gallocr_alloc_graph(_galloc, gf))
            throw new LlamaException("Allocating the training graph failed (out of memory); lower the maximum sequence length.");
    }

    private void Compute(IntPtr gf)
    {
        var status = NativeApi.ggml_backend_graph_compute(_backend, gf);
        if (status != 0)
            throw new LlamaException($"ggml_backend_graph_compute failed with status {status}.");
    }

    private static float ReadScalar(ggml_tensor* tensor)
    {
        float value;
        NativeApi.ggml_backend_tensor_get(tensor, &value, 0, sizeof(float));
        return value;
    }

    public void Dispose()
    {
        _galloc.Dispose();
        Parameters.Dispose();
        Lora?.Dispose();
        Weights.Dispose();
        _backend.Dispose();
    }
}
