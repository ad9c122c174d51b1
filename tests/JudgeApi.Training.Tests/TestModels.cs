using JudgeApi.Llama.Gguf;

namespace JudgeApi.Training.Tests;

/// <summary>
/// Generated models shared by the tests of this assembly, written once per build of the model writer (the
/// directory is keyed by its assembly's MVID, so a changed writer never serves stale files).
/// </summary>
internal static class TestModels
{
    private static readonly string Root = Path.Combine(Path.GetTempPath(), "judgeapi-training-tests",
        typeof(TestModelWriter).Assembly.ManifestModule.ModuleVersionId.ToString("N"));
    private static readonly Dictionary<TestModelSpec, Lazy<string>> Cache = [];
    private static readonly Lock Gate = new();

    public static string PathOf(TestModelSpec spec)
    {
        Lazy<string> lazy;
        lock (Gate)
        {
            if (!Cache.TryGetValue(spec, out lazy!))
            {
                lazy = new Lazy<string>(() =>
                {
                    var path = Path.Combine(Root, $"{spec.Architecture}-{spec.Preset}-{spec.Type}-{spec.Seed}.gguf".ToLowerInvariant());
                    if (!File.Exists(path))
                        TestModelWriter.Write(spec, path);
                    return path;
                });
                Cache[spec] = lazy;
            }
        }
        return lazy.Value;
    }

    /// <summary>A fresh directory for files a test writes itself.</summary>
    public static string NewDirectory()
    {
        var dir = Path.Combine(Root, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }
}
