using System.Text;
using JudgeApi.Llama.Native;

namespace JudgeApi.Llama.Gguf;

/// <summary>
/// Walks a GGUF file's header, metadata and tensor directory in managed code before any native reader sees it, and
/// says what is wrong: every count, length, dimension, type and offset is checked against the bytes the file has and
/// against limits no real model reaches. The native reader checks much the same, but compares every key and tensor
/// name with all before it, so a crafted file with millions of tiny entries would hold it for hours; and a native
/// failure gives no reason a caller can show.
/// </summary>
internal static class GgufStructure
{
    /// <summary>Far above real files (a model has a few dozen keys and at most a few thousand tensors).</summary>
    public const long MaxKeys = 1 << 16, MaxTensors = 1 << 16;

    private const uint MinVersion = 2, MaxVersion = 3;
    private const int MaxDims = ggml_tensor.GGML_MAX_DIMS, MaxName = ggml_tensor.GGML_MAX_NAME;
    private const int TypeCount = 43; // GGML_TYPE_COUNT of the pinned ggml.h
    private const int MaxArrayNesting = 1;

    /// <summary>Key and tensor names are read into memory; real ones are a few dozen bytes.</summary>
    private const int MaxNameBytes = 4096;

    /// <summary>Null when the layout is sound, else the reason (the file is known to exist and start with the magic).</summary>
    public static string? Problem(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var reader = new Reader(stream);
        try
        {
            return Walk(reader);
        }
        catch (EndOfStreamException)
        {
            return $"it is truncated: it ends at byte {stream.Length}, inside its header or tensor directory";
        }
    }

    private static string? Walk(Reader r)
    {
        r.Skip(4);
        var version = r.U32();
        if (version is < MinVersion or > MaxVersion)
            return $"GGUF version {version} is not supported (only {MinVersion} and {MaxVersion})";
        var tensors = r.I64();
        var keys = r.I64();
        if (tensors is < 0 or > MaxTensors)
            return $"it declares {tensors} tensors; at most {MaxTensors} are accepted";
        if (keys is < 0 or > MaxKeys)
            return $"it declares {keys} metadata keys; at most {MaxKeys} are accepted";

        long alignment = 32;
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (long i = 0; i < keys; i++)
        {
            var key = r.String(out var tooLong);
            if (tooLong is not null)
                return $"metadata key {i} {tooLong}";
            if (key.Length == 0 || !names.Add(key))
                return key.Length == 0 ? $"metadata key {i} is empty" : $"metadata key '{key}' appears twice";
            var type = r.U32();
            if (key == "general.alignment")
            {
                if (type != (uint)GgufType.UInt32)
                    return "general.alignment is not a uint32";
                alignment = r.U32();
                if (alignment == 0 || (alignment & (alignment - 1)) != 0)
                    return $"general.alignment {alignment} is not a power of 2";
                continue;
            }
            if (SkipValue(r, type, 0) is { } bad)
                return $"metadata key '{key}' {bad}";
        }

        names.Clear();
        long expectedOffset = 0;
        for (long i = 0; i < tensors; i++)
        {
            var name = r.String(out var tooLong);
            if (tooLong is not null)
                return $"tensor {i}'s name {tooLong}";
            if (Encoding.UTF8.GetByteCount(name) >= MaxName || name.Length == 0)
                return $"tensor {i}'s name must be 1 to {MaxName - 1} bytes";
            if (!names.Add(name))
                return $"tensor '{name}' appears twice";
            var dims = r.U32();
            if (dims is 0 or > MaxDims)
                return $"tensor '{name}' has {dims} dimensions; ggml allows 1 to {MaxDims}";
            var shape = new long[dims];
            long elements = 1;
            for (var d = 0; d < dims; d++)
            {
                shape[d] = r.I64();
                if (shape[d] < 0)
                    return $"tensor '{name}' has a negative dimension ({shape[d]})";
                if (shape[d] > 0 && elements > long.MaxValue / shape[d])
                    return $"tensor '{name}' has more elements than a 64-bit count holds";
                elements *= shape[d];
            }
            var typeId = r.I32();
            if (typeId is < 0 or >= TypeCount || NativeApi.ggml_blck_size((GgmlType)typeId) is var block && block <= 0)
                return $"tensor '{name}' has type {typeId}, which is no ggml tensor type";
            var row = shape[0];
            if (row % block != 0)
                return $"tensor '{name}' has rows of {row} values, not a multiple of its type's block of {block}";
            var typeSize = (long)NativeApi.ggml_type_size((GgmlType)typeId);
            var blocks = elements / block;
            if (blocks > long.MaxValue / typeSize)
                return $"tensor '{name}' is larger than a 64-bit size";
            var offset = r.I64();
            if (offset != expectedOffset)
                return $"tensor '{name}' has data offset {offset}; tensors must follow each other, so it should be {expectedOffset}";
            var padded = Pad(blocks * typeSize, alignment);
            if (padded < 0 || expectedOffset > long.MaxValue - padded)
                return $"tensor '{name}' makes the data section larger than a 64-bit size";
            expectedOffset += padded;
        }
        return null;
    }

