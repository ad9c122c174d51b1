namespace JudgeApi.Llama;

/// <summary>Severity of a llama.cpp / ggml log line (enum ggml_log_level without NONE and CONT).</summary>
public enum LlamaLogLevel
{
    Debug = 1,
    Info = 2,
    Warning = 3,
    Error = 4,
}
