namespace JudgeApi.Options;

/// <summary>The <c>Judge</c> configuration section (defaults in appsettings.json).</summary>
public sealed class JudgeOptions
{
    public const string Section = "Judge";

    /// <summary>GGUF judge model. Empty: a random-weight demo model is generated at <see cref="DemoModelPath"/>.</summary>
    public string? ModelPath { get; set; }

    /// <summary>Optional LoRA adapter (GGUF) applied to the model.</summary>
    public string? AdapterPath { get; set; }

    /// <summary>Where the demo model is written when <see cref="ModelPath"/> is empty (relative to the content root).</summary>
    public string DemoModelPath { get; set; } = "models/demo-tiny.gguf";

    /// <summary>Native build: Cpu or Cuda.</summary>
    public string Backend { get; set; } = "Cpu";

    /// <summary>Layers offloaded to the GPU (Cuda backend).</summary>
    public int GpuLayers { get; set; }

    /// <summary>Tokens one judgment may use (prompt + reasoning + verdict); capped at the model's training context.</summary>
    public int ContextSize { get; set; } = 4096;

    /// <summary>Sequences decoded together in one context (concurrent judgments of one order each).</summary>
    public int Sequences { get; set; } = 16;

    /// <summary>Most tokens in one decode call.</summary>
    public int BatchSize { get; set; } = 512;

    /// <summary>CPU threads for decoding; 0 uses every core.</summary>
    public int Threads { get; set; }

    /// <summary>Most judge requests admitted at once (running or waiting); more are answered 503 with Retry-After.</summary>
    public int MaxQueue { get; set; } = 64;

    /// <summary>Largest accepted request body; bigger ones are answered 413.</summary>
    public long MaxRequestBytes { get; set; } = 1024 * 1024;

    /// <summary>How long a cache read or write may take before the request goes on without the cache.</summary>
    public int CacheTimeoutMs { get; set; } = 250;

    /// <summary>
    /// After cache calls keep failing, how long requests skip the cache altogether (the circuit is open) before one
    /// call tries it again; an outage then costs one timeout per this many seconds, not one per request.
    /// </summary>
    public int CacheBreakSeconds { get; set; } = 15;

    /// <summary>How long a cached judgment lives.</summary>
    public int CacheTtlMinutes { get; set; } = 24 * 60;

    /// <summary>Items of one batch request judged at the same time.</summary>
    public int BatchParallelism { get; set; } = 8;
}
