using System.Runtime.InteropServices;
using JudgeApi.Llama.Native;

namespace JudgeApi.Llama.Gguf;

/// <summary>
/// The metadata and tensor directory of a GGUF file (no tensor data is loaded). Values are read on
/// demand from the native context; every getter checks the stored type first, because the native
/// getters abort the process on a type mismatch.
/// </summary>
public sealed class GgufFile : IDisposable
{
    private readonly SafeGgufContextHandle _handle;
    private readonly Dictionary<string, long> _keyIds;
    private readonly Dictionary<string, GgufTensorInfo> _tensorsByName;

    private GgufFile(string path, SafeGgufContextHandle handle)
    {
        Path = path;
        _handle = handle;
        Version = NativeApi.gguf_get_version(handle);
        DataOffset = (long)NativeApi.gguf_get_data_offset(handle);
        Alignment = (long)NativeApi.gguf_get_alignment(handle);

        var keys = new string[NativeApi.gguf_get_n_kv(handle)];
        _keyIds = new Dictionary<string, long>(keys.Length, StringComparer.Ordinal);
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = Utf8(NativeApi.gguf_get_key(handle, i));
            _keyIds[keys[i]] = i;
        }
        Keys = keys;

        Tensors = ReadTensorDirectory(handle);
        _tensorsByName = Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        Architecture = TryGetString("general.architecture", out var arch) ? arch : null;
    }

    /// <summary>Opens a GGUF file; throws <see cref="LlamaModelLoadException"/> when it is missing, not GGUF or corrupt.</summary>
    public static GgufFile Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fullPath = System.IO.Path.GetFullPath(path);
        LlamaRuntime.EnsureInitialized();
        CheckHeader(fullPath);

        LlamaLog.BeginCapture();
        var raw = NativeApi.gguf_init_from_file(fullPath, new gguf_init_params { no_alloc = true, ctx = IntPtr.Zero });
        if (raw == IntPtr.Zero)
            throw new LlamaModelLoadException(
                $"'{fullPath}' has a GGUF header but its metadata or tensor directory is corrupt or truncated: " +
                $"{LlamaLog.TakeErrors("gguf gave no reason")}. Re-download or regenerate the file.");
        return new GgufFile(fullPath, SafeGgufContextHandle.FromRaw(raw));
    }

    /// <summary>Full path of the file.</summary>
    public string Path { get; }

    /// <summary>GGUF format version (3 for current files).</summary>
    public uint Version { get; }

    /// <summary>general.architecture, or null when the file has none (a vocab-only or foreign file).</summary>
    public string? Architecture { get; }

    /// <summary>File offset where the tensor data starts; tensor offsets are relative to it.</summary>
    public long DataOffset { get; }

    /// <summary>Alignment of each tensor's data within the data section.</summary>
    public long Alignment { get; }

    /// <summary>Every metadata key, in file order.</summary>
    public IReadOnlyList<string> Keys { get; }

    /// <summary>Tensor directory, in file order.</summary>
    public IReadOnlyList<GgufTensorInfo> Tensors { get; }

    internal SafeGgufContextHandle Handle => _handle;

    /// <summary>Stored type of a key (<see cref="GgufType.Array"/> for arrays), or null when absent.</summary>
    public GgufType? GetValueType(string key) =>
        _keyIds.TryGetValue(key, out var id) ? NativeApi.gguf_get_kv_type(_handle, id) : null;

    /// <summary>Element type of an array key, or null when the key is absent or not an array.</summary>
    public GgufType? GetArrayElementType(string key) =>
        _keyIds.TryGetValue(key, out var id) && NativeApi.gguf_get_kv_type(_handle, id) == GgufType.Array
            ? NativeApi.gguf_get_arr_type(_handle, id)
            : null;

    public GgufTensorInfo? FindTensor(string name) => _tensorsByName.GetValueOrDefault(name);

    /// <summary>Reads a tensor's raw data (in its stored type) from the file.</summary>
    public byte[] ReadTensorData(GgufTensorInfo tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (FindTensor(tensor.Name) != tensor)
            throw new ArgumentException($"Tensor '{tensor.Name}' is not from this file's directory.", nameof(tensor));

        var data = new byte[tensor.SizeBytes];
        using var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read);
        stream.Position = DataOffset + tensor.Offset;
        try
        {
            stream.ReadExactly(data);
        }
        catch (EndOfStreamException e)
        {
            throw new LlamaModelLoadException($"'{Path}' is truncated: the data of tensor '{tensor.Name}' runs past the end of the file.", e);
        }
        return data;
    }

    // The Try* readers return false when the key is absent or stored with another type.

    public bool TryGetString(string key, out string value)
    {
        value = "";
        if (!TryGetId(key, GgufType.String, out var id))
            return false;
        value = Utf8(NativeApi.gguf_get_val_str(_handle, id));
        return true;
    }

    public bool TryGetUInt16(string key, out ushort value) => TryGetScalar(key, GgufType.UInt16, out value);

    public bool TryGetUInt32(string key, out uint value) => TryGetScalar(key, GgufType.UInt32, out value);

    public bool TryGetInt32(string key, out int value) => TryGetScalar(key, GgufType.Int32, out value);

    public bool TryGetUInt64(string key, out ulong value) => TryGetScalar(key, GgufType.UInt64, out value);

    public bool TryGetFloat(string key, out float value) => TryGetScalar(key, GgufType.Float32, out value);

    public bool TryGetBool(string key, out bool value)
    {
        value = false;
        if (!TryGetScalar(key, GgufType.Bool, out byte raw))
            return false;
        value = raw != 0;
        return true;
    }

    public bool TryGetStringArray(string key, out string[] values)
    {
        values = [];
        if (!TryGetArrayId(key, GgufType.String, out var id))
            return false;
        var n = NativeApi.gguf_get_arr_n(_handle, id);
        values = new string[(int)n];
        for (nuint i = 0; i < n; i++)
            values[i] = Utf8(NativeApi.gguf_get_arr_str(_handle, id, i));
        return true;
    }

    /// <summary>Reads a numeric array; T must match the stored element type (int for Int32, float for Float32, …).</summary>
    public unsafe bool TryGetArray<T>(string key, out T[] values) where T : unmanaged
    {
        values = [];
        if (!TryGetArrayId(key, GgufTypeOf<T>(), out var id))
            return false;
        var n = (int)NativeApi.gguf_get_arr_n(_handle, id);
        values = new ReadOnlySpan<T>((void*)NativeApi.gguf_get_arr_data(_handle, id), n).ToArray();
        return true;
    }

    public void Dispose() => _handle.Dispose();

    private unsafe bool TryGetScalar<T>(string key, GgufType type, out T value) where T : unmanaged
    {
        value = default;
        if (!TryGetId(key, type, out var id))
            return false;
        value = *(T*)NativeApi.gguf_get_val_data(_handle, id);
        return true;
    }

    private bool TryGetId(string key, GgufType type, out long id) =>
        _keyIds.TryGetValue(key, out id) && NativeApi.gguf_get_kv_type(_handle, id) == type;

    private bool TryGetArrayId(string key, GgufType elementType, out long id) =>
        TryGetId(key, GgufType.Array, out id) && NativeApi.gguf_get_arr_type(_handle, id) == elementType;

    private static GgufType GgufTypeOf<T>() => default(T) switch
    {
        byte => GgufType.UInt8,
        sbyte => GgufType.Int8,
        ushort => GgufType.UInt16,
        short => GgufType.Int16,
        uint => GgufType.UInt32,
        int => GgufType.Int32,
        float => GgufType.Float32,
        ulong => GgufType.UInt64,
        long => GgufType.Int64,
        double => GgufType.Float64,
        _ => throw new ArgumentException($"{typeof(T).Name} is not a GGUF array element type.", nameof(T)),
    };

    private static unsafe GgufTensorInfo[] ReadTensorDirectory(SafeGgufContextHandle handle)
    {
        var count = NativeApi.gguf_get_n_tensors(handle);
        var tensors = new GgufTensorInfo[count];
        for (long i = 0; i < count; i++)
        {
            var ne = NativeApi.gguf_get_tensor_ne(handle, i);
            // ne is always GGML_MAX_DIMS long; trailing 1s are not part of the stored shape (but ne[0] always is)
            var dims = ggml_tensor.GGML_MAX_DIMS;
            while (dims > 1 && ne[dims - 1] == 1)
                dims--;
            tensors[i] = new GgufTensorInfo(
                Utf8(NativeApi.gguf_get_tensor_name(handle, i)),
                NativeApi.gguf_get_tensor_type(handle, i),
                new ReadOnlySpan<long>(ne, dims).ToArray(),
                (long)NativeApi.gguf_get_tensor_offset(handle, i),
                (long)NativeApi.gguf_get_tensor_size(handle, i));
        }
        return tensors;
    }

    /// <summary>Checks what the native reader would otherwise only log, or choke on: existence, magic, and the header and directory's sizes.</summary>
    private static void CheckHeader(string path)
    {
        if (GgufMagic.Problem(path) is { } problem)
            throw new LlamaModelLoadException($"{problem} Point at a .gguf file converted for llama.cpp.");
    }

    private static string Utf8(IntPtr p) => Marshal.PtrToStringUTF8(p) ?? "";
}
