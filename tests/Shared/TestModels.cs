using JudgeApi.Llama.Gguf;

namespace JudgeApi.Testing;

/// <summary>
/// Generated models shared by every test assembly (linked into each by tests/Directory.Build.props). Each spec is written once per build of the binding
/// (the directory is keyed by the binding assembly's MVID, so a changed writer never serves stale files);
/// directories of builds untouched for a day, and scratch directories of finished test processes, are removed.
/// </summary>
internal static class TestModels
{
    private static readonly string Parent = Path.Combine(Path.GetTempPath(), "judgeapi-tests");
    private static readonly string Root = Path.Combine(Parent, typeof(TestModelWriter).Assembly.ManifestModule.ModuleVersionId.ToString("N"));
    private static readonly string Scratch = Path.Combine(Parent, $"scratch-{Environment.ProcessId}");
    private static readonly Dictionary<TestModelSpec, Lazy<string>> Cache = [];
    private static readonly Lock Gate = new();

    static TestModels()
    {
        Directory.CreateDirectory(Root);
        Directory.SetLastWriteTimeUtc(Root, DateTime.UtcNow);
        // the test host is often killed rather than exited, so scratch space is reclaimed by the next run
        foreach (var dir in new DirectoryInfo(Parent).GetDirectories())
        {
            var stale = dir.Name.StartsWith("scratch-", StringComparison.Ordinal)
                ? !IsRunning(dir.Name["scratch-".Length..])
                : dir.LastWriteTimeUtc < DateTime.UtcNow.AddDays(-1);
            try
            {
                if (stale)
                    dir.Delete(recursive: true);
            }
            catch (IOException)
            {
                // another test process is sweeping the same directory
            }
        }
    }

    private static bool IsRunning(string pid) =>
        int.TryParse(pid, out var id) && Directory.Exists($"/proc/{id}");

    public static string PathOf(TestModelSpec spec)
    {
        Lazy<string> lazy;
        lock (Gate)
        {
            if (!Cache.TryGetValue(spec, out lazy!))
            {
                lazy = new Lazy<string>(() =>
                {
                    // Every field of the spec (null apart from empty), so specs that differ only in a vocab or a template get their own file.
                    var id = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(spec)))[..12];
                    var path = Path.Combine(Root, $"{spec.Architecture}-{spec.Preset}-{spec.Type}-{spec.Seed}-{id}.gguf".ToLowerInvariant());
                    if (!File.Exists(path))
                        TestModelWriter.Write(spec, path);
                    return path;
                });
                Cache[spec] = lazy;
            }
        }
        return lazy.Value;
    }

    public static string Tiny(string architecture = "llama") => PathOf(new TestModelSpec(architecture));

    /// <summary>A fresh directory for files a test writes itself (removed by a later run once this process is gone).</summary>
    public static string NewDirectory()
    {
        var dir = Path.Combine(Scratch, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }
}
