using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;

namespace JudgeApi.Tests.Service;

/// <summary>
/// The real service on Kestrel at 127.0.0.1 and a free port, over the tiny generated model; tests talk to it over HTTP.
/// Small context and one decode thread keep it light on a shared 2-core machine.
/// </summary>
public sealed class JudgeServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private JudgeServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(5) };
    }

    public Uri Address { get; }
    public HttpClient Client { get; }
    public IServiceProvider Services => _app.Services;
    public ICollection<string> Urls => _app.Urls;

    /// <param name="settings">Configuration overrides, e.g. ("Judge:MaxQueue", "1").</param>
    public static async Task<JudgeServer> StartAsync(params (string Key, string Value)[] settings)
    {
        var server = await StartLoadingAsync(settings);
        await server.WaitUntilReadyAsync();
        return server;
    }

    /// <summary>Starts the service without waiting for its model (which may never load).</summary>
    public static async Task<JudgeServer> StartLoadingAsync(params (string Key, string Value)[] settings)
    {
        var defaults = new Dictionary<string, string>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Judge:ModelPath"] = TestModels.Tiny(),
            ["Judge:Threads"] = "1",
            ["Judge:Sequences"] = "4",
            ["Judge:ContextSize"] = "1024",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings)
            defaults[key] = value;

        var app = JudgeHost.Build(defaults.Select(kv => $"--{kv.Key}={kv.Value}").ToArray());
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        // A wildcard listener (0.0.0.0, [::]) is reached through loopback.
        var listening = new UriBuilder(app.Urls.First());
        if (listening.Host is "0.0.0.0" or "[::]")
            listening.Host = "127.0.0.1";
        return new JudgeServer(app, listening.Uri);
    }

    private async Task WaitUntilReadyAsync()
    {
        for (var attempt = 0; attempt < 600; attempt++)
        {
            using var response = await Client.GetAsync("/health/ready");
            if (response.IsSuccessStatusCode)
                return;
            await Task.Delay(100);
        }
        throw new InvalidOperationException("The judge service did not become ready: " + await Client.GetStringAsync("/health/ready"));
    }

    /// <summary>Stops the host as a stop signal does (the shutdown grace period applies); returns when it has stopped.</summary>
    public Task StopAsync() => _app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>The default server, shared by the tests of a class.</summary>
public sealed class JudgeServerFixture : IAsyncLifetime
{
    public JudgeServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await JudgeServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

internal static class JudgeRequests
{
    /// <summary>A valid request with a unique instruction, so that no other test's cache entry answers it.</summary>
    public static Dictionary<string, object?> Valid(params (string Key, object? Value)[] overrides)
    {
        var body = new Dictionary<string, object?>
        {
            ["instruction"] = "Which number is larger? " + Guid.NewGuid().ToString("N"),
            ["responseA"] = "Nine is larger than seven.",
            ["responseB"] = "Seven is larger than nine.",
            ["maxReasoningTokens"] = 8,
        };
        foreach (var (key, value) in overrides)
            body[key] = value;
        return body;
    }

    public static Task<HttpResponseMessage> PostJudgeAsync(this HttpClient client, object body, CancellationToken cancellationToken = default) =>
        client.PostAsJsonAsync("/judge", body, cancellationToken);
}
