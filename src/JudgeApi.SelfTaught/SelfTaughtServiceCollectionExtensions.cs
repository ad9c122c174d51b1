using JudgeApi.Judging;
using JudgeApi.Training;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JudgeApi.SelfTaught;

public static class SelfTaughtServiceCollectionExtensions
{
    private const string TrainerSection = "Judge:Training";

    /// <summary>The connection string that moves the state from SQLite to a PostgreSQL database shared by replicas.</summary>
    public const string PostgresConnection = "Postgres";

    /// <summary>
    /// Self-taught iterations up to their dataset: the state store (SQLite under <c>Judge:DataDir</c>, or PostgreSQL
    /// shared by several replicas when <c>ConnectionStrings:Postgres</c> is set), the pool, the stores, the stages from
    /// classify to dataset, the background runner (on the leader) and, with PostgreSQL, the election, the messages
    /// between replicas and the worker that takes items on every replica. The model is the service's judge engine
    /// unless another <see cref="IIterationModel"/> was registered first.
    /// </summary>
    public static IServiceCollection AddSelfTaught(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddJudgeOptions(configuration);
        services.AddSection<SelfTaughtOptions>(configuration, SelfTaughtOptions.Section);
        // Known keys even where AddTrainingStages is not called (iterations then end with their dataset).
        services.AddSettingsOf<TrainerOptions>(configuration, TrainerSection);
        services.AddSettingsOf<EvaluationOptions>(configuration, EvaluationOptions.Section);
        services.AddSettingsOf<PromotionOptions>(configuration, PromotionOptions.Section);
        services.AddSettingsOf<AdapterOptions>(configuration, AdapterOptions.Section);
        services.AddSection<ScaleOutOptions>(configuration, ScaleOutOptions.Section);
        var postgres = configuration.GetConnectionString(PostgresConnection);
        if (string.IsNullOrWhiteSpace(postgres))
        {
            services.AddSingleton(sp => new SelfTaughtDatabase(sp.GetRequiredService<IOptions<JudgeOptions>>().Value.DataDir, sp.GetRequiredService<TimeProvider>()));
            services.AddSingleton<IReplicaBroadcast, SingleNodeBroadcast>();
            services.AddSingleton<IIterationLeadership, SingleNodeLeadership>();
        }
        else
        {
            services.AddSingleton(sp => SelfTaughtDatabase.Postgres(postgres, sp.GetRequiredService<TimeProvider>(), e =>
                sp.GetRequiredService<ILoggerFactory>().CreateLogger<SelfTaughtDatabase>().LogWarning(
                    "PostgreSQL cannot be reached yet ({Error}); the service is not ready until it can.", e.Message)));
            services.AddSingleton<PostgresBroadcast>();
            services.AddSingleton<IReplicaBroadcast>(sp => sp.GetRequiredService<PostgresBroadcast>());
            services.AddHostedService(sp => sp.GetRequiredService<PostgresBroadcast>());
            services.AddSingleton<IIterationLeadership, PostgresLeadership>();
            services.AddHostedService<ItemWorker>();
        }
        services.AddSingleton<ItemLeases>();
        services.AddHostedService(sp => sp.GetRequiredService<ItemLeases>());
        services.AddSingleton<LeaderTerms>();
        services.AddSingleton<SharedKeys>();
        services.AddSection<GeneratorOptions>(configuration, GeneratorOptions.Section).ResolvePaths((o, resolve) => o.ModelPath = resolve(o.ModelPath));
        services.TryAddSingleton(Generator);
        services.TryAddSingleton<IIterationModel, JudgeEngineIterationModel>();
        services.AddSingleton<InstructionPool>();
        services.AddSingleton<IterationStore>();
        services.AddSingleton<PairStore>();
        services.AddSingleton<CandidateStore>();
        services.AddSingleton<TrainingHistory>();
        services.AddSingleton<PairBrowser>();
        services.AddSingleton<IterationViews>();
        services.AddSingleton<IterationEvents>();
        services.AddSingleton<IIterationStage, ClassificationStage>();
        services.AddSingleton<IIterationStage, SelectionStage>();
        services.AddSingleton<IIterationStage, SynthesisStage>();
        services.AddSingleton<IIterationStage, AnnotationStage>();
        services.AddSingleton<IIterationStage, DatasetStage>();
        services.AddSingleton<IterationStages>();
        services.AddSingleton<IterationRunner>();
        services.AddHostedService(sp => sp.GetRequiredService<IterationRunner>());
        return services;
    }

