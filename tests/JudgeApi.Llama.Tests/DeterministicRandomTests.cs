using JudgeApi.Llama.Gguf;

namespace JudgeApi.Llama.Tests;

/// <summary>Pins the generator behind generated weights: a change here changes every generated model.</summary>
public class DeterministicRandomTests
{
    [Fact]
    public void Produces_the_xoshiro256_starstar_sequence_seeded_by_splitmix64()
    {
        // reference values from an independent implementation of the published algorithms
        var random = new DeterministicRandom(1);
        Assert.Equal(0xb3f2af6d0fc710c5UL, random.NextUInt64());
        Assert.Equal(0x853b559647364ceaUL, random.NextUInt64());
        Assert.Equal(0x92f89756082a4514UL, random.NextUInt64());
    }

    [Fact]
    public void Symmetric_values_are_the_top_24_bits_mapped_to_minus_one_one()
    {
        var random = new DeterministicRandom(1);
        Assert.Equal(0.4058436155319214f, random.NextSymmetric());
        Assert.Equal(0.040873169898986816f, random.NextSymmetric());

        var many = new DeterministicRandom(2);
        var values = Enumerable.Range(0, 10_000).Select(_ => many.NextSymmetric()).ToArray();
        Assert.All(values, v => Assert.InRange(v, -1f, 1f - 1f / (1 << 23)));
        Assert.InRange(values.Average(), -0.03, 0.03);
    }

    [Fact]
    public void Streams_depend_on_seed_and_name_not_on_order()
    {
        var a = DeterministicRandom.ForStream(42, "blk.0.attn_q.weight").NextUInt64();
        _ = DeterministicRandom.ForStream(42, "blk.1.attn_q.weight").NextUInt64();

        Assert.Equal(a, DeterministicRandom.ForStream(42, "blk.0.attn_q.weight").NextUInt64());
        Assert.NotEqual(a, DeterministicRandom.ForStream(43, "blk.0.attn_q.weight").NextUInt64());
        Assert.NotEqual(a, DeterministicRandom.ForStream(42, "blk.0.attn_k.weight").NextUInt64());
    }
}
