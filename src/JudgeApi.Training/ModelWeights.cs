using System.IO.MemoryMappedFiles;
using JudgeApi.Llama.Gguf;
using JudgeApi.Llama.Native;

namespace JudgeApi.Training;

/// <summary>
/// The model's tensors on the compute backend. Frozen (LoRA training): in the type the file stores them, and on the
/// CPU backend used in place from the memory-mapped file, so the weights cost no process memory beyond the page cache
/// that llama.cpp's own mapping of the same file shares; BF16, for which ggml's CPU backend has no backward matmul
/// (out_prod), is widened to F32 in memory. Trainable (full-parameter training): every tensor as an F32 copy
/// (F16 and BF16 widened); quantized tensors are refused.
/// </summary>
internal sealed unsafe class ModelWeights : IDisposable
{
    private readonly List<IDisposable> _owned = [];
    private readonly Dictionary<string, IntPtr> _tensors = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    private ModelWeights() { }

    /// <summary>Bytes of the tensors copied into backend memory.</summary>
    public long CopiedBytes { get; private set; }

    /// <summary>Bytes of the tensors used in place from the mapped file.</summary>
    public long MappedBytes { get; private set; }

    /// <summary>Every tensor by name, in file order.</summary>
    public IEnumerable<KeyValuePair<string, IntPtr>> All => _tensors;

    public static ModelWeights Load(GgufModelFiles model, SafeGgmlBackendHandle backend, bool trainable, bool inPlace)
    {
        if (trainable && model.Tensors.FirstOrDefault(t => !IsFloat(t.Info.Type)) is { } quantized)
            throw new TrainingModelException(
                $"Full-parameter training needs F32, F16 or BF16 weights, but '{quantized.Name}' is {quantized.Info.Type}; " +
                "train on the unquantized model (and quantize the result), or train a LoRA adapter on this one.");

        var weights = new ModelWeights();
        try
        {
            var mapped = inPlace && !trainable ? model.Tensors.Where(t => t.Info.Type != GgmlType.BF16).ToList() : [];
            var copied = model.Tensors.Except(mapped).ToList();
            weights.MapInPlace(mapped);
            weights.Copy(copied, backend, trainable);
        }
        catch
        {
            weights.Dispose();
            throw;
        }
        return weights;
    }

    /// <summary>The named tensor; throws naming it when the model lacks it.</summary>
    public ggml_tensor* Get(string name)
    {
        var tensor = Find(name);
        return tensor != null ? tensor : throw new TrainingModelException($"The model has no tensor '{name}'.");
    }

    /// <summary>The named tensor, or null when the model does not have it (optional tensors such as biases).</summary>
    public ggml_tensor* Find(string name)
    {
        if (!_tensors.TryGetValue(name, out var t))
            return null;
        _used.Add(name);
        return (ggml_tensor*)t;
    }

    /// <summary>Tensors no graph has asked for yet: after a graph is built, what it leaves out of the model.</summary>
    public IEnumerable<string> Unused => _tensors.Keys.Where(name => !_used.Contains(name));

    private static bool IsFloat(GgmlType type) => type is GgmlType.F32 or GgmlType.F16 or GgmlType.BF16;

