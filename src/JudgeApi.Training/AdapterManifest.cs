using System.Text.Json;
using JudgeApi.Llama.IO;

namespace JudgeApi.Training;

/// <summary>The JSON sidecar written next to an adapter (&lt;adapter&gt;.json): what it was trained from and how.</summary>
public sealed record AdapterManifest(
    string BaseModel,
    string BaseModelSha256,
    string Architecture,
    int Rank,
    float Alpha,
    IReadOnlyList<string> Targets,
    int Steps,
    int Examples,
    float FinalLoss,
    int Seed,
    float LearningRate,
    int Epochs,
    int MaxSequenceLength,
    DateTimeOffset CreatedUtc)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerOptions.Web) { WriteIndented = true };

    public static string PathFor(string adapterPath) => adapterPath + ".json";

    /// <summary>Writes atomically (<see cref="AtomicFile"/>).</summary>
    public void Write(string path) => AtomicFile.Write(path, stream => JsonSerializer.Serialize(stream, this, Json));
}
