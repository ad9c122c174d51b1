using System.Security.Cryptography;
using System.Text.Json;

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
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static string PathFor(string adapterPath) => adapterPath + ".json";

    /// <summary>Writes to a temporary file, flushes it and renames it into place.</summary>
    public void Write(string path)
    {
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                JsonSerializer.Serialize(stream, this, Json);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    public static AdapterManifest Read(string path) =>
        JsonSerializer.Deserialize<AdapterManifest>(File.ReadAllText(path), Json)
        ?? throw new InvalidDataException($"'{path}' is not an adapter manifest.");

    public static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
