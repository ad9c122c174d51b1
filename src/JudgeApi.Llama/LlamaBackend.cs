namespace JudgeApi.Llama;

/// <summary>Which native llama.cpp build the process loads (the build copies each to native/&lt;name&gt;).</summary>
public enum LlamaBackend
{
    Cpu,
    Cuda,
}
