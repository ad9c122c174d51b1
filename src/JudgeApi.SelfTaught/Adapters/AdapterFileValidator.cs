using JudgeApi.Llama;
using JudgeApi.Llama.Gguf;

namespace JudgeApi.SelfTaught;

/// <summary>An adapter file that cannot be used with the base model; the message says why.</summary>
public sealed class AdapterRejectedException(string message) : Exception(message);

/// <summary>Rank and alpha read from a checked adapter file.</summary>
public sealed record AdapterShape(int Rank, float Alpha, int Pairs);

/// <summary>
/// Checks a GGUF LoRA adapter against the base model before llama.cpp ever loads it: adapter metadata, a sane alpha,
/// architecture, every <c>&lt;weight&gt;.lora_a/lora_b</c> pair against the base weight's shape, that the file holds
/// exactly its tensor data, and that every number in it is finite.
/// </summary>
public static class AdapterFileValidator
{
    private const string LoraA = ".lora_a", LoraB = ".lora_b";

    /// <summary>
    /// Largest alpha / rank: trained adapters use 0.5 to a few; a scale beyond this makes the adapter's product
    /// dwarf the base weights, which no training produces.
    /// </summary>
    public const float MaxScale = 1024;

    public static AdapterShape Validate(string adapterPath, string baseModelPath)
    {
        GgufFile adapter;
        try
        {
            adapter = GgufFile.Open(adapterPath);
        }
        catch (LlamaModelLoadException e)
        {
            throw new AdapterRejectedException($"Not a readable GGUF file: {e.Message}");
        }
        using (adapter)
        using (var baseModel = GgufFile.Open(baseModelPath))
        {
            if (!adapter.TryGetString("general.type", out var type) || type != "adapter")
                throw new AdapterRejectedException($"Not an adapter: general.type is '{(type.Length == 0 ? "missing" : type)}', expected 'adapter' (a full model cannot be uploaded as an adapter).");
            if (!adapter.TryGetString("adapter.type", out var adapterType) || adapterType != "lora")
                throw new AdapterRejectedException($"Not a LoRA adapter: adapter.type is '{(adapterType.Length == 0 ? "missing" : adapterType)}', expected 'lora'.");
            if (!adapter.TryGetFloat("adapter.lora.alpha", out var alpha) || !float.IsFinite(alpha) || alpha <= 0)
                throw new AdapterRejectedException("adapter.lora.alpha is missing or not a positive float.");
            if (adapter.Architecture != baseModel.Architecture)
                throw new AdapterRejectedException($"Wrong base: the adapter is for architecture '{adapter.Architecture}', the judge model is '{baseModel.Architecture}'.");

            var rank = CheckPairs(adapter, baseModel, out var pairs);
            if (alpha / rank > MaxScale)
                throw new AdapterRejectedException($"adapter.lora.alpha is {alpha} with rank {rank}: a scale alpha/rank of {alpha / rank:G3} is beyond {MaxScale}, which no trained adapter uses.");
            CheckDataSize(adapter);
            CheckNumbers(adapter);
            return new AdapterShape(rank, alpha, pairs);
        }
    }

    private static int CheckPairs(GgufFile adapter, GgufFile baseModel, out int pairs)
    {
        var byName = adapter.Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var stray = adapter.Tensors.FirstOrDefault(t => !t.Name.EndsWith(LoraA, StringComparison.Ordinal) && !t.Name.EndsWith(LoraB, StringComparison.Ordinal));
        if (stray is not null)
            throw new AdapterRejectedException($"Tensor '{stray.Name}' is not a LoRA factor (names must end in {LoraA} or {LoraB}).");
        var weights = adapter.Tensors.Select(t => t.Name[..^LoraA.Length]).Distinct(StringComparer.Ordinal).ToList();
        if (weights.Count == 0)
            throw new AdapterRejectedException("The adapter holds no LoRA tensors.");

        var rank = 0;
        foreach (var weight in weights)
        {
            if (!byName.TryGetValue(weight + LoraA, out var a) || !byName.TryGetValue(weight + LoraB, out var b))
                throw new AdapterRejectedException($"Weight '{weight}' needs both {LoraA} and {LoraB}.");
            var target = baseModel.FindTensor(weight)
                ?? throw new AdapterRejectedException($"Wrong base: weight '{weight}' does not exist in the judge model.");
            if (target.Shape.Length != 2 || a.Shape.Length > 2 || b.Shape.Length > 2)
                throw new AdapterRejectedException($"'{weight}' and its factors must be 2-D matrices.");
            long inputs = target.Shape[0], outputs = target.Shape[1], r = Dim(a, 1);
            if (Dim(a, 0) != inputs || Dim(b, 0) != r || Dim(b, 1) != outputs)
                throw new AdapterRejectedException(
                    $"Wrong base: '{weight}' is [{inputs}, {outputs}] in the judge model but the adapter has {LoraA} [{string.Join(", ", a.Shape)}] " +
                    $"and {LoraB} [{string.Join(", ", b.Shape)}] (expected [{inputs}, r] and [r, {outputs}]).");
            rank = Math.Max(rank, (int)r);
        }
        pairs = weights.Count;
        return rank;
    }

    // GGUF drops trailing dimensions of 1, so a rank-1 factor [n_in, 1] reads back as [n_in].
    private static long Dim(GgufTensorInfo tensor, int index) => index < tensor.Shape.Length ? tensor.Shape[index] : 1;

    /// <summary>The file ends where its last tensor's data ends (padded to the alignment): shorter is truncated, longer carries bytes no tensor owns.</summary>
    private static void CheckDataSize(GgufFile adapter)
    {
        var needed = adapter.DataOffset + adapter.Tensors.Max(t => t.Offset + t.SizeBytes);
        var padded = adapter.DataOffset + Align(needed - adapter.DataOffset, adapter.Alignment);
        var length = new FileInfo(adapter.Path).Length;
        if (length < needed)
            throw new AdapterRejectedException($"Truncated: the tensor data needs {needed} bytes but the file has {length}.");
        if (length > padded)
            throw new AdapterRejectedException($"The file is {length} bytes but its GGUF tensor data ends at byte {padded}: {length - padded} bytes belong to no tensor.");
    }

    private static long Align(long offset, long alignment) => alignment <= 1 ? offset : (offset + alignment - 1) / alignment * alignment;

    /// <summary>Every value of every factor is finite: one NaN or infinity would make every judgment with the adapter NaN.</summary>
    private static void CheckNumbers(GgufFile adapter)
    {
        using var file = new FileStream(adapter.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        foreach (var tensor in adapter.Tensors)
        {
            // The types convert_lora_to_gguf.py and our trainer write.
            if (!TensorNumbers.CanCheck(tensor.Type))
                throw new AdapterRejectedException($"'{tensor.Name}' is stored as {tensor.Type}; LoRA factors must be F32, F16, BF16 or Q8_0.");
            file.Position = adapter.DataOffset + tensor.Offset;
            if (TensorNumbers.FirstNonFinite(file, tensor) is { } index)
                throw new AdapterRejectedException($"'{tensor.Name}' holds a value that is not a finite number (NaN or infinity) at element {index}.");
        }
    }
}
