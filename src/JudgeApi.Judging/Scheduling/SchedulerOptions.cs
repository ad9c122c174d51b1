namespace JudgeApi.Judging.Scheduling;

/// <summary>How a <see cref="SequenceScheduler"/> uses its context.</summary>
/// <param name="Sequences">Sequence ids 0..Sequences-1 run jobs; the context's further ids hold cached prefixes.</param>
/// <param name="ReservedForInteractive">Sequences background jobs leave free, so live work never waits for a background job to end.</param>
/// <param name="PrefixCacheTokens">KV cells kept for prompt prefixes after their jobs end; 0 turns the prefix cache off. Needs a unified KV cache.</param>
/// <param name="SharedPrefixTokens">
/// A job whose prompt shares at least this many more tokens with a prompt being decoded (same weights and priority)
/// than with any cached prefix waits for that decode and copies them (a pair's two orders share the rubric and the
/// instruction); 0: it never waits. Needs a unified KV cache.
/// </param>
/// <param name="ReproducibleBackground">
/// Background sequences are decoded alone, in chunks that depend only on their own tokens, so their results are
/// bit-identical whatever else runs; else they fill the rest of every batch after live work.
/// </param>
/// <param name="KeepPrompts">
/// With a KV stream per sequence: a sequence keeps its last prompt and a job goes to the one sharing most of its
/// prompt (<see cref="KeptPrompts"/>); off, every job starts in an empty sequence.
/// </param>
internal sealed record SchedulerOptions(int Sequences, int ReservedForInteractive = 0, int PrefixCacheTokens = 0, bool ReproducibleBackground = false,
    int SharedPrefixTokens = 0, bool KeepPrompts = false);
