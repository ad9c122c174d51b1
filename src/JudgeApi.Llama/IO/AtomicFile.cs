namespace JudgeApi.Llama.IO;

/// <summary>
/// The one way the project writes a file that must survive a crash whole or not at all: into a temp file beside the
/// target (same directory, so the rename is atomic), flushed to disk, then renamed over the target.
/// </summary>
public static class AtomicFile
{
    /// <summary>A fresh temp name beside <paramref name="path"/>.</summary>
    public static string TempPathFor(string path) => $"{path}.{Guid.NewGuid():N}.tmp";

    /// <summary>Writes the file through <paramref name="write"/>; on failure the target is untouched and no temp file stays.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        var temp = TempPathFor(path);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>
    /// Flushes a complete temp file (one native code wrote, or one checked before it goes live) to disk and renames
    /// it to <paramref name="path"/>.
    /// </summary>
    public static void Publish(string tempPath, string path, bool overwrite = true)
    {
        using (var stream = new FileStream(tempPath, FileMode.Open, FileAccess.ReadWrite))
            stream.Flush(flushToDisk: true);
        File.Move(tempPath, path, overwrite);
    }
}
