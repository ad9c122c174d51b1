using JudgeApi.Llama.Native;

namespace JudgeApi.Llama.Gguf;

/// <summary>
/// Writes a model that is another one with new weights: the source's metadata (tokenizer, chat template,
/// hyperparameters) and tensor directory, with each tensor's values from the caller, as F32, F16 or Q8_0. F16 keeps
/// 1-D tensors (norms, biases) in F32 as converted models do; Q8_0 goes through llama.cpp's quantizer. A split source
/// gives one file. The file appears atomically.
/// </summary>
public static class TrainedModelWriter
{
    public static IReadOnlyList<GgmlType> Types { get; } = [GgmlType.F32, GgmlType.F16, GgmlType.Q8_0];

    /// <param name="trained">The tensors whose values are new; the others keep the source's bytes.</param>
    /// <param name="values">The F32 values of a trained tensor, in ggml order (asked for while the file is written).</param>
    public static void Write(string sourceModelPath, string outPath, GgmlType type, IReadOnlySet<string> trained, Func<string, float[]> values)
    {
        ArgumentNullException.ThrowIfNull(trained);
        ArgumentException.ThrowIfNullOrEmpty(outPath);
        ArgumentNullException.ThrowIfNull(values);
        if (!Types.Contains(type))
            throw new ArgumentOutOfRangeException(nameof(type), type, $"A trained model is written as one of {string.Join(", ", Types)}.");
        var fullPath = Path.GetFullPath(outPath);
        if (type == GgmlType.Q8_0)
        {
            var f32Path = $"{fullPath}.{Guid.NewGuid():N}.f32.tmp";
            try
            {
                WriteFloat(sourceModelPath, f32Path, GgmlType.F32, trained, values);
                ModelQuantizer.Quantize(f32Path, fullPath, type);
            }
            finally
            {
                File.Delete(f32Path);
            }
            return;
        }
        WriteFloat(sourceModelPath, fullPath, type, trained, values);
    }

    private static void WriteFloat(string sourceModelPath, string path, GgmlType type, IReadOnlySet<string> trained, Func<string, float[]> values)
    {
        using var source = GgufModelFiles.Open(sourceModelPath);
        using var writer = new GgufWriter(source.Tensors.Count);
        writer.CopyMetadata(source.Metadata);
        foreach (var key in source.Metadata.Keys.Where(k => k.StartsWith("split.", StringComparison.Ordinal)))
            writer.RemoveKey(key);
        writer.SetUInt32("general.file_type", (uint)(type == GgmlType.F16 ? llama_ftype.LLAMA_FTYPE_MOSTLY_F16 : llama_ftype.LLAMA_FTYPE_ALL_F32));
        foreach (var tensor in source.Tensors)
        {
            var info = tensor.Info;
            if (!trained.Contains(info.Name))
            {
                writer.AddTensor(info.Name, info.Type, info.Shape, stream => stream.Write(tensor.File.ReadTensorData(info)));
                continue;
            }
            var tensorType = FloatTensorEncoding.TypeFor(info.Shape.Length, type);
            writer.AddTensor(info.Name, tensorType, info.Shape, stream =>
            {
                var data = values(info.Name);
                if (data.LongLength != info.ElementCount)
                    throw new ArgumentException($"Tensor '{info.Name}' has {info.ElementCount} elements but {data.LongLength} values were given.", nameof(values));
                if (!data.All(float.IsFinite))
                    throw new LlamaException($"Tensor '{info.Name}' holds NaN or infinity (training diverged?); the model was not written.");
                FloatTensorEncoding.Write(stream, data, tensorType);
            });
        }
        writer.WriteFile(path);
    }
}
