using System.Security.Cryptography;
using System.Text;

namespace JudgeApi.SelfTaught;

/// <summary>
/// Every random choice of an iteration draws its seed from (iteration seed, item, stage, sample index), so an item
/// redone after a crash produces exactly what an uninterrupted run produced.
/// </summary>
public static class SeedDerivation
{
    public static uint Derive(long iterationSeed, long itemId, string stage, int sampleIndex)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{iterationSeed}|{itemId}|{stage}|{sampleIndex}"), hash);
        return BitConverter.ToUInt32(hash);
    }

    /// <summary>A seeded generator for choices (which correct judgment to keep, which pair to drop).</summary>
    public static Random Random(long iterationSeed, long itemId, string stage, int sampleIndex = 0) =>
        new((int)(Derive(iterationSeed, itemId, stage, sampleIndex) & int.MaxValue));
}
