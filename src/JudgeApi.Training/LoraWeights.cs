using JudgeApi.Llama.Gguf;
using JudgeApi.Llama.Native;

namespace JudgeApi.Training;

/// <summary>
/// The trainable LoRA pairs (F32) with their gradient accumulators and AdamW moments, each group in its own
/// backend buffer so gradients can be cleared in one call. For a weight W with ne [n_in, n_out]:
/// A has ne [n_in, r], B has ne [r, n_out], and the layer computes W x + (alpha / r) * B (A x).
/// </summary>
internal sealed unsafe class LoraWeights : IDisposable
{
    /// <summary>One adapted weight: the pair, its gradient accumulators and its moments.</summary>
    internal sealed class Pair(string weightName, long nIn)
    {
        public string WeightName { get; } = weightName;
        public long InputSize { get; } = nIn;
        public ggml_tensor* A;
        public ggml_tensor* B;
        public ggml_tensor* GradA;
        public ggml_tensor* GradB;
        public ggml_tensor* MomentA1;
        public ggml_tensor* MomentA2;
        public ggml_tensor* MomentB1;
        public ggml_tensor* MomentB2;
    }

    private readonly SafeGgmlContextHandle _paramCtx, _gradCtx, _momentCtx;
    private readonly SafeGgmlBackendBufferHandle _paramBuffer, _gradBuffer, _momentBuffer;
    private readonly Dictionary<string, Pair> _pairs;

    public int Rank { get; }
    public float Alpha { get; }

    /// <summary>alpha / rank: the factor llama.cpp applies to B·A at adapter scale 1.</summary>
    public float Scale => Alpha / Rank;

    public IReadOnlyCollection<Pair> Pairs => _pairs.Values;

    /// <summary>The seven AdamW hyperparameters ggml_opt_step_adamw reads (F32 [7]).</summary>
    public ggml_tensor* AdamWParameters { get; }

    /// <summary>Creates the pairs for the targets that exist in every layer, A uniform in ±1/sqrt(n_in), B zero.</summary>
    public LoraWeights(FrozenBaseWeights baseWeights, int layerCount, IReadOnlyList<string> targets, int rank, float alpha, int seed, SafeGgmlBackendHandle backend)
    {
        Rank = rank;
        Alpha = alpha;
        var shapes = new List<(string Name, long NIn, long NOut)>();
        foreach (var target in targets)
        {
            if (!LoraTarget.All.Contains(target))
                throw new ArgumentException($"Unknown LoRA target '{target}'; choose from {string.Join(", ", LoraTarget.All)}.", nameof(targets));
            for (var layer = 0; layer < layerCount; layer++)
            {
                var name = LoraTarget.WeightName(layer, target);
                var w = baseWeights.Get(name);
                shapes.Add((name, w->ne[0], w->ne[1]));
                if (rank > w->ne[0] || rank > w->ne[1])
                    throw new ArgumentOutOfRangeException(nameof(rank), $"Rank {rank} exceeds a dimension of {name} ({w->ne[0]} x {w->ne[1]}).");
            }
        }
        if (shapes.Count == 0)
            throw new ArgumentException("At least one LoRA target is needed.", nameof(targets));

        var overhead = (ulong)((long)NativeApi.ggml_tensor_overhead() * (shapes.Count * 4 + 2));
        _paramCtx = SafeGgmlContextHandle.Create(overhead, noAlloc: true);
        _gradCtx = SafeGgmlContextHandle.Create(overhead, noAlloc: true);
        _momentCtx = SafeGgmlContextHandle.Create(overhead, noAlloc: true);
        _pairs = new Dictionary<string, Pair>(StringComparer.Ordinal);
        foreach (var (name, nIn, nOut) in shapes)
        {
            var pair = new Pair(name, nIn)
            {
                A = Named(NativeApi.ggml_new_tensor_2d(_paramCtx, GgmlType.F32, nIn, rank), name + ".lora_a"),
                B = Named(NativeApi.ggml_new_tensor_2d(_paramCtx, GgmlType.F32, rank, nOut), name + ".lora_b"),
                GradA = NativeApi.ggml_new_tensor_2d(_gradCtx, GgmlType.F32, nIn, rank),
                GradB = NativeApi.ggml_new_tensor_2d(_gradCtx, GgmlType.F32, rank, nOut),
                MomentA1 = NativeApi.ggml_new_tensor_2d(_momentCtx, GgmlType.F32, nIn, rank),
                MomentA2 = NativeApi.ggml_new_tensor_2d(_momentCtx, GgmlType.F32, nIn, rank),
                MomentB1 = NativeApi.ggml_new_tensor_2d(_momentCtx, GgmlType.F32, rank, nOut),
                MomentB2 = NativeApi.ggml_new_tensor_2d(_momentCtx, GgmlType.F32, rank, nOut),
            };
            NativeApi.ggml_set_param(pair.A);
            NativeApi.ggml_set_param(pair.B);
            _pairs.Add(name, pair);
        }
        AdamWParameters = NativeApi.ggml_new_tensor_1d(_paramCtx, GgmlType.F32, 7);

        _paramBuffer = SafeGgmlBackendBufferHandle.AllocateContextTensors(_paramCtx, backend);
        _gradBuffer = SafeGgmlBackendBufferHandle.AllocateContextTensors(_gradCtx, backend);
        _momentBuffer = SafeGgmlBackendBufferHandle.AllocateContextTensors(_momentCtx, backend);
        NativeApi.ggml_backend_buffer_clear(_paramBuffer, 0);
        NativeApi.ggml_backend_buffer_clear(_gradBuffer, 0);
        NativeApi.ggml_backend_buffer_clear(_momentBuffer, 0);

        var random = new Random(seed);
        foreach (var pair in _pairs.Values)
        {
            var bound = 1.0 / Math.Sqrt(pair.InputSize);
            var a = new float[pair.InputSize * rank];
            for (var i = 0; i < a.Length; i++)
                a[i] = (float)((random.NextDouble() * 2 - 1) * bound);
            Write(pair.A, a);
        }
    }

