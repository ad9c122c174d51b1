using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace JudgeApi.Judging;

public static class JudgingServiceCollectionExtensions
{
    /// <summary>
    /// The judge: <c>Judge</c> options, the llama.cpp engine (loaded in the background after start-up), the judgment
    /// cache (Redis when <c>ConnectionStrings:Redis</c> is set, else in-process) and the judge service.
    /// </summary>
    public static IServiceCollection AddJudging(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddJudgeOptions(configuration);
        services.AddMetrics();
        AddJudgmentCache(services, configuration.GetConnectionString("Redis"));
        services.AddSingleton<JudgeMetrics>();
        services.AddSingleton<LlamaJudgeEngine>();
        services.AddSingleton<IJudgeEngine>(sp => sp.GetRequiredService<LlamaJudgeEngine>());
        services.AddSingleton<JudgeEngineLoader>();
        services.AddHostedService(sp => sp.GetRequiredService<JudgeEngineLoader>());
        services.AddSingleton<JudgmentCache>();
        services.AddSingleton<JudgeService>();
        return services;
    }

    /// <summary>
    /// The <c>Judge</c> section, bound once however many modules ask for it (the pipeline reads <c>Judge:DataDir</c>),
    /// with what every module shares: the clock and the shutdown grace period.
    /// </summary>
    public static IServiceCollection AddJudgeOptions(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(IValidateOptions<JudgeOptions>)))
            return services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ShutdownGrace>();
        services.AddSection<JudgeOptions>(configuration, JudgeOptions.Section).ResolvePaths((o, resolve) =>
        {
            o.ModelPath = resolve(o.ModelPath);
            o.AdapterPath = resolve(o.AdapterPath);
            o.DemoModelPath = resolve(o.DemoModelPath)!;
            o.DataDir = resolve(o.DataDir)!;
        });
        return services;
    }

    /// <summary>Redis when a connection string is set (never blocking start-up or a request when it is down), else in-process.</summary>
    private static void AddJudgmentCache(IServiceCollection services, string? redis)
    {
        if (string.IsNullOrWhiteSpace(redis))
        {
            services.AddDistributedMemoryCache();
            return;
        }
        services.AddStackExchangeRedisCache(o =>
        {
            var configuration = ConfigurationOptions.Parse(redis);
            configuration.AbortOnConnectFail = false;
            configuration.ConnectTimeout = Math.Min(configuration.ConnectTimeout, 2000);
            configuration.AsyncTimeout = Math.Min(configuration.AsyncTimeout, 2000);
            configuration.SyncTimeout = Math.Min(configuration.SyncTimeout, 2000);
            o.ConfigurationOptions = configuration;
            o.InstanceName = "judgeapi:";
        });
    }
}
