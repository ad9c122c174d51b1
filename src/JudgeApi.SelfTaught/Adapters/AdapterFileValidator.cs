using JudgeApi.Llama;
using JudgeApi.Llama.Gguf;
using JudgeApi.Llama.Native;

namespace JudgeApi.SelfTaught;

/// <summary>An adapter file that cannot be used with the base model; the message says why.</summary>
public sealed class AdapterRejectedException(string message) : Exception(message);

/// <summary>Rank and alpha read from a checked adapter file (alpha = rank when the file has none: llama.cpp then scales by 1).</summary>
public sealed record AdapterShape(int Rank, float Alpha, int Pairs);

/// <summary>
/// Checks a GGUF LoRA adapter against the base model (every shard of a split one) before llama.cpp ever loads it, by
/// the rules of llama.cpp's loader (llama_adapter_lora_init): adapter metadata, a sane alpha, architecture, every
/// <c>&lt;weight&gt;.lora_a/lora_b</c> pair against the base weight's shape (token_embd in the converter's flipped
/// layout), <c>*_norm.weight</c> tensors (mergekit-extract-lora writes them) ignored as llama.cpp ignores them, that
/// the file holds exactly its tensor data, and that every number in it is finite. It refuses what llama.cpp would
/// abort on rather than refuse (a non-float alpha).
/// </summary>
public static class AdapterFileValidator
{
    private const string LoraA = ".lora_a", LoraB = ".lora_b", IgnoredNorm = "_norm.weight";
    private const string AlphaKey = "adapter.lora.alpha", InvocationTokensKey = "adapter.alora.invocation_tokens";

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
        using (var baseModel = GgufModelFiles.Open(baseModelPath))
        {
            if (!adapter.TryGetString("general.type", out var type) || type != "adapter")
                throw new AdapterRejectedException($"Not an adapter: general.type is '{(type.Length == 0 ? "missing" : type)}', expected 'adapter' (a full model cannot be uploaded as an adapter).");
            if (!adapter.TryGetString("adapter.type", out var adapterType) || adapterType != "lora")
                throw new AdapterRejectedException($"Not a LoRA adapter: adapter.type is '{(adapterType.Length == 0 ? "missing" : adapterType)}', expected 'lora'.");
            if (adapter.Architecture != baseModel.Metadata.Architecture)
                throw new AdapterRejectedException($"Wrong base: the adapter is for architecture '{adapter.Architecture}', the judge model is '{baseModel.Metadata.Architecture}'.");
            var alpha = ReadAlpha(adapter);
            if (adapter.GetValueType(InvocationTokensKey) is not null && adapter.GetArrayElementType(InvocationTokensKey) != GgufType.UInt32)
                throw new AdapterRejectedException($"{InvocationTokensKey} must be an array of uint32 token ids.");

            var rank = CheckPairs(adapter, baseModel, out var pairs);
            if (alpha is { } scaled && scaled / rank > MaxScale)
                throw new AdapterRejectedException($"adapter.lora.alpha is {alpha} with rank {rank}: a scale alpha/rank of {scaled / rank:G3} is beyond {MaxScale}, which no trained adapter uses.");
            CheckDataSize(adapter);
            CheckNumbers(adapter);
            return new AdapterShape(rank, alpha ?? rank, pairs);
        }
    }

    /// <summary>
    /// Optional: missing or 0, llama.cpp applies B·A unscaled (as alpha = rank does). When present it must be an F32,
    /// which llama.cpp reads without checking the type, and (stricter than llama.cpp) not negative or NaN.
    /// </summary>
    private static float? ReadAlpha(GgufFile adapter)
    {
        if (adapter.GetValueType(AlphaKey) is null)
            return null;
        if (!adapter.TryGetFloat(AlphaKey, out var alpha))
            throw new AdapterRejectedException($"{AlphaKey} is stored as {adapter.GetValueType(AlphaKey)}; it must be a float32.");
        if (!float.IsFinite(alpha) || alpha < 0)
            throw new AdapterRejectedException($"{AlphaKey} is {alpha}; it must be a positive number (or 0 for no scaling).");
        return alpha == 0 ? null : alpha;
    }

    private static int CheckPairs(GgufFile adapter, GgufModelFiles baseModel, out int pairs)
    {
        var byName = adapter.Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var factors = adapter.Tensors.Where(t => !t.Name.EndsWith(IgnoredNorm, StringComparison.Ordinal)).ToList();
        var stray = factors.FirstOrDefault(t => !t.Name.EndsWith(LoraA, StringComparison.Ordinal) && !t.Name.EndsWith(LoraB, StringComparison.Ordinal));
        if (stray is not null)
            throw new AdapterRejectedException($"Tensor '{stray.Name}' is not a LoRA factor (names must end in {LoraA} or {LoraB}; {IgnoredNorm} tensors are ignored).");
        var weights = factors.Select(t => t.Name[..^LoraA.Length]).Distinct(StringComparer.Ordinal).ToList();
        if (weights.Count == 0)
            throw new AdapterRejectedException("The adapter holds no LoRA tensors.");

        var rank = 0;
        foreach (var weight in weights)
        {
            if (!byName.TryGetValue(weight + LoraA, out var a) || !byName.TryGetValue(weight + LoraB, out var b))
                throw new AdapterRejectedException($"Weight '{weight}' needs both {LoraA} and {LoraB}.");
            // a tied-embedding base has no output.weight, so an lm_head LoRA has nothing to apply to (llama.cpp refuses it too)
            var target = baseModel.FindTensor(weight)?.Info
                ?? throw new AdapterRejectedException($"Wrong base: weight '{weight}' does not exist in the judge model.");
            if (target.Shape.Length > 2 || a.Shape.Length > 2 || b.Shape.Length > 2)
                throw new AdapterRejectedException($"'{weight}' and its factors must be matrices.");
            long inputs = Dim(target, 0), outputs = Dim(target, 1);
            rank = Math.Max(rank, (int)(weight.EndsWith("token_embd.weight", StringComparison.Ordinal)
                ? CheckEmbeddingPair(weight, inputs, outputs, a, b)
                : CheckProjectionPair(weight, inputs, outputs, a, b)));
        }
        pairs = weights.Count;
        return rank;
    }

    /// <summary>W [n_in, n_out]: A [n_in, r], B [r, n_out].</summary>
    private static long CheckProjectionPair(string weight, long inputs, long outputs, GgufTensorInfo a, GgufTensorInfo b)
    {
        long r = Dim(a, 1);
        if (Dim(a, 0) != inputs || Dim(b, 1) != outputs || Dim(b, 0) != r)
            throw new AdapterRejectedException(
                $"Wrong base: '{weight}' is [{inputs}, {outputs}] in the judge model but the adapter has {LoraA} [{Shape(a)}] " +
                $"and {LoraB} [{Shape(b)}] (expected [{inputs}, r] and [r, {outputs}]).");
        return r;
    }

    /// <summary>
    /// token_embd [n_embd, n_vocab] is looked up, not multiplied, so llama.cpp takes its pair flipped (llm_build_inp_embd;
    /// convert_lora_to_gguf.py writes it so): A [r, n_vocab], B [r, n_embd].
    /// </summary>
    private static long CheckEmbeddingPair(string weight, long embedding, long vocabulary, GgufTensorInfo a, GgufTensorInfo b)
    {
        long r = Dim(a, 0);
        if (Dim(a, 1) != vocabulary || Dim(b, 1) != embedding || Dim(b, 0) != r)
            throw new AdapterRejectedException(
                $"Wrong base: '{weight}' is [{embedding}, {vocabulary}] in the judge model but the adapter has {LoraA} [{Shape(a)}] " +
                $"and {LoraB} [{Shape(b)}] (an embedding LoRA is [r, {vocabulary}] and [r, {embedding}]).");
        return r;
    }

    // GGUF drops trailing dimensions of 1, so a rank-1 factor [n_in, 1] reads back as [n_in].
    private static long Dim(GgufTensorInfo tensor, int index) => index < tensor.Shape.Length ? tensor.Shape[index] : 1;

    private static string Shape(GgufTensorInfo tensor) => string.Join(", ", tensor.Shape);

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
