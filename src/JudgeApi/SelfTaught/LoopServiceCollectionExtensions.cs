using JudgeApi.Adapters;

namespace JudgeApi.SelfTaught;

public static class LoopServiceCollectionExtensions
{
    /// <summary>
    /// The stages after the dataset (train, evaluate, promote) and the adapter registry. Needs <see cref="SelfTaughtServiceCollectionExtensions.AddSelfTaught"/>
    /// and the judge engine; without this, an iteration ends with its dataset.
    /// </summary>
    public static IServiceCollection AddIterationLoop(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<LoopOptions>().Bind(configuration.GetSection(LoopOptions.Section))
            .Validate(o => double.IsFinite(o.PromotionMargin), "Judge:PromotionMargin must be a finite number.")
            .Validate(o => o.Training is { Rank: >= 1, Alpha: > 0, Lr: > 0, Epochs: >= 1, MaxSeq: >= 2, Threads: >= 0, BatchSize: >= 1, MaxSteps: null or >= 1 },
                "Judge:Training: Rank, Alpha, Lr, Epochs, BatchSize and MaxSteps must be positive, MaxSeq at least 2, Threads not negative.")
            .Validate(o => o.Evaluation is { HeldOutPairs: >= 0, MaxReasoningTokens: >= 1, MaxLabeledPairs: >= 0 }
                           && Contracts.JudgeModes.IsValid(o.Evaluation.Mode),
                "Judge:Evaluation: Mode must be reasoning or direct, MaxReasoningTokens positive, HeldOutPairs and MaxLabeledPairs not negative.")
            .ValidateOnStart();
        services.AddOptions<AdapterOptions>().Bind(configuration.GetSection(AdapterOptions.Section));
        services.AddSingleton<IterationLoopStore>();
        services.AddSingleton<AdapterRegistry>();
        services.AddSingleton<AdapterUpload>();
        services.AddSingleton<HeldOutSet>();
        services.AddSingleton<PairwiseEvaluator>();
        services.AddSingleton<TrainingStage>();
        services.AddSingleton<EvaluationStage>();
        services.AddSingleton<PromotionStage>();
        services.AddSingleton<IterationLoop>();
        return services;
    }
}
