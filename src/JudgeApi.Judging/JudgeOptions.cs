using System.ComponentModel.DataAnnotations;

namespace JudgeApi.Judging;

/// <summary>
/// The <c>Judge</c> configuration section: the model, how it is served, and where the service keeps its data
/// (defaults in appsettings.json). Relative paths are resolved against the content root when the options are bound.
/// </summary>
public sealed class JudgeOptions
{
    public const string Section = "Judge";

    /// <summary>GGUF judge model. Empty: a random-weight demo model is generated at <see cref="DemoModelPath"/>.</summary>
    public string? ModelPath { get; set; }

    /// <summary>Optional LoRA adapter (GGUF) applied to the model.</summary>
    public string? AdapterPath { get; set; }

    /// <summary>
    /// One of llama.cpp's built-in chat templates ("chatml", "llama3", "gemma", …) to render prompts with instead of
    /// the model's own, for a model whose template llama.cpp does not recognise. Empty: the model's own.
    /// </summary>
    public string? ChatTemplate { get; set; }

    /// <summary>Tokens a thinking model (its template has think tags and no switch to turn them off) may think before its answer.</summary>
    [Range(1, int.MaxValue, ErrorMessage = "must be at least 1")]
    public int MaxThinkingTokens { get; set; } = 2048;

    /// <summary>Where the demo model is written when <see cref="ModelPath"/> is empty.</summary>
    [Required(ErrorMessage = "must name a file")]
    public string DemoModelPath { get; set; } = "models/demo-tiny.gguf";

    /// <summary>The pipeline database and the adapter registry live here.</summary>
    [Required(ErrorMessage = "must name a directory")]
    public string DataDir { get; set; } = "data";

    /// <summary>Native build: Cpu or Cuda.</summary>
    [AllowedValues("Cpu", "Cuda", "cpu", "cuda", ErrorMessage = "must be Cpu or Cuda")]
    public string Backend { get; set; } = "Cpu";

    /// <summary>Layers offloaded to the GPU (Cuda backend).</summary>
    [Range(0, int.MaxValue, ErrorMessage = "must not be negative")]
    public int GpuLayers { get; set; }

    /// <summary>Tokens one judgment may use (prompt + reasoning + verdict); capped at the model's training context.</summary>
    [Range(64, int.MaxValue, ErrorMessage = "must be at least 64")]
    public int ContextSize { get; set; } = 4096;

    /// <summary>Sequences decoded together in one context (concurrent judgments of one order each).</summary>
    [Range(1, int.MaxValue, ErrorMessage = "must be at least 1")]
    public int Sequences { get; set; } = 16;

    /// <summary>Most tokens in one decode call.</summary>
    [Range(1, int.MaxValue, ErrorMessage = "must be at least 1")]
    public int BatchSize { get; set; } = 512;

    /// <summary>CPU threads for decoding; 0 uses every core.</summary>
    [Range(0, int.MaxValue, ErrorMessage = "must not be negative (0 uses every core)")]
    public int Threads { get; set; }

    /// <summary>Most judge requests admitted at once (running or waiting); more are answered 503 with Retry-After.</summary>
    [Range(1, int.MaxValue, ErrorMessage = "must be at least 1")]
    public int MaxQueue { get; set; } = 64;

    /// <summary>
    /// Most of those one API key may hold at once (capped at <see cref="MaxQueue"/>); more are answered 429 with
    /// Retry-After, so one busy client cannot take every place. Without keys configured there is no per-key cap.
    /// </summary>
    [Range(1, int.MaxValue, ErrorMessage = "must be at least 1")]
    public int MaxQueuePerKey { get; set; } = 32;

    /// <summary>Largest accepted request body; bigger ones are answered 413.</summary>
    [Range(1024, long.MaxValue, ErrorMessage = "must be at least 1024")]
    public long MaxRequestBytes { get; set; } = 1024 * 1024;

    /// <summary>How long a cache read or write may take before the request goes on without the cache.</summary>
    [Range(1, int.MaxValue, ErrorMessage = "must be at least 1")]
    public int CacheTimeoutMs { get; set; } = 250;

    /// <summary>
    /// After cache calls keep failing, how long requests skip the cache altogether (the circuit is open) before one
    /// call tries it again; an outage then costs one timeout per this many seconds, not one per request.
    /// </summary>
    [Range(1, int.MaxValue, ErrorMessage = "must be at least 1")]
    public int CacheBreakSeconds { get; set; } = 15;

    /// <summary>How long a cached judgment lives.</summary>
    [Range(1, int.MaxValue, ErrorMessage = "must be at least 1")]
    public int CacheTtlMinutes { get; set; } = 24 * 60;

    /// <summary>
    /// After a stop signal, how long running requests and iteration work may go on; then requests still running are
    /// answered 503 and unfinished iteration work is left for the next start to redo.
    /// </summary>
    [Range(0, 3600, ErrorMessage = "must be from 0 to 3600")]
    public int ShutdownGraceSeconds { get; set; } = 30;

    /// <summary>Items of one batch request judged at the same time.</summary>
    [Range(1, int.MaxValue, ErrorMessage = "must be at least 1")]
    public int BatchParallelism { get; set; } = 8;

    /// <summary>The threads decoding uses: <see cref="Threads"/>, or every core when it is 0.</summary>
    public int DecodeThreads => Threads > 0 ? Threads : Environment.ProcessorCount;

    /// <summary>True when no model is configured and the generated demo model is served.</summary>
    public bool IsDemo => string.IsNullOrWhiteSpace(ModelPath);
}
