using System.Text.RegularExpressions;

namespace JudgeApi.Llama.Gguf;

/// <summary>A tensor of a model and the file (shard) that holds its data.</summary>
public sealed record GgufModelTensor(GgufTensorInfo Info, GgufFile File)
{
    public string Name => Info.Name;

    /// <summary>Where the tensor's data starts in <see cref="File"/>.</summary>
    public long FileOffset => File.DataOffset + Info.Offset;
}

/// <summary>
/// A GGUF model as llama.cpp reads it: one file, or every shard of a split model (gguf-split names them
/// &lt;prefix&gt;-00001-of-0000N.gguf; the first holds the metadata and <c>split.count</c>). The metadata is the first
/// file's; the tensors are those of every shard, each with the file its data is in.
/// </summary>
public sealed partial class GgufModelFiles : IDisposable
{
    private readonly List<GgufFile> _files;
    private readonly Dictionary<string, GgufModelTensor> _byName;

    private GgufModelFiles(List<GgufFile> files, List<GgufModelTensor> tensors)
    {
        _files = files;
        Tensors = tensors;
        _byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    /// <summary>The first file: the model's metadata.</summary>
    public GgufFile Metadata => _files[0];

    /// <summary>Every file of the model, the first one first.</summary>
    public IReadOnlyList<GgufFile> Files => _files;

    /// <summary>Every tensor of every shard, in shard order.</summary>
    public IReadOnlyList<GgufModelTensor> Tensors { get; }

    public GgufModelTensor? FindTensor(string name) => _byName.GetValueOrDefault(name);

    /// <summary>
    /// Opens a model and, when its metadata says it is split, every other shard (named as llama.cpp names them);
    /// throws <see cref="LlamaModelLoadException"/> when a shard is missing, misnumbered or duplicates a tensor.
    /// </summary>
    public static GgufModelFiles Open(string path)
    {
        var first = GgufFile.Open(path);
        var files = new List<GgufFile> { first };
        try
        {
            var count = first.TryGetUInt16("split.count", out var splitCount) ? splitCount : 1;
            if (count > 1)
            {
                if (!first.TryGetUInt16("split.no", out var number) || number != 0)
                    throw new LlamaModelLoadException($"'{first.Path}' is shard {number + 1} of a split model; open the first shard (…-00001-of-{count:D5}.gguf).");
                var prefix = SplitPrefix(first.Path, count);
                for (var i = 1; i < count; i++)
                {
                    var shardPath = $"{prefix}-{i + 1:D5}-of-{count:D5}.gguf";
                    if (!File.Exists(shardPath))
                        throw new LlamaModelLoadException($"Shard {i + 1} of {count} of '{first.Path}' is missing: '{shardPath}' does not exist.");
                    var shard = GgufFile.Open(shardPath);
                    files.Add(shard);
                    if (!shard.TryGetUInt16("split.no", out var shardNumber) || shardNumber != i)
                        throw new LlamaModelLoadException($"'{shardPath}' should be shard {i + 1} of {count} but its split.no says {(shardNumber + 1)}.");
                }
            }

            var tensors = new List<GgufModelTensor>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var file in files)
            {
                foreach (var info in file.Tensors)
                {
                    if (!names.Add(info.Name))
                        throw new LlamaModelLoadException($"Tensor '{info.Name}' appears twice in the shards of '{first.Path}'.");
                    tensors.Add(new GgufModelTensor(info, file));
                }
            }
            if (count > 1 && first.TryGetInt32("split.tensors.count", out var expected) && expected != tensors.Count)
                throw new LlamaModelLoadException($"'{first.Path}' says its shards hold {expected} tensors, but they hold {tensors.Count}.");
            return new GgufModelFiles(files, tensors);
        }
        catch
        {
            foreach (var file in files)
                file.Dispose();
            throw;
        }
    }

    /// <summary>The path without llama.cpp's "-00001-of-0000N.gguf" suffix (llama_split_prefix).</summary>
    private static string SplitPrefix(string firstShardPath, int count)
    {
        var suffix = $"-00001-of-{count:D5}.gguf";
        if (!firstShardPath.EndsWith(suffix, StringComparison.Ordinal) || !ShardName().IsMatch(Path.GetFileName(firstShardPath)))
            throw new LlamaModelLoadException($"'{firstShardPath}' is the first of {count} shards but is not named <name>{suffix}, so its other shards cannot be found (llama.cpp names them that way).");
        return firstShardPath[..^suffix.Length];
    }

    [GeneratedRegex(@".-\d{5}-of-\d{5}\.gguf$")]
    private static partial Regex ShardName();

    public void Dispose()
    {
        foreach (var file in _files)
            file.Dispose();
    }
}
