namespace JudgeApi.Llama.Gguf;

/// <summary>
/// Splits a GGUF model into shards as gguf-split does: the first holds every metadata key, each holds
/// <c>split.no</c>, <c>split.count</c> and <c>split.tensors.count</c>, and the tensors are spread over the shards in
/// file order. Shards are named &lt;prefix&gt;-00001-of-0000N.gguf …, which is how llama.cpp finds them.
/// </summary>
internal static class GgufSplitter
{
    /// <summary>The path of shard <paramref name="index"/> (0-based) of <paramref name="count"/>, as llama_split_path names it.</summary>
    public static string ShardPath(string prefix, int index, int count) => $"{prefix}-{index + 1:D5}-of-{count:D5}.gguf";

    /// <param name="prefix">The shards' path without the "-00001-of-0000N.gguf" suffix.</param>
    public static void Split(string sourcePath, string prefix, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 2);
        using var source = GgufFile.Open(sourcePath);
        var tensors = source.Tensors;
        if (tensors.Count < count)
            throw new ArgumentOutOfRangeException(nameof(count), $"{tensors.Count} tensors cannot fill {count} shards.");
        for (var shard = 0; shard < count; shard++)
        {
            int from = shard * tensors.Count / count, to = (shard + 1) * tensors.Count / count;
            var part = tensors.Skip(from).Take(to - from).ToList();
            using var writer = new GgufWriter(part.Count);
            if (shard == 0)
                writer.CopyMetadata(source);
            writer.SetUInt16("split.no", (ushort)shard);
            writer.SetUInt16("split.count", (ushort)count);
            writer.SetInt32("split.tensors.count", tensors.Count);
            foreach (var tensor in part)
                writer.AddTensor(tensor.Name, tensor.Type, tensor.Shape, stream => stream.Write(source.ReadTensorData(tensor)));
            writer.WriteFile(ShardPath(prefix, shard, count));
        }
    }
}
