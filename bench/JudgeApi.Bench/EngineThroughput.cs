using System.Diagnostics;
using JudgeApi.Llama;

namespace JudgeApi.Bench;

/// <summary>
/// Prompt processing and generation speed of our binding, measured as tools/llama-bench/llama-bench.cpp does:
/// a fresh context per test (n_ctx = tokens of the test, n_batch 2048, n_ubatch 512), one untimed warm-up
/// (the whole prompt for pp, one token for tg), then per repetition a cleared KV cache and a timed run.
/// pp decodes the prompt in batches of n_batch random token ids with logits for the last token only;
/// tg decodes n_gen single random tokens one after another.
/// </summary>
public sealed class EngineThroughput(LlamaModel model, int threads, int poll)
{
    private const int BatchSize = 2048;
    private const int MicroBatchSize = 512;
    // llama-bench draws ids with std::rand; any fixed sequence of valid ids costs the same to decode.
    private readonly Random _random = new(1);

    public ThroughputSample PromptProcessing(int promptTokens, int repetitions)
    {
        using var context = CreateContext(promptTokens);
        using var batch = new LlamaBatch(Math.Min(promptTokens, BatchSize));
        DecodePrompt(context, batch, promptTokens);
        return Time($"pp{promptTokens}", promptTokens, repetitions, context, () => DecodePrompt(context, batch, promptTokens));
    }

    public ThroughputSample Generation(int genTokens, int repetitions)
    {
        using var context = CreateContext(genTokens);
        using var batch = new LlamaBatch(1);
        DecodeGenerated(context, batch, 1);
        return Time($"tg{genTokens}", genTokens, repetitions, context, () => DecodeGenerated(context, batch, genTokens));
    }

    /// <summary>
    /// Managed cost of filling a batch (argument checks and writes into the native llama_batch), the part of
    /// our binding that grows with the prompt; reported next to the decode time per token it competes with.
    /// </summary>
    public double BatchAddNanosecondsPerToken(int tokens, int rounds)
    {
        using var batch = new LlamaBatch(tokens);
        var ids = Enumerable.Range(0, tokens).Select(_ => RandomToken()).ToArray();
        void Fill()
        {
            batch.Clear();
            for (var i = 0; i < tokens; i++)
                batch.Add(ids[i], i, 0, logits: i == tokens - 1);
        }
        Fill();
        var start = Stopwatch.GetTimestamp();
        for (var r = 0; r < rounds; r++)
            Fill();
        return Stopwatch.GetElapsedTime(start).TotalNanoseconds / ((double)tokens * rounds);
    }

    private LlamaContext CreateContext(int tokens) => new(model, new ContextOptions
    {
        ContextSize = tokens,
        BatchSize = BatchSize,
        MicroBatchSize = MicroBatchSize,
        Sequences = 1,
        Threads = threads,
        Poll = poll,
    });

    private static ThroughputSample Time(string test, int tokens, int repetitions, LlamaContext context, Action run)
    {
        var samples = new List<long>(repetitions);
        for (var i = 0; i < repetitions; i++)
        {
            context.ClearMemory();
            var start = Stopwatch.GetTimestamp();
            run();
            samples.Add((long)(Stopwatch.GetElapsedTime(start).TotalNanoseconds));
        }
        return new ThroughputSample(test, tokens, samples);
    }

    private void DecodePrompt(LlamaContext context, LlamaBatch batch, int promptTokens)
    {
        for (var processed = 0; processed < promptTokens;)
        {
            var count = Math.Min(promptTokens - processed, batch.Capacity);
            batch.Clear();
            for (var i = 0; i < count; i++)
            {
                var token = processed == 0 && i == 0 ? FirstToken() : RandomToken();
                batch.Add(token, processed + i, 0, logits: i == count - 1);
            }
            context.Decode(batch);
            processed += count;
        }
    }

    private void DecodeGenerated(LlamaContext context, LlamaBatch batch, int genTokens)
    {
        var token = FirstToken();
        var position = context.MaxPosition(0) + 1;
        for (var i = 0; i < genTokens; i++)
        {
            batch.Clear();
            batch.Add(token, position + i, 0, logits: true);
            context.Decode(batch);
            token = RandomToken();
        }
    }

    private int FirstToken() => model.BosToken >= 0 ? model.BosToken : RandomToken();

    private int RandomToken() => _random.Next(model.VocabSize);
}
