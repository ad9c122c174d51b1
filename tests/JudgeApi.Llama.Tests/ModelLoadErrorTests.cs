namespace JudgeApi.Llama.Tests;

public class ModelLoadErrorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("judgeapi-load-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Missing_file_names_the_path()
    {
        var path = Path.Combine(_dir, "nope.gguf");

        var e = Assert.Throws<LlamaModelLoadException>(() => LlamaModel.Load(path));

        Assert.Contains(path, e.Message);
        Assert.Contains("does not exist", e.Message);
    }

    [Fact]
    public void Non_gguf_file_is_refused_before_llama_cpp_sees_it()
    {
        var path = Path.Combine(_dir, "model.bin");
        File.WriteAllText(path, "this is not a model");

        var e = Assert.Throws<LlamaModelLoadException>(() => LlamaModel.Load(path));

        Assert.Contains("not a GGUF file", e.Message);
    }

    [Fact]
    public void Truncated_gguf_is_refused_with_the_reason_before_llama_cpp_sees_it()
    {
        var path = Path.Combine(_dir, "truncated.gguf");
        var bytes = File.ReadAllBytes(RepoPaths.Vocab("llama-bpe"));
        File.WriteAllBytes(path, bytes.AsSpan(0, bytes.Length / 3).ToArray());

        var e = Assert.Throws<LlamaModelLoadException>(() => LlamaModel.Load(path, new ModelOptions { VocabOnly = true }));

        Assert.Contains("not a valid GGUF file", e.Message);
        Assert.Contains(path, e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void A_gguf_without_weights_reports_llama_cpp_reason()
    {
        var e = Assert.Throws<LlamaModelLoadException>(() => LlamaModel.Load(RepoPaths.Vocab("gpt-2")));

        Assert.Contains("could not load", e.Message);
        Assert.Contains("llama_model_load", e.Message); // llama.cpp's own reason, captured from its log
    }
}
