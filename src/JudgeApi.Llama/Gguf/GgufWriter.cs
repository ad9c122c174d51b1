using System.Runtime.InteropServices;
using System.Text;
using JudgeApi.Llama.IO;
using JudgeApi.Llama.Native;

namespace JudgeApi.Llama.Gguf;

/// <summary>
/// Builds a GGUF file: metadata and tensor directory through the gguf API, tensor data streamed from
/// .NET (so a multi-GB model never sits in memory). Every argument is validated before it reaches
/// gguf, which aborts the process on duplicates and bad shapes. The file appears atomically: it is
/// written under a temporary name, flushed to disk and renamed.
/// </summary>
internal sealed class GgufWriter : IDisposable
{
    private readonly SafeGgufContextHandle _gguf;
    private readonly SafeGgmlContextHandle _descriptors;
    private readonly int _maxTensors;
    private readonly List<PendingTensor> _tensors = [];
    private readonly HashSet<string> _tensorNames = new(StringComparer.Ordinal);

    private sealed record PendingTensor(string Name, long SizeBytes, Action<Stream> WriteData);

    /// <param name="maxTensors">Upper bound on <see cref="AddTensor"/> calls (sizes the descriptor context).</param>
    public GgufWriter(int maxTensors)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxTensors);
        LlamaRuntime.EnsureInitialized();

        _maxTensors = maxTensors;
        _gguf = SafeGgufContextHandle.FromRaw(NativeApi.gguf_init_empty());
        if (_gguf.IsInvalid)
            throw new LlamaException("gguf_init_empty failed (out of memory).");
        _descriptors = SafeGgmlContextHandle.Create((ulong)(Math.Max(1, maxTensors) * (long)NativeApi.ggml_tensor_overhead()), noAlloc: true);
    }

    public void SetString(string key, string value) => NativeApi.gguf_set_val_str(_gguf, CheckKey(key), value);

    public void SetUInt16(string key, ushort value) => NativeApi.gguf_set_val_u16(_gguf, CheckKey(key), value);

    public void SetUInt32(string key, uint value) => NativeApi.gguf_set_val_u32(_gguf, CheckKey(key), value);

    public void SetInt32(string key, int value) => NativeApi.gguf_set_val_i32(_gguf, CheckKey(key), value);

    public void SetFloat(string key, float value) => NativeApi.gguf_set_val_f32(_gguf, CheckKey(key), value);

    public void SetBool(string key, bool value) => NativeApi.gguf_set_val_bool(_gguf, CheckKey(key), value);

    public unsafe void SetInt32Array(string key, ReadOnlySpan<int> values)
    {
        fixed (int* p = values)
            NativeApi.gguf_set_arr_data(_gguf, CheckKey(key), GgufType.Int32, p, (nuint)values.Length);
    }

    public unsafe void SetFloatArray(string key, ReadOnlySpan<float> values)
    {
        fixed (float* p = values)
            NativeApi.gguf_set_arr_data(_gguf, CheckKey(key), GgufType.Float32, p, (nuint)values.Length);
    }

    public unsafe void SetStringArray(string key, IReadOnlyList<string> values)
    {
        CheckKey(key);
        var pointers = new IntPtr[values.Count];
        try
        {
            for (var i = 0; i < values.Count; i++)
                pointers[i] = Marshal.StringToCoTaskMemUTF8(values[i]);
            fixed (IntPtr* p = pointers)
                NativeApi.gguf_set_arr_str(_gguf, key, p, (nuint)pointers.Length);
        }
        finally
        {
            foreach (var p in pointers)
                Marshal.FreeCoTaskMem(p);
        }
    }

    /// <summary>Copies every key/value pair of another file (overwriting keys already set).</summary>
    public void CopyMetadata(GgufFile source) => NativeApi.gguf_set_kv(_gguf, source.Handle);

    public void RemoveKey(string key) => NativeApi.gguf_remove_key(_gguf, CheckKey(key));

    /// <summary>
    /// Adds a tensor of ggml shape ne (innermost first). writeData is called once, in directory order, while
    /// the file is written, and must write exactly the tensor's byte size.
    /// </summary>
    public unsafe void AddTensor(string name, GgmlType type, ReadOnlySpan<long> shape, Action<Stream> writeData)
    {
        ArgumentNullException.ThrowIfNull(writeData);
        if (_tensors.Count >= _maxTensors)
            throw new InvalidOperationException($"This writer was sized for {_maxTensors} tensors.");
        if (string.IsNullOrEmpty(name) || Encoding.UTF8.GetByteCount(name) >= ggml_tensor.GGML_MAX_NAME)
            throw new ArgumentException($"Tensor name '{name}' must be 1 to {ggml_tensor.GGML_MAX_NAME - 1} UTF-8 bytes.", nameof(name));
        if (!_tensorNames.Add(name))
            throw new ArgumentException($"Tensor '{name}' was already added.", nameof(name));
        if (shape.Length is < 1 or > ggml_tensor.GGML_MAX_DIMS)
            throw new ArgumentException($"Tensor '{name}' has {shape.Length} dimensions; ggml supports 1 to {ggml_tensor.GGML_MAX_DIMS}.", nameof(shape));
        foreach (var d in shape)
        {
            if (d <= 0)
                throw new ArgumentException($"Tensor '{name}' has a non-positive dimension ({d}).", nameof(shape));
        }
        var blockSize = NativeApi.ggml_blck_size(type);
        if (shape[0] % blockSize != 0)
            throw new ArgumentException($"Tensor '{name}': row length {shape[0]} is not a multiple of the {type} block size {blockSize}.", nameof(shape));

        ggml_tensor* tensor;
        fixed (long* ne = shape)
            tensor = NativeApi.ggml_new_tensor(_descriptors, type, shape.Length, ne);
        if (tensor == null)
            throw new LlamaException($"ggml_new_tensor failed for '{name}'.");
        NativeApi.ggml_set_name(tensor, name);
        NativeApi.gguf_add_tensor(_gguf, tensor);
        _tensors.Add(new PendingTensor(name, (long)NativeApi.ggml_nbytes(tensor), writeData));
    }

    /// <summary>Writes the file atomically (<see cref="AtomicFile"/>): a crash leaves the old file or the whole new one.</summary>
    public unsafe void WriteFile(string path)
    {
        var fullPath = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        var meta = new byte[(int)NativeApi.gguf_get_meta_size(_gguf)];
        fixed (byte* p = meta)
            NativeApi.gguf_get_meta_data(_gguf, p);
        var alignment = (long)NativeApi.gguf_get_alignment(_gguf);
        AtomicFile.Write(fullPath, file =>
        {
            file.Write(meta);
            var dataStart = file.Position;
            foreach (var tensor in _tensors)
            {
                var start = file.Position;
                tensor.WriteData(file);
                var written = file.Position - start;
                if (written != tensor.SizeBytes)
                    throw new InvalidOperationException($"Tensor '{tensor.Name}' wrote {written} bytes, expected {tensor.SizeBytes}.");
                var padding = (int)((alignment - (file.Position - dataStart) % alignment) % alignment);
                file.Write(new byte[padding]);
            }
        });
    }

    public void Dispose()
    {
        _gguf.Dispose();
        _descriptors.Dispose();
    }

    private static string CheckKey(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        // gguf aborts the process when this key is set with any type but u32; the writer keeps the default alignment
        if (key == "general.alignment")
            throw new ArgumentException("general.alignment is managed by gguf; do not set it.", nameof(key));
        return key;
    }
}
