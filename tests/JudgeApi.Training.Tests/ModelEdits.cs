using JudgeApi.Llama.Gguf;
using JudgeApi.Llama.Native;

namespace JudgeApi.Training.Tests;

/// <summary>Copies of a generated model with a metadata key or a tensor added: the features real models have that the trainer refuses.</summary>
internal static class ModelEdits
{
    /// <param name="extraTensors">F32 tensors of zeros to add, by name and shape.</param>
    public static string CopyWith(string sourcePath, Action<GgufWriter> metadata, params (string Name, long[] Shape)[] extraTensors)
    {
        var path = Path.Combine(TestModels.NewDirectory(), "edited.gguf");
        using var source = GgufFile.Open(sourcePath);
        using var writer = new GgufWriter(source.Tensors.Count + extraTensors.Length);
        writer.CopyMetadata(source);
        metadata(writer);
        foreach (var tensor in source.Tensors)
            writer.AddTensor(tensor.Name, tensor.Type, tensor.Shape, s => s.Write(source.ReadTensorData(tensor)));
        foreach (var (name, shape) in extraTensors)
            writer.AddTensor(name, GgmlType.F32, shape, s => s.Write(new byte[shape.Aggregate(1L, (n, d) => n * d) * sizeof(float)]));
        writer.WriteFile(path);
        return path;
    }
}
