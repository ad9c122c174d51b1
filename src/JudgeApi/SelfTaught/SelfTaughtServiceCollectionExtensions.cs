using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace JudgeApi.SelfTaught;

public static partial class SelfTaughtServiceCollectionExtensions
{
    /// <summary>
    /// The self-taught pipeline: pool and iteration store under <c>Judge:DataDir</c>, and the background runner.
    /// The model is the service's judge engine unless another <see cref="IPipelineModel"/> was registered first.
    /// </summary>
    public static IServiceCollection AddSelfTaught(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SelfTaughtOptions>()
            .Bind(configuration.GetSection(SelfTaughtOptions.Section))
            .Configure(o => o.DataDir = configuration["Judge:DataDir"] ?? o.DataDir)
            .Validate(o => o.Categories.Count > 0 && o.Categories.All(c => CategoryName().IsMatch(c)),
                "Judge:SelfTaught:Categories must list at least one category, each of lowercase letters, digits, '-' or '_'.")
            .Validate(o => o.MaxInstructionLength > 0 && o.MaxResponseTokens > 0 && o.MaxJudgeReasoningTokens > 0 && o.ItemParallelism > 0 && o.SynthesisTemperature >= 0,
                "Judge:SelfTaught:MaxInstructionLength, MaxResponseTokens, MaxJudgeReasoningTokens and ItemParallelism must be positive, SynthesisTemperature not negative.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        // A relative Judge:DataDir is under the content root, like the service's other paths.
        services.AddSingleton(sp => new PipelineDatabase(Path.Combine(sp.GetRequiredService<IHostEnvironment>().ContentRootPath,
            sp.GetRequiredService<IOptions<SelfTaughtOptions>>().Value.DataDir)));
        services.TryAddSingleton<IPipelineModel, JudgeEnginePipelineModel>();
        services.AddSingleton<InstructionPool>();
        services.AddSingleton<IterationStore>();
        services.AddSingleton<IterationEvents>();
        services.AddSingleton<IterationPipeline>();
        services.AddSingleton<IterationRunner>();
        services.AddHostedService(sp => sp.GetRequiredService<IterationRunner>());
        return services;
    }

    [GeneratedRegex("^[a-z0-9_-]+$")]
    private static partial Regex CategoryName();
}
