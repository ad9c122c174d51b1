using FluentValidation;
using JudgeApi.Apis;
using JudgeApi.Auth;
using JudgeApi.Contracts;
using JudgeApi.SelfTaught;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace JudgeApi.Tests.SelfTaught;

/// <summary>The pipeline's endpoints and runner on Kestrel (loopback, free port) over a given model.</summary>
internal sealed class PipelineTestHost : IAsyncDisposable
{
    private readonly TempDirectory directory;
    private readonly WebApplication app;

    private PipelineTestHost(TempDirectory directory, WebApplication app, HttpClient client)
    {
        this.directory = directory;
        this.app = app;
        Client = client;
    }

    public HttpClient Client { get; }

    public static async Task<PipelineTestHost> StartAsync(IIterationModel model)
    {
        var directory = new TempDirectory();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration["Judge:DataDir"] = directory.Path;
        builder.Services.AddSingleton(model);
        builder.Services.AddSelfTaught(builder.Configuration);
        builder.Services.AddValidatorsFromAssemblyContaining<IterationRequestValidator>();
        // Keys and roles are the service's business, tested on the real host; here every caller is an operator.
        builder.Services.AddAuthentication();
        builder.Services.AddAuthorizationBuilder().AddPolicy(AuthRoles.OperatorPolicy, p => p.RequireAssertion(_ => true));
        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapInstructionsApi();
        app.MapIterationsApi();
        app.MapIterationDataApi();
        await app.StartAsync();
        return new PipelineTestHost(directory, app, new HttpClient { BaseAddress = new Uri(app.Urls.First()) });
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
        directory.Dispose();
    }
}
