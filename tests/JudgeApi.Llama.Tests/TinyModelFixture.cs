namespace JudgeApi.Llama.Tests;

/// <summary>The generated tiny llama model (written once per run by <see cref="TestModels"/>), loaded once for a collection.</summary>
public sealed class TinyModelFixture : IDisposable
{
    public TinyModelFixture()
    {
        Path = TestModels.Tiny();
        Model = LlamaModel.Load(Path);
    }

    public string Path { get; }
    public LlamaModel Model { get; }

    /// <summary>
    /// A small single-threaded context: tests decode a few dozen tokens, and on a shared, oversubscribed machine
    /// ggml's spinning thread barrier makes 2 threads hundreds of times slower than 1.
    /// </summary>
    public LlamaContext NewContext(int contextSize = 256, int sequences = 1, int batchSize = 64) =>
        new(Model, new ContextOptions { ContextSize = contextSize, BatchSize = batchSize, MicroBatchSize = batchSize, Sequences = sequences, Threads = 1 });

    /// <summary>Decodes tokens as one sequence from position 0 and returns a copy of the last token's logits.</summary>
    public static float[] DecodeLast(LlamaContext context, IReadOnlyList<int> tokens, int sequence = 0)
    {
        using var batch = new LlamaBatch(tokens.Count);
        for (var i = 0; i < tokens.Count; i++)
            batch.Add(tokens[i], i, sequence, logits: i == tokens.Count - 1);
        context.Decode(batch);
        return context.GetLogits(tokens.Count - 1).ToArray();
    }

    public void Dispose() => Model.Dispose();
}

[CollectionDefinition(Name)]
public sealed class TinyModelCollection : ICollectionFixture<TinyModelFixture>
{
    public const string Name = "tiny model";
}