    /// <summary>Points tensors at their bytes in the mapped files (one CPU buffer over each file's data section).</summary>
    private void MapInPlace(List<GgufModelTensor> tensors)
    {
        if (tensors.Count == 0)
            return;
        var ctx = Own(NewContext(tensors.Count));
        foreach (var byFile in tensors.GroupBy(t => t.File))
        {
            var file = byFile.Key;
            var length = new FileInfo(file.Path).Length;
            var mapping = Own(MemoryMappedFile.CreateFromFile(file.Path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read));
            var view = Own(mapping.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read));
            byte* basePtr = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref basePtr);
            Own(new PointerRelease(view));
            var data = basePtr + view.PointerOffset + file.DataOffset;
            var buffer = Own(SafeGgmlBackendBufferHandle.FromHostMemory(data, (nuint)(length - file.DataOffset)));
            foreach (var tensor in byFile)
            {
                CheckInside(tensor, length);
                var t = NewTensor(ctx, tensor.Info, tensor.Info.Type);
                if (NativeApi.ggml_backend_tensor_alloc(buffer, t, data + tensor.Info.Offset) != 0)
                    throw new TrainingModelException($"ggml could not place tensor '{tensor.Name}' in the mapped file.");
                MappedBytes += tensor.Info.SizeBytes;
                _tensors[tensor.Name] = (IntPtr)t;
            }
        }
    }

    /// <summary>Copies tensors into one backend buffer: as stored, or as F32 when widened or trained.</summary>
    private void Copy(List<GgufModelTensor> tensors, SafeGgmlBackendHandle backend, bool asF32)
    {
        if (tensors.Count == 0)
            return;
        var ctx = Own(NewContext(tensors.Count));
        var created = tensors.Select(t => (Source: t, Tensor: (IntPtr)NewTensor(ctx, t.Info, asF32 || t.Info.Type == GgmlType.BF16 ? GgmlType.F32 : t.Info.Type))).ToList();
        var buffer = Own(SafeGgmlBackendBufferHandle.AllocateContextTensors(ctx, backend));
        CopiedBytes += (long)NativeApi.ggml_backend_buffer_get_size(buffer);
        foreach (var byFile in created.GroupBy(c => c.Source.File))
        {
            var length = new FileInfo(byFile.Key.Path).Length;
            using var mapping = MemoryMappedFile.CreateFromFile(byFile.Key.Path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
            using var view = mapping.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* basePtr = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref basePtr);
            try
            {
                foreach (var (source, tensor) in byFile)
                {
                    CheckInside(source, length);
                    var src = basePtr + view.PointerOffset + source.FileOffset;
                    var t = (ggml_tensor*)tensor;
                    if (t->type == source.Info.Type)
                        NativeApi.ggml_backend_tensor_set(t, src, 0, (nuint)source.Info.SizeBytes);
                    else
                        SetWidened(t, src, source.Info.Type);
                    _tensors[source.Name] = tensor;
                }
            }
            finally
            {
                view.SafeMemoryMappedViewHandle.ReleasePointer();
            }
        }
    }

    private static void CheckInside(GgufModelTensor tensor, long fileLength)
    {
        if (tensor.Info.Offset < 0 || tensor.FileOffset + tensor.Info.SizeBytes > fileLength)
            throw new TrainingModelException($"Tensor '{tensor.Name}' lies outside '{tensor.File.Path}'; the model file is truncated or corrupt.");
    }

    private static SafeGgmlContextHandle NewContext(int tensors) =>
        SafeGgmlContextHandle.Create((ulong)((long)NativeApi.ggml_tensor_overhead() * (tensors + 1)), noAlloc: true);

    private static ggml_tensor* NewTensor(SafeGgmlContextHandle ctx, GgufTensorInfo info, GgmlType type)
    {
        var ne = stackalloc long[ggml_tensor.GGML_MAX_DIMS];
        for (var d = 0; d < info.Shape.Length; d++)
            ne[d] = info.Shape[d];
        var tensor = NativeApi.ggml_new_tensor(ctx, type, info.Shape.Length, ne);
        NativeApi.ggml_set_name(tensor, info.Name);
        return tensor;
    }

    /// <summary>F16 or BF16 data into an F32 tensor, a chunk at a time.</summary>
    private static void SetWidened(ggml_tensor* tensor, byte* src, GgmlType sourceType)
    {
        const int chunk = 1 << 16;
        var count = NativeApi.ggml_nelements(tensor);
        var floats = new float[chunk];
        fixed (float* p = floats)
        {
            for (long i = 0; i < count; i += chunk)
            {
                var n = Math.Min(chunk, count - i);
                var from = src + i * sizeof(ushort);
                if (sourceType == GgmlType.F16)
                    NativeApi.ggml_fp16_to_fp32_row(from, p, n);
                else
                    NativeApi.ggml_bf16_to_fp32_row(from, p, n);
                NativeApi.ggml_backend_tensor_set(tensor, p, (nuint)(i * sizeof(float)), (nuint)(n * sizeof(float)));
            }
        }
    }

    private T Own<T>(T resource) where T : IDisposable
    {
        _owned.Add(resource);
        return resource;
    }

    /// <summary>Releases a view's acquired pointer when disposed (before the view itself).</summary>
    private sealed class PointerRelease(MemoryMappedViewAccessor view) : IDisposable
    {
        public void Dispose() => view.SafeMemoryMappedViewHandle.ReleasePointer();
    }

    public void Dispose()
    {
        // buffers before the mappings they point into, pointers before their views
        for (var i = _owned.Count - 1; i >= 0; i--)
            _owned[i].Dispose();
        _owned.Clear();
    }
}
