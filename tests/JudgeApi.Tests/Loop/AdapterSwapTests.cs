using JudgeApi.Judging;
using JudgeApi.Llama;
using JudgeApi.Tests.SelfTaught;
using JudgeApi.Tests.Service;
using Microsoft.Extensions.DependencyInjection;

namespace JudgeApi.Tests.Loop;

/// <summary>Activating an adapter while work runs: the running work keeps the weights it started on, new work gets the adapter.</summary>
public sealed class AdapterSwapTests
{
    private static readonly ChatMessage[] Prompt = [new("user", "Count slowly from one to one hundred.")];
    private static readonly GenerationRequest Greedy = new(MaxTokens: 300);

    [Fact]
    public async Task A_generation_running_during_activation_finishes_on_the_base_model_and_the_next_one_uses_the_adapter()
    {
        using var data = new TempDirectory();
        await using var server = await JudgeServer.StartAsync(("Judge:DataDir", data.Path));
        var engine = server.Services.GetRequiredService<IJudgeEngine>();
        var adapter = AdapterFiles.Strong(data.Path);
        var baseText = (await engine.GenerateAsync(Prompt, Greedy, WorkPriority.Interactive, CancellationToken.None)).Text;

        var running = engine.GenerateAsync(Prompt, Greedy, WorkPriority.Interactive, CancellationToken.None);
        engine.ActivateAdapter(adapter);
        Assert.False(running.IsCompleted);
        var afterSwap = engine.GenerateAsync(Prompt, Greedy, WorkPriority.Interactive, CancellationToken.None);

        Assert.Equal(baseText, (await running).Text);
        Assert.NotEqual(baseText, (await afterSwap).Text);
        Assert.Equal(Path.GetFullPath(adapter), engine.Model.AdapterPath);

        engine.ActivateAdapter(null);
        Assert.Equal(baseText, (await engine.GenerateAsync(Prompt, Greedy, WorkPriority.Interactive, CancellationToken.None)).Text);
        Assert.Null(engine.Model.AdapterPath);
    }
}
