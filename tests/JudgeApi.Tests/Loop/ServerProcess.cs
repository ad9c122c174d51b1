using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using JudgeApi.Tests.Service;

namespace JudgeApi.Tests.Loop;

/// <summary>The service as a separate process (the built JudgeApi.dll next to the tests), so a test can kill it with SIGKILL.</summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process process;

    private ServerProcess(Process process, Uri address)
    {
        this.process = process;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(2) };
    }

    public HttpClient Client { get; }

    public static async Task<ServerProcess> StartAsync(IEnumerable<(string Key, string Value)> settings)
    {
        var address = new Uri($"http://127.0.0.1:{FreePort()}");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "JudgeApi.dll"));
        foreach (var (key, value) in settings.Concat([("urls", address.ToString()), ("Judge:ModelPath", TestModel.Tiny), ("Judge:Threads", "1"),
                     ("Judge:Sequences", "4"), ("Judge:ContextSize", "1024"), ("Logging:LogLevel:Default", "Warning")]))
            start.ArgumentList.Add($"--{key}={value}");
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var server = new ServerProcess(process, address);
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            try
            {
                using var ready = await server.Client.GetAsync("/health/ready");
                if (ready.IsSuccessStatusCode)
                    return server;
            }
            catch (HttpRequestException) when (!process.HasExited && DateTime.UtcNow < deadline)
            {
            }
            if (process.HasExited || DateTime.UtcNow > deadline)
                throw new InvalidOperationException($"The service process did not become ready (exited: {process.HasExited}).");
            await Task.Delay(200);
        }
    }

    /// <summary>SIGKILL: no shutdown code runs, as in a crash or an OOM kill.</summary>
    public async Task KillAsync()
    {
        process.Kill(entireProcessTree: false);
        await process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!process.HasExited)
            await KillAsync();
        process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
