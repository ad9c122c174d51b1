using System.Runtime.InteropServices;
using JudgeApi.Llama.Native;

namespace JudgeApi.Llama.Gguf;

/// <summary>Writes F32 values as GGUF tensor data of type F32 or F16 (with ggml's own conversion).</summary>
internal static class FloatTensorEncoding
{
    /// <summary>The type a tensor is written in for a file of <paramref name="fileType"/>: 1-D tensors (norms, biases) stay F32, as converted models keep them.</summary>
    public static GgmlType TypeFor(int dimensions, GgmlType fileType) => dimensions == 1 ? GgmlType.F32 : fileType;

    public static unsafe void Write(Stream stream, ReadOnlySpan<float> values, GgmlType type)
    {
        if (type == GgmlType.F32)
        {
            stream.Write(MemoryMarshal.AsBytes(values));
            return;
        }
        if (type != GgmlType.F16)
            throw new ArgumentOutOfRangeException(nameof(type), type, "Only F32 and F16 are written directly.");
        var halves = new ushort[values.Length];
        fixed (float* from = values)
        fixed (ushort* to = halves)
            NativeApi.ggml_fp32_to_fp16_row(from, to, values.Length);
        stream.Write(MemoryMarshal.AsBytes(halves.AsSpan()));
    }
}
