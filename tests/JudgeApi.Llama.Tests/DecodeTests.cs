namespace JudgeApi.Llama.Tests;

[Collection(TinyModelCollection.Name)]
public class DecodeTests(TinyModelFixture fixture)
{
    private LlamaModel Model => fixture.Model;
    private int[] Prompt(string text) => Model.Tokenize(text, addSpecial: false);

    [Fact]
    public void Decode_gives_finite_varied_logits_reproducibly()
    {
        var tokens = Prompt("The quick brown fox jumps");
        using var first = fixture.NewContext();
        using var second = fixture.NewContext();

        var a = TinyModelFixture.DecodeLast(first, tokens);
        var b = TinyModelFixture.DecodeLast(second, tokens);

        Assert.Equal(Model.VocabSize, a.Length);
        Assert.All(a, x => Assert.True(float.IsFinite(x)));
        Assert.True(a.Max() - a.Min() > 1e-3f);
        Assert.Equal(a, b);
        Assert.Equal(tokens.Length - 1, first.MaxPosition(0));
    }

    /// <summary>Every context decodes on a ggml thread pool of its own, found through the CPU backend's registry; the polling level only changes how its workers wait.</summary>
    [Fact]
    public void Decoding_on_the_contexts_thread_pool_gives_the_same_logits_at_any_polling_level()
    {
        var tokens = Prompt("The quick brown fox jumps");
        using var sleeping = new LlamaContext(Model, new ContextOptions { ContextSize = 256, Threads = 2, Poll = 0 });
        using var spinning = new LlamaContext(Model, new ContextOptions { ContextSize = 256, Threads = 2, Poll = 100 });

        Assert.True(sleeping.HasThreadpool && spinning.HasThreadpool);
        Assert.Equal(TinyModelFixture.DecodeLast(sleeping, tokens), TinyModelFixture.DecodeLast(spinning, tokens));
        Assert.Throws<LlamaContextException>(() => new LlamaContext(Model, new ContextOptions { ContextSize = 256, Poll = 101 }));
        Assert.Throws<LlamaContextException>(() => new LlamaContext(Model, new ContextOptions { ContextSize = 256, Threads = 513 }));
    }

    /// <summary>llama.cpp reserves an output row per sequence; with its default output count (BatchSize) this aborted the process.</summary>
    [Fact]
    public void A_context_with_more_sequences_than_its_batch_size_decodes()
    {
        var tokens = Prompt("The quick brown fox jumps");
        using var narrow = new LlamaContext(Model, new ContextOptions { ContextSize = 256, BatchSize = 1, MicroBatchSize = 1, Sequences = 2, Threads = 1 });
        float[] OneByOne(int sequence)
        {
            using var batch = new LlamaBatch(1);
            for (var i = 0; i < tokens.Length; i++)
            {
                batch.Clear();
                batch.Add(tokens[i], i, sequence, logits: true);
                narrow.Decode(batch);
            }
            return narrow.GetLogits(0).ToArray();
        }

        var first = OneByOne(0);
        Assert.All(first, x => Assert.True(float.IsFinite(x)));
        Assert.Equal(first, OneByOne(1));
    }

    [Fact]
    public void Logits_of_an_index_without_output_are_refused()
    {
        using var context = fixture.NewContext();
        using var batch = new LlamaBatch(4);
        var tokens = Prompt("one two three");
        for (var i = 0; i < tokens.Length; i++)
            batch.Add(tokens[i], i, 0, logits: i == 0);
        context.Decode(batch);

        Assert.Equal(Model.VocabSize, context.GetLogits(0).Length);
        Assert.Throws<LlamaArgumentException>(() => context.GetLogits(1));
        Assert.Throws<LlamaArgumentException>(() => context.GetLogits(tokens.Length));
        Assert.Throws<LlamaArgumentException>(() => context.GetLogits(-1));
    }

    [Fact]
    public void Two_sequences_in_one_batch_give_the_logits_each_gives_alone()
    {
        var a = Prompt("Response A is more accurate");
        var b = Prompt("Response B cites its sources well");
        using var alone = fixture.NewContext();
        var expectedA = TinyModelFixture.DecodeLast(alone, a);
        alone.ClearMemory();
        var expectedB = TinyModelFixture.DecodeLast(alone, b);

        using var both = fixture.NewContext(sequences: 2);
        using var batch = new LlamaBatch(a.Length + b.Length);
        var lastA = 0;
        var lastB = 0;
        for (var i = 0; i < a.Length; i++)
            lastA = batch.Add(a[i], i, 0, logits: i == a.Length - 1);
        for (var i = 0; i < b.Length; i++)
            lastB = batch.Add(b[i], i, 1, logits: i == b.Length - 1);
        both.Decode(batch);

        AssertClose(expectedA, both.GetLogits(lastA));
        AssertClose(expectedB, both.GetLogits(lastB));
        Assert.Equal(a.Length - 1, both.MaxPosition(0));
        Assert.Equal(b.Length - 1, both.MaxPosition(1));
    }

