using System.Reflection;
using FluentValidation;
using JudgeApi.Apis;
using JudgeApi.Auth;
using JudgeApi.Contracts;
using JudgeApi.Infrastructure;
using JudgeApi.Judging;
using JudgeApi.Options;
using JudgeApi.SelfTaught;
using Microsoft.AspNetCore.Authentication;
using Microsoft.OpenApi;
using StackExchange.Redis;

namespace JudgeApi.Extensions;

/// <summary>All service wiring of the HTTP host in one place.</summary>
public static class JudgeServiceCollectionExtensions
{
    public static WebApplicationBuilder AddJudgeServices(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var judgeSection = builder.Configuration.GetSection(JudgeOptions.Section);
        var judge = judgeSection.Get<JudgeOptions>() ?? new JudgeOptions();
        services.AddOptions<JudgeOptions>().Bind(judgeSection)
            .Validate(o => o is { Sequences: >= 1, BatchSize: >= 1, ContextSize: >= 64, MaxQueue: >= 1, MaxRequestBytes: >= 1024, BatchParallelism: >= 1, CacheTimeoutMs: >= 1, CacheBreakSeconds: >= 1 },
                "Judge: Sequences, BatchSize, MaxQueue, BatchParallelism, CacheTimeoutMs and CacheBreakSeconds must be positive, ContextSize >= 64 and MaxRequestBytes >= 1024.")
            .Validate(o => Enum.TryParse<Llama.LlamaBackend>(o.Backend, ignoreCase: true, out _), "Judge:Backend must be Cpu or Cuda.")
            .ValidateOnStart();
        services.AddOptions<AuthOptions>().Bind(builder.Configuration.GetSection(AuthOptions.Section));

        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = judge.MaxRequestBytes);
        var auth = builder.Configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        if (!auth.Enabled)
            builder.WebHost.UseUrls(LoopbackUrls.Restrict(builder.Configuration[WebHostDefaults.ServerUrlsKey] ?? LoopbackUrls.Default));

        services.AddProblemDetails();
        services.AddExceptionHandler<JudgeExceptionHandler>();
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);

        ValidatorOptions.Global.PropertyNameResolver = (_, member, _) => member is null ? null : JsonNamingPolicy(member.Name);
        ValidatorOptions.Global.DisplayNameResolver = (_, member, _) => member is null ? null : JsonNamingPolicy(member.Name);
        services.AddValidatorsFromAssemblyContaining<JudgeRequestValidator>();

        AddJudgmentCache(services, builder.Configuration.GetConnectionString("Redis"));

        services.AddSingleton<JudgeMetrics>();
        services.AddSingleton<LlamaJudgeEngine>();
        services.AddSingleton<IJudgeEngine>(sp => sp.GetRequiredService<LlamaJudgeEngine>());
        services.AddSingleton<JudgeEngineLoader>();
        services.AddHostedService(sp => sp.GetRequiredService<JudgeEngineLoader>());
        services.AddSingleton<JudgeAdmission>();
        services.AddSingleton<JudgmentCache>();
        services.AddSingleton<JudgeService>();
        services.AddSelfTaught(builder.Configuration);
        services.AddIterationLoop(builder.Configuration);

        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(AuthRoles.JudgePolicy, p => p.RequireRole(AuthRoles.Client, AuthRoles.Operator))
            .AddPolicy(AuthRoles.OperatorPolicy, p => p.RequireRole(AuthRoles.Operator));

        services.AddHealthChecks().AddCheck<JudgeReadyHealthCheck>("judge-model", tags: [HealthApiEndpoints.ReadyTag]);
        AddSwagger(services);
        return builder;
    }

    /// <summary>Redis when ConnectionStrings:Redis is set (never blocking start-up or a request when it is down), else in-process.</summary>
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

    private static void AddSwagger(IServiceCollection services)
    {
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(c =>
        {
            c.SwaggerDoc("v1", new OpenApiInfo
            {
                Title = "JudgeApi",
                Version = "v1",
                Description = "An LLM pairwise judge (llama.cpp) that improves itself with the Self-Taught Evaluator loop.",
            });
            c.AddSecurityDefinition("Bearer", new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "An Auth:ClientKeys or Auth:OperatorKeys key (also accepted as the X-API-Key header).",
            });
            c.AddSecurityRequirement(document => new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("Bearer", document)] = [] });
            c.SchemaFilter<SwaggerExamples>();
            var xml = Path.Combine(AppContext.BaseDirectory, Assembly.GetExecutingAssembly().GetName().Name + ".xml");
            if (File.Exists(xml))
                c.IncludeXmlComments(xml);
        });
    }

    private static string JsonNamingPolicy(string name) => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(name);
}