    /// <summary>
    /// The stages after the dataset (train, evaluate, promote) and the adapter registry, which also tells the engine
    /// which adapter to start with. Needs <see cref="AddSelfTaught"/> and the judge engine; without this, an
    /// iteration ends with its dataset.
    /// </summary>
    public static IServiceCollection AddTrainingStages(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSection<TrainerOptions>(configuration, TrainerSection);
        services.AddSingleton<IValidateOptions<TrainerOptions>, TrainerOptionsValidator>();
        services.AddSection<EvaluationOptions>(configuration, EvaluationOptions.Section)
            .ResolvePaths((o, resolve) => o.LabeledSetPath = resolve(o.LabeledSetPath));
        services.AddSection<PromotionOptions>(configuration, PromotionOptions.Section);
        services.AddSection<AdapterOptions>(configuration, AdapterOptions.Section);
        services.AddRenamedKey("Judge:PromotionMargin", "Judge:Promotion:Margin");
        services.AddRenamedKey("Judge:EvalSetPath", "Judge:Evaluation:LabeledSetPath");
        services.AddRenamedKey("Judge:Training:Lr", "Judge:Training:LearningRate");
        services.AddRenamedKey("Judge:Training:MaxSeq", "Judge:Training:MaxSequenceLength");
        services.AddSingleton<AdapterFiles>();
        services.AddSingleton<AdapterRegistry>();
        if (services.Any(d => d.ServiceType == typeof(PostgresBroadcast)))
            services.AddHostedService<ActiveAdapterSync>();
        services.AddSingleton<IStartupAdapter>(sp => sp.GetRequiredService<AdapterRegistry>());
        services.AddSingleton<AdapterUpload>();
        services.AddSingleton<AdapterAudit>();
        services.AddSingleton<ManualCaseStore>();
        services.AddSingleton<PlaygroundJudge>();
        services.AddSingleton<HeldOutSet>();
        services.AddSingleton<PairwiseEvaluator>();
        services.AddSingleton<EvaluationItems>();
        services.AddSingleton<IIterationStage, TrainingStage>();
        services.AddSingleton<IIterationStage, EvaluationStage>();
        services.AddSingleton<IIterationStage, PromotionStage>();
        return services;
    }

    /// <summary>The model that writes the iterations' texts: <c>Judge:Generator</c>'s endpoint or GGUF file, else the judge engine.</summary>
    private static IGeneratorModel Generator(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<GeneratorOptions>>().Value;
        if (options.UsesEndpoint)
            return new OpenAiEndpointGenerator(options, services.GetRequiredService<ILogger<OpenAiEndpointGenerator>>());
        if (options.UsesFile)
            return new LlamaFileGenerator(options, services.GetRequiredService<IOptions<JudgeOptions>>().Value, services.GetRequiredService<JudgeMetrics>(),
                services.GetRequiredService<ILoggerFactory>());
        return new JudgeEngineGenerator(services.GetRequiredService<IJudgeEngine>());
    }

    /// <summary><c>Judge:Training:&lt;option&gt;</c> for each problem the trainer's own check finds.</summary>
    private sealed class TrainerOptionsValidator : IValidateOptions<TrainerOptions>
    {
        public ValidateOptionsResult Validate(string? name, TrainerOptions options)
        {
            var problems = options.Problems().Select(p => $"Judge:Training:{p.Option} {p.Problem}.").ToList();
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}
