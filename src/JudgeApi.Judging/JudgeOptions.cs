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

    /// <summary>
    /// KV cells that every running judgment and the prefix cache share (one unified KV cache): memory is sized by
    /// tokens, so many short judgments or a few long ones fit the same cells. A judgment waits for a sequence until
    /// its prompt, reasoning budget and verdict fit. Not used with <see cref="ReproducibleBackground"/>.
    /// </summary>
    [Range(64, int.MaxValue, ErrorMessage = "must be at least 64")]
    public int KvCacheTokens { get; set; } = 16384;

    /// <summary>
    /// One KV cache for all sequences, sized by <see cref="KvCacheTokens"/> (needed by the prefix cache); false: one KV
    /// stream of <see cref="ContextSize"/> cells per sequence and no prefix cache. llama.cpp's CPU attention walks every
    /// cell of a unified cache for every token (masked cells too): with 32 sequences llama-batched-bench measured prompt
    /// processing 2-6x and generation about 1.5x slower unified than split on this machine.
    /// </summary>
    public bool KvUnified { get; set; } = true;

    /// <summary>Of <see cref="KvCacheTokens"/>, how many may hold prompt prefixes kept after their requests end (the rubric, an instruction, a pair); 0 turns the prefix cache off.</summary>
    [Range(0, int.MaxValue, ErrorMessage = "must not be negative (0 turns the prefix cache off)")]
    public int PrefixCacheTokens { get; set; } = 1024;

    /// <summary>
    /// A judgment whose prompt shares at least this many more tokens with a prompt being decoded than with any cached
    /// prefix (a pair's other order: the rubric and the instruction) waits for that decode, one step, and copies them
    /// instead of decoding them; 0: it never waits. Needs <see cref="KvUnified"/>.
    /// </summary>
    [Range(0, int.MaxValue, ErrorMessage = "must not be negative (0: never wait for a shared prefix)")]
    public int SharedPrefixTokens { get; set; } = 16;

    /// <summary>Sequences background (self-taught) work leaves free for live requests, so these never wait for a background judgment to end (at most Sequences - 1).</summary>
    [Range(0, int.MaxValue, ErrorMessage = "must not be negative")]
    public int ReservedInteractiveSequences { get; set; } = 2;

    /// <summary>
    /// Decode background work one sequence at a time, so that a resumed self-taught iteration repeats an
    /// uninterrupted one byte for byte. Costs background batching (on a 2-core CPU the pipeline took 1.3-1.5x as long
    /// to synthesise; on a GPU far more), per-sequence KV memory (<see cref="Sequences"/> x <see cref="ContextSize"/>
    /// cells) and the prefix cache.
    /// </summary>
    public bool ReproducibleBackground { get; set; }

    /// <summary>Polling level of the decode threads between decodes, 0 (sleep at once) to 100 (spin longest), as llama.cpp's --poll.</summary>
    [Range(0, 100, ErrorMessage = "must be between 0 and 100")]
    public int Poll { get; set; }

    /// <summary>Most tokens in one decode call.</summary>
    [Range(1, int.MaxValue, ErrorMessage = "must be at least 1")]
    public int BatchSize { get; set; } = 512;

    /// <summary>CPU threads for decoding; 0: every core but one (see <see cref="DecodeThreads"/>).</summary>
    [Range(0, 512, ErrorMessage = "must be between 0 (every core but one) and 512")]
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

    /// <summary>
    /// The threads decoding uses: <see cref="Threads"/>, or when it is 0 every core but one (at least one). ggml's
    /// workers meet at a spinning barrier after every operation, so when the scheduler thread, the HTTP host or anything
    /// else takes one of their cores the others spin: on the 2-core machine a live /judge during an iteration took 474 s
    /// with both cores given to ggml and 25-34 s with one.
    /// </summary>
    public int DecodeThreads => Threads > 0 ? Threads : Math.Max(1, Environment.ProcessorCount - 1);

    /// <summary>True when no model is configured and the generated demo model is served.</summary>
    public bool IsDemo => string.IsNullOrWhiteSpace(ModelPath);
}
