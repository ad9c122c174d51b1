namespace JudgeApi.Llama;

/// <summary>Checks a file before llama.cpp opens it, so a wrong path gets a clear message instead of a log line.</summary>
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
        return read == head.Length && head.SequenceEqual(Magic)
            ? null
            : $"File '{path}' is not a GGUF file (it does not start with the 'GGUF' magic).";
    }
}
