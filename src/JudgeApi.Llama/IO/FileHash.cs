using System.Security.Cryptography;

namespace JudgeApi.Llama.IO;

/// <summary>Content hashes of model and adapter files (cache keys, manifests, the registry).</summary>
public static class FileHash
{
    /// <summary>SHA-256 of the file's bytes, lowercase hex.</summary>
    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