    /// <summary>Skips one value of type <paramref name="type"/>; the reason when it cannot be one.</summary>
    private static string? SkipValue(Reader r, uint type, int nesting)
    {
        if (type == (uint)GgufType.Array)
        {
            if (nesting >= MaxArrayNesting)
                return "holds an array of arrays";
            var elementType = r.U32();
            var count = r.I64();
            if (count < 0)
                return $"is an array of {count} elements";
            if (elementType == (uint)GgufType.String || elementType == (uint)GgufType.Array)
            {
                if (count > r.Remaining / 8)
                    return $"is an array of {count} elements, more than the file's remaining {r.Remaining} bytes can hold (is it truncated?)";
                for (long i = 0; i < count; i++)
                    if (SkipValue(r, elementType, nesting + 1) is { } bad)
                        return $"element {i} {bad}";
                return null;
            }
            if (ScalarSize(elementType) is not { } size)
                return $"is an array of the unknown type {elementType}";
            if (count > r.Remaining / size)
                return $"is an array of {count} elements, more than the file's remaining {r.Remaining} bytes can hold (is it truncated?)";
            r.Skip(count * size);
            return null;
        }
        if (type == (uint)GgufType.String)
        {
            r.String(out var tooLong, skip: true);
            return tooLong;
        }
        if (ScalarSize(type) is not { } scalar)
            return $"has the unknown type {type}";
        r.Skip(scalar);
        return null;
    }

    private static int? ScalarSize(uint type) => (GgufType)type switch
    {
        GgufType.UInt8 or GgufType.Int8 or GgufType.Bool => 1,
        GgufType.UInt16 or GgufType.Int16 => 2,
        GgufType.UInt32 or GgufType.Int32 or GgufType.Float32 => 4,
        GgufType.UInt64 or GgufType.Int64 or GgufType.Float64 => 8,
        _ => null,
    };

    private static long Pad(long size, long alignment) => size > long.MaxValue - alignment ? -1 : (size + alignment - 1) / alignment * alignment;

    /// <summary>Little-endian reads that never run past the end, and string lengths checked before anything is allocated.</summary>
    private sealed class Reader(Stream stream)
    {
        private readonly byte[] scratch = new byte[8];

        public long Remaining => stream.Length - stream.Position;

        public uint U32() => BitConverter.ToUInt32(Read(4));

        public int I32() => BitConverter.ToInt32(Read(4));

        public long I64() => BitConverter.ToInt64(Read(8));

        public void Skip(long count)
        {
            if (count > Remaining)
                throw new EndOfStreamException();
            stream.Seek(count, SeekOrigin.Current);
        }

        /// <summary>A length-prefixed UTF-8 string (a name unless <paramref name="skip"/>); <paramref name="problem"/> says why it cannot be one.</summary>
        public string String(out string? problem, bool skip = false)
        {
            var length = BitConverter.ToInt64(Read(8));
            problem = length < 0 || length > Remaining ? $"has a length of {length} bytes, more than the file's remaining {Remaining} (is it truncated?)"
                : !skip && length > MaxNameBytes ? $"is {length} bytes long; names are at most {MaxNameBytes}"
                : null;
            if (problem is not null)
                return "";
            if (skip)
            {
                Skip(length);
                return "";
            }
            var bytes = new byte[length];
            stream.ReadExactly(bytes);
            return Encoding.UTF8.GetString(bytes);
        }

        private ReadOnlySpan<byte> Read(int count)
        {
            stream.ReadExactly(scratch, 0, count);
            return scratch.AsSpan(0, count);
        }
    }
}
