using System.Text;

namespace JudgeApi.Tests.Fuzz;

/// <summary>
/// Where each field of a (well-formed) GGUF file sits, so tests can craft broken copies byte by byte: the header
/// counts, each key's name, type and value, each tensor's name, dimensions, type and offset, and the data section.
/// </summary>
internal sealed class GgufLayout
{
    public const int VersionAt = 4, TensorCountAt = 8, KeyCountAt = 16;

    public sealed record Key(string Name, long NameLengthAt, long TypeAt, long ValueAt, uint Type);

    public sealed record Tensor(string Name, long NameLengthAt, long DimsAt, long[] DimAt, long TypeAt, long OffsetAt, long DataOffset);

    public required byte[] Bytes { get; init; }
    public required IReadOnlyList<Key> Keys { get; init; }
    public required IReadOnlyList<Tensor> Tensors { get; init; }
    public required long DataStart { get; init; }

    public Key KeyNamed(string name) => Keys.Single(k => k.Name == name);

    public Tensor TensorNamed(string name) => Tensors.Single(t => t.Name == name);

    public static GgufLayout Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var at = 24L;
        long tensorCount = BitConverter.ToInt64(bytes, TensorCountAt), keyCount = BitConverter.ToInt64(bytes, KeyCountAt);
        var keys = new List<Key>();
        long alignment = 32;
        for (var i = 0; i < keyCount; i++)
        {
            var nameAt = at;
            var name = ReadString(bytes, ref at);
            var type = BitConverter.ToUInt32(bytes, (int)at);
            keys.Add(new Key(name, nameAt, at, at + 4, type));
            at += 4;
            if (name == "general.alignment")
                alignment = BitConverter.ToUInt32(bytes, (int)at);
            SkipValue(bytes, ref at, type);
        }
        var tensors = new List<Tensor>();
        for (var i = 0; i < tensorCount; i++)
        {
            var nameAt = at;
            var name = ReadString(bytes, ref at);
            var dimsAt = at;
            var dims = BitConverter.ToUInt32(bytes, (int)at);
            at += 4;
            var dimAt = Enumerable.Range(0, (int)dims).Select(d => at + 8L * d).ToArray();
            at += 8L * dims;
            var typeAt = at;
            at += 4;
            tensors.Add(new Tensor(name, nameAt, dimsAt, dimAt, typeAt, at, BitConverter.ToInt64(bytes, (int)at)));
            at += 8;
        }
        var dataStart = (at + alignment - 1) / alignment * alignment;
        return new GgufLayout { Bytes = bytes, Keys = keys, Tensors = tensors, DataStart = dataStart };
    }

    private static string ReadString(byte[] bytes, ref long at)
    {
        var length = BitConverter.ToInt64(bytes, (int)at);
        var text = Encoding.UTF8.GetString(bytes, (int)at + 8, (int)length);
        at += 8 + length;
        return text;
    }

    private static void SkipValue(byte[] bytes, ref long at, uint type)
    {
        switch (type)
        {
            case 0 or 1 or 7: at += 1; break;
            case 2 or 3: at += 2; break;
            case 4 or 5 or 6: at += 4; break;
            case 10 or 11 or 12: at += 8; break;
            case 8: ReadString(bytes, ref at); break;
            case 9:
                var elementType = BitConverter.ToUInt32(bytes, (int)at);
                var count = BitConverter.ToInt64(bytes, (int)at + 4);
                at += 12;
                for (long i = 0; i < count; i++)
                    SkipValue(bytes, ref at, elementType);
                break;
            default: throw new InvalidDataException($"GGUF type {type}");
        }
    }

    /// <summary>A copy of the bytes with <paramref name="value"/> written at <paramref name="offset"/>.</summary>
    public byte[] With(long offset, ReadOnlySpan<byte> value)
    {
        var copy = (byte[])Bytes.Clone();
        value.CopyTo(copy.AsSpan((int)offset));
        return copy;
    }

    public byte[] With(long offset, long value) => With(offset, BitConverter.GetBytes(value));

    public byte[] With(long offset, uint value) => With(offset, BitConverter.GetBytes(value));

    public byte[] With(long offset, float value) => With(offset, BitConverter.GetBytes(value));
}