    [Fact]
    public void Shared_prefix_copied_to_another_sequence_continues_like_a_fresh_decode()
    {
        var prefix = Prompt("Compare the two answers:");
        var suffix = Prompt(" the second one");
        var whole = prefix.Concat(suffix).ToArray();
        using var reference = fixture.NewContext();
        var expected = TinyModelFixture.DecodeLast(reference, whole);

        using var context = fixture.NewContext(sequences: 2);
        TinyModelFixture.DecodeLast(context, prefix, sequence: 0);
        context.CopySequence(0, 1);
        Assert.Equal(prefix.Length - 1, context.MaxPosition(1));
        using var batch = new LlamaBatch(suffix.Length);
        for (var i = 0; i < suffix.Length; i++)
            batch.Add(suffix[i], prefix.Length + i, 1, logits: i == suffix.Length - 1);
        context.Decode(batch);

        AssertClose(expected, context.GetLogits(suffix.Length - 1));
    }

    [Fact]
    public void Without_a_unified_kv_cache_only_whole_sequences_are_copied()
    {
        using var context = new LlamaContext(Model, new ContextOptions { ContextSize = 512, BatchSize = 64, MicroBatchSize = 64, Sequences = 2, Threads = 1, KvUnified = false });
        var tokens = Prompt("copy me whole");
        TinyModelFixture.DecodeLast(context, tokens);

        Assert.Throws<LlamaArgumentException>(() => context.CopySequence(0, 1, 0, 2));
        Assert.Equal(-1, context.MaxPosition(1));

        context.CopySequence(0, 1);

        Assert.Equal(tokens.Length - 1, context.MaxPosition(1));
        Assert.Equal(256, context.SequenceContextSize);
    }

    [Fact]
    public void Memory_operations_track_positions()
    {
        using var context = fixture.NewContext();
        var tokens = Prompt("alpha beta gamma delta epsilon");
        Assert.Equal(-1, context.MaxPosition(0));

        TinyModelFixture.DecodeLast(context, tokens);
        Assert.Equal(tokens.Length - 1, context.MaxPosition(0));

        context.RemoveTokens(0, 2);
        Assert.Equal(1, context.MaxPosition(0));

        context.ClearMemory();
        Assert.Equal(-1, context.MaxPosition(0));
    }

    [Fact]
    public void Removing_a_tail_and_decoding_again_reproduces_the_logits()
    {
        using var context = fixture.NewContext();
        var tokens = Prompt("first second third fourth");
        var expected = TinyModelFixture.DecodeLast(context, tokens);

        context.RemoveTokens(0, tokens.Length - 1);
        using var batch = new LlamaBatch(1);
        batch.Add(tokens[^1], tokens.Length - 1, 0, logits: true);
        context.Decode(batch);

        AssertClose(expected, context.GetLogits(0));
    }

    [Fact]
    public void Invalid_batches_are_refused_before_llama_decode()
    {
        using var context = fixture.NewContext(sequences: 2, batchSize: 4);
        using var batch = new LlamaBatch(8);

        Assert.Throws<LlamaArgumentException>(() => context.Decode(batch)); // empty

        batch.Add(Model.VocabSize, 0, 0, logits: true);
        var e = Assert.Throws<LlamaArgumentException>(() => context.Decode(batch));
        Assert.Contains("outside the vocabulary", e.Message);

        batch.Clear();
        batch.Add(1, 0, 2, logits: true);
        e = Assert.Throws<LlamaArgumentException>(() => context.Decode(batch));
        Assert.Contains("Sequence id 2", e.Message);

        batch.Clear();
        for (var i = 0; i < 5; i++)
            batch.Add(1, i, 0, logits: false);
        e = Assert.Throws<LlamaArgumentException>(() => context.Decode(batch));
        Assert.Contains("at most 4", e.Message);

        Assert.Equal(-1, context.MaxPosition(0));
    }

