using System.IO.MemoryMappedFiles;
using JudgeApi.Llama.Gguf;
using JudgeApi.Llama.Native;

namespace JudgeApi.Training;

/// <summary>
/// The base model's tensors on the compute backend, frozen, in the type the file stores them. BF16, for which
/// ggml's CPU backend has no backward matmul (out_prod), is widened to F32 on load.
/// </summary>
internal sealed unsafe class FrozenBaseWeights : IDisposable
{
    private readonly SafeGgmlContextHandle _ctx;
    private readonly SafeGgmlBackendBufferHandle _buffer;
    private readonly Dictionary<string, IntPtr> _tensors = new(StringComparer.Ordinal);

    private FrozenBaseWeights(SafeGgmlContextHandle ctx, SafeGgmlBackendBufferHandle buffer)
    {
        _ctx = ctx;
        _buffer = buffer;
    }

    /// <summary>Bytes the tensors occupy on the backend.</summary>
    public long SizeBytes => (long)NativeApi.ggml_backend_buffer_get_size(_buffer);

    public static FrozenBaseWeights Load(string path, GgufFile gguf, SafeGgmlBackendHandle backend)
    {
        var infos = gguf.Tensors;
        var ctx = SafeGgmlContextHandle.Create((ulong)((long)NativeApi.ggml_tensor_overhead() * (infos.Count + 1)), noAlloc: true);
        var created = new List<(GgufTensorInfo Info, IntPtr Tensor)>(infos.Count);
        var ne = stackalloc long[ggml_tensor.GGML_MAX_DIMS];
        foreach (var info in infos)
        {
            var type = info.Type == GgmlType.BF16 ? GgmlType.F32 : info.Type;
            for (var d = 0; d < info.Shape.Length; d++)
                ne[d] = info.Shape[d];
            var tensor = NativeApi.ggml_new_tensor(ctx, type, info.Shape.Length, ne);
            NativeApi.ggml_set_name(tensor, info.Name);
            created.Add((info, (IntPtr)tensor));
        }

        var weights = new FrozenBaseWeights(ctx, SafeGgmlBackendBufferHandle.AllocateContextTensors(ctx, backend));
        try
        {
            using var file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
            using var view = file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* basePtr = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref basePtr);
            try
            {
                var fileLength = new FileInfo(path).Length;
                foreach (var (info, tensor) in created)
                {
                    var start = gguf.DataOffset + info.Offset;
                    if (start < 0 || start + info.SizeBytes > fileLength)
                        throw new TrainingModelException($"Tensor '{info.Name}' lies outside the file; the model file is truncated or corrupt.");
                    var src = basePtr + view.PointerOffset + start;
                    var t = (ggml_tensor*)tensor;
                    if (info.Type == GgmlType.BF16)
                        SetWidenedBf16(t, (ushort*)src, NativeApi.ggml_nelements(t));
                    else
                        NativeApi.ggml_backend_tensor_set(t, src, 0, (nuint)info.SizeBytes);
                    weights._tensors[info.Name] = tensor;
                }
            }
            finally
            {
                view.SafeMemoryMappedViewHandle.ReleasePointer();
            }
        }
        catch
        {
            weights.Dispose();
            throw;
        }
        return weights;
    }

    /// <summary>The named tensor; throws naming it when the model lacks it.</summary>
    public ggml_tensor* Get(string name) =>
        _tensors.TryGetValue(name, out var t) ? (ggml_tensor*)t : throw new TrainingModelException($"The model has no tensor '{name}'.");

    /// <summary>The named tensor, or null when the model does not have it (optional tensors such as biases).</summary>
    public ggml_tensor* Find(string name) => _tensors.TryGetValue(name, out var t) ? (ggml_tensor*)t : null;

    private static void SetWidenedBf16(ggml_tensor* tensor, ushort* src, long count)
    {
        const int chunk = 1 << 16;
        var floats = new float[chunk];
        for (long i = 0; i < count; i += chunk)
        {
            var n = (int)Math.Min(chunk, count - i);
            for (var j = 0; j < n; j++)
                floats[j] = BitConverter.Int32BitsToSingle(src[i + j] << 16);
            fixed (float* p = floats)
                NativeApi.ggml_backend_tensor_set(tensor, p, (nuint)(i * sizeof(float)), (nuint)(n * sizeof(float)));
        }
    }

    public void Dispose()
    {
        _buffer.Dispose();
        _ctx.Dispose();
    }
}
