namespace JudgeApi.Llama;

/// <summary>
/// Checks a file before llama.cpp opens it, so a wrong path or a corrupt or crafted file gets a clear message
/// instead of a log line: it exists, starts with the magic, and its header and directory hold (<see cref="Gguf.GgufStructure"/>).
/// </summary>
internal static class GgufMagic
{
    private static ReadOnlySpan<byte> Magic => "GGUF"u8;

    /// <summary>Null when the file exists and starts with the GGUF magic; otherwise why not.</summary>
    internal static string? Problem(string path)
    {
        if (!File.Exists(path))
            return $"File '{path}' does not exist.";
        Span<byte> head = stackalloc byte[4];
        using var stream = File.OpenRead(path);
        var read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        if (read != head.Length || !head.SequenceEqual(Magic))
            return $"File '{path}' is not a GGUF file (it does not start with the 'GGUF' magic).";
        stream.Close();
        return Gguf.GgufStructure.Problem(path) is { } problem ? $"File '{path}' is not a valid GGUF file: {problem}." : null;
    }
}
