using JudgeApi.Llama.Native;

namespace JudgeApi.Llama.Gguf;

/// <summary>
/// One entry of a GGUF tensor directory. Shape is ggml's ne (innermost first: a weight [n_in, n_out]
/// has rows of n_in), without trailing dimensions of 1. Offset is relative to <see cref="GgufFile.DataOffset"/>.
/// </summary>
public sealed record GgufTensorInfo(string Name, GgmlType Type, long[] Shape, long Offset, long SizeBytes)
{
    public long ElementCount => Shape.Aggregate(1L, (n, d) => n * d);
}
