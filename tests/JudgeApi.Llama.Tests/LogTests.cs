using System.Collections.Concurrent;

namespace JudgeApi.Llama.Tests;

// In the tiny-model collection so no other test of that collection loads models while the hook is swapped.
[Collection(TinyModelCollection.Name)]
public class LogTests(TinyModelFixture fixture)
{
    [Fact]
    public void Native_log_lines_reach_the_managed_hook_with_their_level()
    {
        var lines = new ConcurrentQueue<(LlamaLogLevel Level, string Text)>();
        var previous = LlamaRuntime.Log;
        LlamaRuntime.Log = (level, text) => lines.Enqueue((level, text));
        try
        {
            using var model = LlamaModel.Load(fixture.Path);
            // A GGUF that passes every structural check but holds no weights: llama.cpp itself refuses it.
            Assert.ThrowsAny<LlamaException>(() => LlamaModel.Load(RepoPaths.Vocab("gpt-2")));
        }
        finally
        {
            LlamaRuntime.Log = previous;
        }

        Assert.Contains(lines, l => l.Level == LlamaLogLevel.Info && l.Text.Contains("llama_model_loader"));
        Assert.Contains(lines, l => l.Level == LlamaLogLevel.Error && l.Text.Contains("failed to load model"));
        Assert.DoesNotContain(lines, l => l.Text.EndsWith('\n'));
    }

    [Fact]
    public void The_hook_cannot_be_set_to_null()
    {
        Assert.Throws<ArgumentNullException>(() => LlamaRuntime.Log = null!);
    }
}
