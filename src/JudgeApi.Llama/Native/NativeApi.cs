namespace JudgeApi.Llama.Native;

/// <summary>
/// Raw imports of the llama.cpp v0.5.0 C API, split by area into partial files (NativeApi.Load.cs, …).
/// Library names are logical; <see cref="LlamaRuntime"/> maps them to the files of the selected backend.
/// </summary>
internal static partial class NativeApi
{
    internal const string Llama = "llama";
    internal const string Ggml = "ggml";
    internal const string GgmlBase = "ggml-base";
}
