namespace JudgeApi.Llama.Gguf;

/// <summary>
/// The LoRA factors of one base weight W (ggml shape [n_in, n_out], i.e. n_out rows of n_in):
/// A holds Rank rows of n_in (A[j * n_in + i]), B holds n_out rows of Rank (B[o * Rank + j]);
/// the adapted weight is W + (alpha / Rank) * scale * B·A.
/// </summary>
public sealed record LoraTensorPair(string WeightName, int Rank, float[] A, float[] B);
