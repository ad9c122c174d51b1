using System.Text.Json;
using JudgeApi.Llama.IO;

namespace JudgeApi.Training;

/// <summary>The JSON sidecar written next to a fully trained model (&lt;model&gt;.json): what it was trained from and how.</summary>
public sealed record ModelManifest(
    string BaseModel,
    string BaseModelSha256,
    string Architecture,
    string Type,
    long Parameters,
    int Steps,
    int Examples,
    float InitialLoss,
    float FinalLoss,
    int Seed,
    float LearningRate,
    float WeightDecay,
    int Epochs,
    int BatchSize,
    int MaxSequenceLength,
    DateTimeOffset CreatedUtc)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerOptions.Web) { WriteIndented = true };

    public static string PathFor(string modelPath) => modelPath + ".json";

    /// <summary>Writes atomically (<see cref="AtomicFile"/>).</summary>
    public void Write(string path) => AtomicFile.Write(path, stream => JsonSerializer.Serialize(stream, this, Json));
}
