using System.Buffers.Binary;
using JudgeApi.Llama.Native;

namespace JudgeApi.Llama.Gguf;

/// <summary>Reads a tensor's stored numbers without loading the tensor: whether they are all finite.</summary>
public static class TensorNumbers
{
    /// <summary>Q8_0 stores blocks of an F16 scale and 32 signed bytes; only the scale can be non-finite.</summary>
    private const int Q8Block = 2 + 32, Q8Values = 32;

    /// <summary>Types whose values <see cref="FirstNonFinite"/> reads.</summary>
    public static bool CanCheck(GgmlType type) => type is GgmlType.F32 or GgmlType.F16 or GgmlType.BF16 or GgmlType.Q8_0;

    /// <summary>
    /// The index of the first element that is NaN or infinite, or null when all are finite, reading
    /// <see cref="GgufTensorInfo.SizeBytes"/> bytes of <paramref name="tensor"/>'s data from <paramref name="data"/>'s position.
    /// </summary>
    public static long? FirstNonFinite(Stream data, GgufTensorInfo tensor)
    {
        if (!CanCheck(tensor.Type))
            throw new ArgumentException($"The values of {tensor.Type} tensors are not read here.", nameof(tensor));
        var unit = tensor.Type switch { GgmlType.F32 => 4, GgmlType.Q8_0 => Q8Block, _ => 2 };
        var buffer = new byte[unit * 4096];
        long element = 0;
        for (var remaining = tensor.SizeBytes; remaining > 0;)
        {
            // The buffer holds whole units; a tensor's size is a whole number of them (a stray tail is not a value).
            var chunk = (int)Math.Min(buffer.Length, remaining);
            try
            {
                data.ReadExactly(buffer, 0, chunk);
            }
            catch (EndOfStreamException e)
            {
                throw new LlamaModelLoadException($"The data of tensor '{tensor.Name}' runs past the end of the file.", e);
            }
            remaining -= chunk;
            for (var offset = 0; offset + unit <= chunk; offset += unit)
            {
                var value = buffer.AsSpan(offset);
                var finite = tensor.Type switch
                {
                    GgmlType.F32 => float.IsFinite(BinaryPrimitives.ReadSingleLittleEndian(value)),
                    GgmlType.BF16 => float.IsFinite(BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(value) << 16)),
                    _ => Half.IsFinite(BinaryPrimitives.ReadHalfLittleEndian(value)),
                };
                if (!finite)
                    return element;
                element += tensor.Type == GgmlType.Q8_0 ? Q8Values : 1;
            }
        }
        return null;
    }
}
