using System.Runtime.InteropServices;
using JudgeApi.Llama.Native;

namespace JudgeApi.Llama.Gguf;

/// <summary>
/// Writes LoRA adapters in the GGUF layout llama_adapter_lora_init loads: general.type = adapter, the base
/// model's general.architecture, adapter.type = lora, adapter.lora.alpha, and F32 tensors
/// "&lt;weight&gt;.lora_a" (ne [n_in, r]) and "&lt;weight&gt;.lora_b" (ne [r, n_out]) per adapted weight.
/// Every pair is checked against the base model's tensor directory first, so a file that llama.cpp would
/// refuse is never written.
/// </summary>
public static class LoraAdapterWriter
{
    public static void Write(string path, string baseModelPath, float alpha, IReadOnlyList<LoraTensorPair> pairs)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(pairs);
        if (!float.IsFinite(alpha) || alpha <= 0)
            throw new LlamaAdapterException($"LoRA alpha must be a positive finite number, got {alpha}.");
        if (pairs.Count == 0)
            throw new LlamaAdapterException("A LoRA adapter needs at least one tensor pair.");

        string architecture;
        var shapes = new List<(LoraTensorPair Pair, long Inputs, long Outputs)>(pairs.Count);
        try
        {
            using var baseModel = GgufModelFiles.Open(baseModelPath);
            architecture = baseModel.Metadata.Architecture
                ?? throw new LlamaAdapterException($"Base model '{baseModel.Metadata.Path}' has no general.architecture.");
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var pair in pairs)
            {
                var (inputs, outputs) = CheckPair(pair, baseModel);
                if (!seen.Add(pair.WeightName))
                    throw new LlamaAdapterException($"Weight '{pair.WeightName}' appears twice in the adapter.");
                shapes.Add((pair, inputs, outputs));
            }
        }
        catch (LlamaModelLoadException e)
        {
            throw new LlamaAdapterException($"Cannot read the base model of the adapter: {e.Message}", e);
        }

        using var writer = new GgufWriter(2 * pairs.Count);
        writer.SetString("general.type", "adapter");
        writer.SetString("general.architecture", architecture);
        writer.SetString("adapter.type", "lora");
        writer.SetFloat("adapter.lora.alpha", alpha);
        foreach (var (pair, inputs, outputs) in shapes)
        {
            writer.AddTensor(pair.WeightName + ".lora_a", GgmlType.F32, [inputs, pair.Rank], s => s.Write(MemoryMarshal.AsBytes(pair.A.AsSpan())));
            writer.AddTensor(pair.WeightName + ".lora_b", GgmlType.F32, [pair.Rank, outputs], s => s.Write(MemoryMarshal.AsBytes(pair.B.AsSpan())));
        }
        writer.WriteFile(path);
    }

    private static (long Inputs, long Outputs) CheckPair(LoraTensorPair pair, GgufModelFiles baseModel)
    {
        ArgumentNullException.ThrowIfNull(pair);
        var name = pair.WeightName;
        var weight = baseModel.FindTensor(name)?.Info
            ?? throw new LlamaAdapterException($"Weight '{name}' does not exist in base model '{baseModel.Metadata.Path}'; LoRA pairs must name its tensors (e.g. blk.0.attn_q.weight).");
        if (name == "token_embd.weight" || weight.Shape.Length != 2)
            throw new LlamaAdapterException($"Weight '{name}' (shape [{string.Join(", ", weight.Shape)}]) cannot be adapted: only 2-D projection matrices other than token_embd are supported.");
        // the tensor names get a 7-byte suffix and must still fit ggml's name limit
        if (System.Text.Encoding.UTF8.GetByteCount(name) + ".lora_a".Length >= ggml_tensor.GGML_MAX_NAME)
            throw new LlamaAdapterException($"Weight name '{name}' is too long for a LoRA tensor name.");

        long inputs = weight.Shape[0], outputs = weight.Shape[1];
        if (pair.Rank <= 0 || pair.Rank > Math.Min(inputs, outputs))
            throw new LlamaAdapterException($"LoRA rank {pair.Rank} for '{name}' must be between 1 and {Math.Min(inputs, outputs)}.");
        ArgumentNullException.ThrowIfNull(pair.A);
        ArgumentNullException.ThrowIfNull(pair.B);
        if (pair.A.LongLength != inputs * pair.Rank)
            throw new LlamaAdapterException($"LoRA A for '{name}' has {pair.A.Length} values; expected n_in x rank = {inputs} x {pair.Rank} = {inputs * pair.Rank}.");
        if (pair.B.LongLength != pair.Rank * outputs)
            throw new LlamaAdapterException($"LoRA B for '{name}' has {pair.B.Length} values; expected rank x n_out = {pair.Rank} x {outputs} = {pair.Rank * outputs}.");
        if (!pair.A.All(float.IsFinite) || !pair.B.All(float.IsFinite))
            throw new LlamaAdapterException($"LoRA factors for '{name}' contain NaN or infinity (training diverged?).");
        return (inputs, outputs);
    }
}
