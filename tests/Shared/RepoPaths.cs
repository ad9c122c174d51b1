namespace JudgeApi.Testing;

/// <summary>Files of the llama.cpp source bundle the build clones into .cache/llama.cpp.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>A vocab-only GGUF shipped with llama.cpp, e.g. "llama-bpe", "llama-spm", "gpt-2".</summary>
    public static string Vocab(string name) => Path.Combine(Root, ".cache", "llama.cpp", "models", $"ggml-vocab-{name}.gguf");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "JudgeApi.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("JudgeApi.sln not found above the test binaries.");
    }
}