    [Fact]
    public void Batch_validates_its_own_limits()
    {
        using var batch = new LlamaBatch(1, maxSequencesPerToken: 2);
        Assert.Throws<LlamaArgumentException>(() => batch.Add(-1, 0, 0, false));
        Assert.Throws<LlamaArgumentException>(() => batch.Add(1, -1, 0, false));
        Assert.Throws<LlamaArgumentException>(() => batch.Add(1, 0, [0, 1, 2], false));
        Assert.Throws<LlamaArgumentException>(() => batch.Add(1, 0, -3, false));
        Assert.Equal(0, batch.Add(1, 0, [0, 1], false));
        Assert.Throws<LlamaArgumentException>(() => batch.Add(2, 1, 0, false));
        Assert.Equal(1, batch.Count);
        Assert.Throws<LlamaArgumentException>(() => new LlamaBatch(0));
    }

    [Fact]
    public void A_gap_in_positions_is_a_decode_error_not_a_crash()
    {
        using var context = fixture.NewContext();
        var tokens = Prompt("one two");
        TinyModelFixture.DecodeLast(context, tokens);
        using var batch = new LlamaBatch(1);
        batch.Add(tokens[0], tokens.Length + 5, 0, logits: true);

        Assert.Throws<LlamaDecodeException>(() => context.Decode(batch));
        Assert.Throws<LlamaArgumentException>(() => context.GetLogits(0));
    }

    [Fact]
    public void A_full_kv_cache_is_a_decode_error_and_removing_tokens_makes_room()
    {
        using var context = fixture.NewContext(contextSize: 256, sequences: 2);
        var filler = Enumerable.Repeat(Prompt("x")[0], 200).ToArray();
        using var batch = new LlamaBatch(64);
        for (var start = 0; start < filler.Length; start += 50)
        {
            batch.Clear();
            for (var i = start; i < start + 50; i++)
                batch.Add(filler[i], i, 0, logits: false);
            context.Decode(batch);
        }
        batch.Clear();
        for (var i = 0; i < 60; i++)
            batch.Add(filler[i], i, 1, logits: i == 59);

        var e = Assert.Throws<LlamaDecodeException>(() => context.Decode(batch));
        Assert.Contains("No room in the KV cache", e.Message);
        Assert.Equal(-1, context.MaxPosition(1));

        context.RemoveTokens(0);
        context.Decode(batch);
        Assert.Equal(59, context.MaxPosition(1));
    }

    [Fact]
    public void Positions_past_the_context_are_a_too_long_error()
    {
        using var context = fixture.NewContext(contextSize: 256);
        using var batch = new LlamaBatch(1);
        batch.Add(1, context.SequenceContextSize, 0, logits: true);

        var e = Assert.Throws<LlamaPromptTooLongException>(() => context.Decode(batch));
        Assert.Equal(257, e.Tokens);
        Assert.Equal(256, e.Limit);
    }

    [Fact]
    public void Context_options_are_validated()
    {
        Assert.Throws<LlamaContextException>(() => new LlamaContext(Model, new ContextOptions { ContextSize = 0 }));
        Assert.Throws<LlamaContextException>(() => new LlamaContext(Model, new ContextOptions { BatchSize = 8, MicroBatchSize = 16 }));
        Assert.Throws<LlamaContextException>(() => new LlamaContext(Model, new ContextOptions { Sequences = 100000 }));
        Assert.Throws<LlamaContextException>(() => new LlamaContext(Model, new ContextOptions { Threads = 0 }));
    }

    [Fact]
    public void A_context_keeps_its_model_alive_after_the_model_is_disposed()
    {
        var model = LlamaModel.Load(fixture.Path);
        using var context = new LlamaContext(model, new ContextOptions { ContextSize = 64, BatchSize = 16, MicroBatchSize = 16, Threads = 1 });
        var tokens = model.Tokenize("still alive", addSpecial: false);
        model.Dispose();

        var logits = TinyModelFixture.DecodeLast(context, tokens);

        Assert.Equal(fixture.Model.VocabSize, logits.Length);
        Assert.Throws<ObjectDisposedException>(() => model.Tokenize("x", addSpecial: false));
    }

    internal static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            if (MathF.Abs(expected[i] - actual[i]) > 1e-3f + 1e-3f * MathF.Abs(expected[i]))
                Assert.Fail($"logit {i}: expected {expected[i]}, got {actual[i]}");
        }
    }
}
