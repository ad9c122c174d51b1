using System.Reflection;
using JudgeApi.Cli;
using JudgeApi.Training;
using Microsoft.Extensions.Configuration;

namespace JudgeApi.Tests.Cli;

/// <summary>The train command's flags are the trainer's options, bound like the service's Judge:Training section.</summary>
public sealed class TrainCommandTests : IDisposable
{
    private static readonly string[] Required = ["--model", "base.gguf", "--dataset", "data.ndjson", "--out", "adapter.gguf"];

    private readonly string _dir = Directory.CreateTempSubdirectory("judgeapi-cli-train-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (TrainerOptions Options, List<string> Problems) Bind(params string[] flags) =>
        TrainCommand.BindTrainerOptions(TrainCommand.Create().Parse([.. Required, .. flags]));

    [Fact]
    public void Every_trainer_option_is_a_flag_named_after_it_and_there_are_no_others()
    {
        var settable = typeof(TrainerOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true });
        var expected = settable.Select(p => TrainCommand.FlagOf(p.Name)).Concat(["--model", "--dataset", "--out", "--chat-template"]).Order();

        Assert.Equal(expected, TrainCommand.Create().Options.Select(o => o.Name).Order());
        Assert.Equal("--max-sequence-length", TrainCommand.FlagOf(nameof(TrainerOptions.MaxSequenceLength)));
    }

    [Fact]
    public void Unset_flags_keep_the_trainer_defaults()
    {
        var (options, problems) = Bind();

        Assert.Empty(problems);
        Assert.Equal(new TrainerOptions(), options);
    }

    [Fact]
    public void Flags_give_the_options_the_service_binds_from_the_same_keys()
    {
        var (options, problems) = Bind("--rank", "8", "--alpha", "16", "--learning-rate", "1e-3", "--warmup-fraction", "0.25",
            "--final-learning-rate-fraction", "0.5", "--weight-decay", "0.01", "--epochs", "3", "--batch-size", "2",
            "--max-sequence-length", "64", "--max-steps", "5", "--seed", "7", "--threads", "2", "--targets", "attn_q, ffn_down");

        var service = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Judge:Training:Rank"] = "8",
            ["Judge:Training:Alpha"] = "16",
            ["Judge:Training:LearningRate"] = "1e-3",
            ["Judge:Training:WarmupFraction"] = "0.25",
            ["Judge:Training:FinalLearningRateFraction"] = "0.5",
            ["Judge:Training:WeightDecay"] = "0.01",
            ["Judge:Training:Epochs"] = "3",
            ["Judge:Training:BatchSize"] = "2",
            ["Judge:Training:MaxSequenceLength"] = "64",
            ["Judge:Training:MaxSteps"] = "5",
            ["Judge:Training:Seed"] = "7",
            ["Judge:Training:Threads"] = "2",
            ["Judge:Training:Targets:0"] = "attn_q",
            ["Judge:Training:Targets:1"] = "ffn_down",
        }).Build().GetSection("Judge:Training").Get<TrainerOptions>()!;

        Assert.Empty(problems);
        Assert.Equal(service with { Targets = null }, options with { Targets = null });
        Assert.Equal(["attn_q", "ffn_down"], options.Targets);
        Assert.Equal(service.Targets, options.Targets);
        Assert.Equal((8, 1e-3f, 64, 5), (options.Rank, options.LearningRate, options.MaxSequenceLength, options.MaxSteps));
    }

    [Fact]
    public void Problems_name_the_flag()
    {
        Assert.Equal(["--rank must be at least 1, got 0"], Bind("--rank", "0").Problems);
        Assert.Equal(["--max-sequence-length must be at least 2, got 1", "--threads must not be negative (0 uses every core), got -1"],
            Bind("--max-sequence-length", "1", "--threads", "-1").Problems);
        Assert.Equal(["--learning-rate must be a number, got 'fast'", "--batch-size must be a whole number, got 'two'"],
            Bind("--batch-size", "two", "--learning-rate", "fast").Problems);
        Assert.Contains("--targets names unknown LoRA target 'attn_z'", Bind("--targets", "attn_q,attn_z").Problems.Single());
    }

    [Theory]
    [InlineData("--rank", "0")]
    [InlineData("--learning-rate", "fast")]
    [InlineData("--lr", "1e-3")] // the old spelling is not a flag any more
    public async Task Invalid_flags_fail_before_training(string flag, string value)
    {
        var output = Path.Combine(_dir, "adapter.gguf");
        var dataset = Path.Combine(_dir, "data.ndjson");
        File.WriteAllText(dataset, "{\"messages\":[{\"role\":\"user\",\"content\":\"Q\"},{\"role\":\"assistant\",\"content\":\"A\"}]}\n");

        var exit = await CliCommands.RunAsync(["train", "--model", TestModels.Tiny(), "--dataset", dataset, "--out", output, flag, value]);

        Assert.NotEqual(0, exit);
        Assert.False(File.Exists(output));
    }
}