    /// <summary>The pair adapting this weight, or null when it is not a target.</summary>
    public Pair? Find(string weightName) => _pairs.GetValueOrDefault(weightName);

    /// <summary>The current factors, in the layout <see cref="LoraAdapterWriter"/> writes.</summary>
    public IReadOnlyList<LoraTensorPair> Export() =>
        _pairs.Values.Select(p => new LoraTensorPair(p.WeightName, Rank, Read(p.A), Read(p.B))).ToList();

    /// <summary>Zeroes every gradient accumulator (after an optimizer step).</summary>
    public void ClearGradients() => NativeApi.ggml_backend_buffer_clear(_gradBuffer, 0);

    /// <summary>Bytes of the trainable state: parameters, gradients and moments.</summary>
    public long SizeBytes =>
        (long)(NativeApi.ggml_backend_buffer_get_size(_paramBuffer) + NativeApi.ggml_backend_buffer_get_size(_gradBuffer) + NativeApi.ggml_backend_buffer_get_size(_momentBuffer));

    public static float[] Read(ggml_tensor* tensor)
    {
        var values = new float[NativeApi.ggml_nelements(tensor)];
        fixed (float* p = values)
            NativeApi.ggml_backend_tensor_get(tensor, p, 0, (nuint)(values.Length * sizeof(float)));
        return values;
    }

    public static void Write(ggml_tensor* tensor, ReadOnlySpan<float> values)
    {
        if (values.Length != NativeApi.ggml_nelements(tensor))
            throw new ArgumentException($"Expected {NativeApi.ggml_nelements(tensor)} values, got {values.Length}.", nameof(values));
        fixed (float* p = values)
            NativeApi.ggml_backend_tensor_set(tensor, p, 0, (nuint)(values.Length * sizeof(float)));
    }

    private static ggml_tensor* Named(ggml_tensor* tensor, string name)
    {
        NativeApi.ggml_set_name(tensor, name);
        return tensor;
    }

    public void Dispose()
    {
        _momentBuffer.Dispose();
        _gradBuffer.Dispose();
        _paramBuffer.Dispose();
        _momentCtx.Dispose();
        _gradCtx.Dispose();
        _paramCtx.Dispose();
    }
}
