using System.Reflection;
using FluentValidation;
using JudgeApi.Auth;
using JudgeApi.Contracts;
using JudgeApi.Infrastructure;
using JudgeApi.Judging;
using JudgeApi.SelfTaught;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace JudgeApi.Extensions;

/// <summary>All service wiring of the HTTP host in one place: the modules, then what only HTTP needs.</summary>
public static class JudgeServiceCollectionExtensions
{
    public static WebApplicationBuilder AddJudgeServices(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        services.AddJudging(configuration);
        services.AddSelfTaught(configuration);
        services.AddTrainingStages(configuration);
        services.AddSection<AuthOptions>(configuration, AuthOptions.Section);

        // Kestrel's settings are fixed before the container exists, so these two read the configuration directly.
        var judge = configuration.GetSection(JudgeOptions.Section).Get<JudgeOptions>() ?? new JudgeOptions();
        var auth = configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = judge.MaxRequestBytes;
            if (!auth.Enabled)
                kestrel.ConfigureEndpointDefaults(LoopbackUrls.RequireLoopback);
        });
        if (!auth.Enabled)
            builder.WebHost.UseUrls(LoopbackUrls.Restrict(configuration[WebHostDefaults.ServerUrlsKey] ?? LoopbackUrls.Default));

        // The host waits for the grace period (requests, iteration items) and a little more for the last answers.
        services.AddOptions<HostOptions>().Configure<IOptions<JudgeOptions>>((host, judge) =>
            host.ShutdownTimeout = TimeSpan.FromSeconds(judge.Value.ShutdownGraceSeconds) + ShutdownGrace.AfterDeadline);
        services.AddProblemDetails();
        services.AddExceptionHandler<JudgeExceptionHandler>();
        // A client's bad request answered 4xx is not a server error: no "unhandled exception" log line for it.
        services.Configure<ExceptionHandlerOptions>(o => o.SuppressDiagnosticsCallback = c => c.HttpContext.Response.StatusCode is >= 400 and < 500);
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);

        ValidatorOptions.Global.PropertyNameResolver = (_, member, _) => member is null ? null : JsonNamingPolicy(member.Name);
        ValidatorOptions.Global.DisplayNameResolver = (_, member, _) => member is null ? null : JsonNamingPolicy(member.Name);
        services.AddValidatorsFromAssemblyContaining<JudgeRequestValidator>();

        services.AddSingleton<KeyRing>();
        services.AddAuthentication(SessionCookie.KeyOrSession)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddSessionCookie();
        services.AddConsole();
        services.AddAuthorizationBuilder()
            .AddPolicy(AuthRoles.JudgePolicy, p => p.RequireRole(AuthRoles.Client, AuthRoles.Operator))
            .AddPolicy(AuthRoles.OperatorPolicy, p => p.RequireRole(AuthRoles.Operator));

        services.AddJudgeHealthChecks(configuration);
        services.AddJudgeRateLimiting();
        AddSwagger(services);
        return builder;
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
                Contact = new OpenApiContact { Name = "JudgeApi" },
            });
            c.AddSecurityDefinition("Bearer", new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "An Auth:ClientKeys or Auth:OperatorKeys key as Authorization: Bearer <key>.",
            });
            c.AddSecurityDefinition("ApiKey", new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = ApiKeyAuthenticationHandler.HeaderName,
                Description = "The same keys as the X-API-Key header.",
            });
            // Either scheme will do (two requirement objects: OR).
            c.AddSecurityRequirement(document => new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("Bearer", document)] = [] });
            c.AddSecurityRequirement(document => new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("ApiKey", document)] = [] });
            c.SupportNonNullableReferenceTypes();
            c.NonNullableReferenceTypesAsRequired();
            c.UseAllOfToExtendReferenceSchemas();
            c.SchemaFilter<SwaggerExamples>();
            c.SchemaFilter<OpenApiConventions>();
            c.OperationFilter<OpenApiConventions>();
            c.DocumentFilter<OpenApiConventions>();
            var xml = Path.Combine(AppContext.BaseDirectory, Assembly.GetExecutingAssembly().GetName().Name + ".xml");
            if (File.Exists(xml))
                c.IncludeXmlComments(xml);
        });
    }

    private static string JsonNamingPolicy(string name) => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(name);
}
