using JudgeApi.Llama.Gguf;
using JudgeApi.Llama.Native;

namespace JudgeApi.Training;

/// <summary>
/// The LoRA pairs (F32) in their own backend buffer. For a weight W with ne [n_in, n_out]: A has ne [n_in, r],
/// B has ne [r, n_out], and the layer computes W x + (alpha / r) * B (A x).
/// </summary>
internal sealed unsafe class LoraWeights : IDisposable
{
    /// <summary>One adapted weight and its two factors.</summary>
    internal sealed class Pair(string weightName, long nIn)
    {
        public string WeightName { get; } = weightName;
        public long InputSize { get; } = nIn;
        public ggml_tensor* A;
        public ggml_tensor* B;
    }

    private readonly SafeGgmlContextHandle _ctx;
    private readonly SafeGgmlBackendBufferHandle _buffer;
    private readonly Dictionary<string, Pair> _pairs;

    public int Rank { get; }
    public float Alpha { get; }

    /// <summary>alpha / rank: the factor llama.cpp applies to B·A at adapter scale 1.</summary>
    public float Scale => Alpha / Rank;

    public IReadOnlyCollection<Pair> Pairs => _pairs.Values;

    /// <summary>Every factor, A and B of each pair: what the optimizer trains.</summary>
    public IReadOnlyList<IntPtr> Tensors => [.. _pairs.Values.SelectMany(p => new[] { (IntPtr)p.A, (IntPtr)p.B })];

    /// <summary>Creates the pairs for the targets that exist in every layer, A uniform in ±1/sqrt(n_in), B zero.</summary>
    public LoraWeights(ModelWeights baseWeights, int layerCount, IReadOnlyList<string> targets, int rank, float alpha, int seed, SafeGgmlBackendHandle backend)
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

        _ctx = SafeGgmlContextHandle.Create((ulong)((long)NativeApi.ggml_tensor_overhead() * (shapes.Count * 2)), noAlloc: true);
        _pairs = new Dictionary<string, Pair>(StringComparer.Ordinal);
        foreach (var (name, nIn, nOut) in shapes)
        {
            _pairs.Add(name, new Pair(name, nIn)
            {
                A = Named(NativeApi.ggml_new_tensor_2d(_ctx, GgmlType.F32, nIn, rank), name + ".lora_a"),
                B = Named(NativeApi.ggml_new_tensor_2d(_ctx, GgmlType.F32, rank, nOut), name + ".lora_b"),
            });
        }
        _buffer = SafeGgmlBackendBufferHandle.AllocateContextTensors(_ctx, backend);
        NativeApi.ggml_backend_buffer_clear(_buffer, 0);

        var random = new Random(seed);
        foreach (var pair in _pairs.Values)
        {
            var bound = 1.0 / Math.Sqrt(pair.InputSize);
            var a = new float[pair.InputSize * rank];
            for (var i = 0; i < a.Length; i++)
                a[i] = (float)((random.NextDouble() * 2 - 1) * bound);
            TensorData.Write(pair.A, a);
        }
    }

    /// <summary>The pair adapting this weight, or null when it is not a target.</summary>
    public Pair? Find(string weightName) => _pairs.GetValueOrDefault(weightName);

    /// <summary>The current factors, in the layout <see cref="LoraAdapterWriter"/> writes.</summary>
    public IReadOnlyList<LoraTensorPair> Export() =>
        _pairs.Values.Select(p => new LoraTensorPair(p.WeightName, Rank, TensorData.Read(p.A), TensorData.Read(p.B))).ToList();

    /// <summary>Bytes of the factors.</summary>
    public long SizeBytes => (long)NativeApi.ggml_backend_buffer_get_size(_buffer);

    private static ggml_tensor* Named(ggml_tensor* tensor, string name)
    {
        NativeApi.ggml_set_name(tensor, name);
        return tensor;
    }

    public void Dispose()
    {
        _buffer.Dispose();
        _ctx.Dispose();
    }
}
