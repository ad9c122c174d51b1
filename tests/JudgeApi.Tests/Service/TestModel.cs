using JudgeApi.Llama.Gguf;

namespace JudgeApi.Tests.Service;

/// <summary>The generated tiny model the service tests run on, written once per build of the writer.</summary>
internal static class TestModel
{
    private static readonly Lazy<string> TinyPath = new(() =>
    {
        var dir = Path.Combine(Path.GetTempPath(), "judgeapi-service-tests", typeof(TestModelWriter).Assembly.ManifestModule.ModuleVersionId.ToString("N"));
        var path = Path.Combine(dir, "tiny-llama.gguf");
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(dir);
            TestModelWriter.Write(new TestModelSpec(), path);
        }
        return path;
    });

    public static string Tiny => TinyPath.Value;
}
