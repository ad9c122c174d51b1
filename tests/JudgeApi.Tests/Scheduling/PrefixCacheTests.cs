using JudgeApi.Judging.Scheduling;
using JudgeApi.Llama;
using JudgeApi.Tests.Loop;
using JudgeApi.Tests.SelfTaught;

namespace JudgeApi.Tests.Scheduling;

/// <summary>The radix tree over KV cells on a real unified KV cache of the tiny model: sharing, splitting, eviction, pins.</summary>
public sealed class PrefixCacheTests : IDisposable
{
    private const int Live = 2;
    private readonly LlamaModel _model;
    private readonly LlamaContext _context;

    public PrefixCacheTests()
    {
        LlamaRuntime.Initialize();
        _model = LlamaModel.Load(TestModels.Tiny());
        _context = new LlamaContext(_model, new ContextOptions { ContextSize = 512, Sequences = Live + 3, KvUnified = true, Threads = 1 });
    }

    private PrefixCache Cache(int budget) => new(_context, Enumerable.Range(Live, 3), budget);

    /// <summary>Decodes <paramref name="tokens"/> after what <paramref name="sequence"/> holds, one token a step; returns the last logits.</summary>
    private float[] Decode(int sequence, int[] tokens)
    {
        using var batch = new LlamaBatch(1);
        var position = _context.MaxPosition(sequence) + 1;
        foreach (var token in tokens)
        {
            batch.Clear();
            batch.Add(token, position++, sequence, logits: true);
            _context.Decode(batch);
        }
        return _context.GetLogits(0).ToArray();
    }

    private static int[] Tokens(int from, int count) => [.. Enumerable.Range(from, count)];

    [Fact]
    public void A_cached_prompt_is_found_by_its_longest_prefix_and_continues_as_if_decoded_here()
    {
        var cache = Cache(budget: 400);
        int[] prompt = [.. Tokens(10, 30), .. Tokens(100, 10)];
        var uncached = Decode(0, prompt);
        cache.Add(null, prompt, 0);
        _context.RemoveTokens(0);
        Assert.Equal(prompt.Length, cache.Tokens);

        int[] sharesThirty = [.. Tokens(10, 30), .. Tokens(200, 5)];
        var prefix = cache.CopyLongestPrefix(null, sharesThirty, sharesThirty.Length - 1, 1);
        Assert.Equal((30, 29), (prefix?.End, _context.MaxPosition(1)));

        // The same prompt, all but its last token copied: the last step decodes exactly what the uncached one did.
        _context.RemoveTokens(1);
        var again = cache.CopyLongestPrefix(null, prompt, prompt.Length - 1, 1);
        Assert.Equal(prompt.Length - 1, again?.End);
        Assert.Equal(uncached, Decode(1, prompt[^1..]));
        Assert.Null(cache.CopyLongestPrefix(null, Tokens(300, 5), 4, 0));
    }

    [Fact]
    public void Prompts_that_share_a_prefix_hold_its_cells_once_and_other_weights_have_their_own_tree()
    {
        var cache = Cache(budget: 400);
        int[] first = [.. Tokens(10, 20), .. Tokens(100, 10)], second = [.. Tokens(10, 20), .. Tokens(200, 15)];
        Decode(0, first);
        cache.Add(null, first, 0);
        var prefix = cache.CopyLongestPrefix(null, second, second.Length - 1, 1)!;
        Decode(1, second[prefix.End..]);
        cache.Add(null, second, 1);

        Assert.Equal(20 + 10 + 15, cache.Tokens);
        cache.Unpin(prefix);
        _context.RemoveTokens(0);
        _context.RemoveTokens(1);
        Assert.Equal(19, cache.CopyLongestPrefix(null, Tokens(10, 19), 19, 0)?.End);
        using var data = new TempDirectory();
        using var adapter = LoraAdapter.Load(_model, AdapterFiles.Good(data.Path));
        Assert.Null(cache.CopyLongestPrefix(adapter, first, first.Length - 1, 1));
    }

    [Fact]
    public void The_least_recently_used_unpinned_prefix_goes_first_when_the_budget_is_reached()
    {
        var cache = Cache(budget: 50);
        int[] a = Tokens(10, 20), b = Tokens(40, 20), c = Tokens(70, 20);
        foreach (var (prompt, sequence) in new[] { (a, 0), (b, 1) })
        {
            Decode(sequence, prompt);
            cache.Add(null, prompt, sequence);
        }
        _context.RemoveTokens(1);
        // a is used again (and pinned by a running job), so b is the one to go.
        var pinned = cache.CopyLongestPrefix(null, a, a.Length - 1, 1)!;
        _context.RemoveTokens(0);
        Decode(0, c);
        cache.Add(null, c, 0);

        Assert.Equal(40, cache.Tokens);
        Assert.Null(cache.CopyLongestPrefix(null, b, b.Length - 1, 1));
        // The pinned 19 tokens stay; a's last token, not copied, was free to go.
        Assert.False(cache.TryShrinkTo(0));
        Assert.Equal(19, cache.Tokens);
        cache.Unpin(pinned);
        Assert.True(cache.TryShrinkTo(0));
        Assert.Equal(0, cache.Tokens);
    }

    public void Dispose()
    {
        _context.Dispose();
        _model.Dispose();
    }
}
