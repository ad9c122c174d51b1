namespace JudgeApi.Llama.Gguf;

/// <summary>
/// xoshiro256** seeded through SplitMix64: a fixed, documented generator, so the same seed gives the same
/// weights on every runtime and machine (System.Random's algorithm is not guaranteed to stay the same).
/// Only integer and exact float arithmetic is used to turn bits into values.
/// </summary>
internal sealed class DeterministicRandom
{
    private ulong _s0, _s1, _s2, _s3;

    public DeterministicRandom(ulong seed)
    {
        _s0 = SplitMix64(ref seed);
        _s1 = SplitMix64(ref seed);
        _s2 = SplitMix64(ref seed);
        _s3 = SplitMix64(ref seed);
    }

    /// <summary>A generator for one named stream (a tensor), independent of the order streams are drawn in.</summary>
    public static DeterministicRandom ForStream(long seed, string streamName)
    {
        // FNV-1a over the UTF-16 code units of the name, mixed with the seed
        var hash = 14695981039346656037UL;
        foreach (var c in streamName)
        {
            hash ^= c;
            hash *= 1099511628211UL;
        }
        return new DeterministicRandom(hash ^ ((ulong)seed * 0x9E3779B97F4A7C15UL));
    }

    public ulong NextUInt64()
    {
        var result = RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [-1, 1), with 24 random bits (exact in float).</summary>
    public float NextSymmetric() => (long)(NextUInt64() >> 40) * (1f / (1 << 23)) - 1f;

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));

    private static ulong SplitMix64(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
