using System.Runtime.InteropServices;
using JudgeApi.Llama.Gguf;
using JudgeApi.Llama.Native;

namespace JudgeApi.Training.Tests;

/// <summary>Writes an F32 copy of a Q8_0 model whose weights are exactly the dequantized Q8_0 values.</summary>
internal static class Q8Dequantizer
{
    private const int BlockValues = 32;
    private const int BlockBytes = 2 + BlockValues; // fp16 scale d, then 32 int8 q; value = d * q

    public static void WriteF32Copy(string q8Path, string f32Path)
    {
        using var source = GgufFile.Open(q8Path);
        var bytes = File.ReadAllBytes(q8Path);
        using var writer = new GgufWriter(source.Tensors.Count);
        writer.CopyMetadata(source);
        writer.SetUInt32("general.file_type", 0); // LLAMA_FTYPE_ALL_F32
        foreach (var tensor in source.Tensors)
        {
            var data = bytes.AsMemory((int)(source.DataOffset + tensor.Offset), (int)tensor.SizeBytes);
            if (tensor.Type == GgmlType.F32)
                writer.AddTensor(tensor.Name, GgmlType.F32, tensor.Shape, s => s.Write(data.Span));
            else if (tensor.Type == GgmlType.Q8_0)
                writer.AddTensor(tensor.Name, GgmlType.F32, tensor.Shape, s => s.Write(MemoryMarshal.AsBytes(Dequantize(data.Span).AsSpan())));
            else
                throw new InvalidDataException($"{tensor.Name} is {tensor.Type}; only F32 and Q8_0 tensors are expected.");
        }
        writer.WriteFile(f32Path);
    }

    private static float[] Dequantize(ReadOnlySpan<byte> blocks)
    {
        var values = new float[blocks.Length / BlockBytes * BlockValues];
        for (var b = 0; b * BlockBytes < blocks.Length; b++)
        {
            var block = blocks.Slice(b * BlockBytes, BlockBytes);
            var d = (float)BitConverter.ToHalf(block);
            for (var i = 0; i < BlockValues; i++)
                values[b * BlockValues + i] = d * (sbyte)block[2 + i];
        }
        return values;
    }
}
