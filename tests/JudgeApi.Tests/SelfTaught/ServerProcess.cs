using System.ComponentModel;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using JudgeApi.SelfTaught;
using Microsoft.Data.Sqlite;

namespace JudgeApi.Tests.SelfTaught;

/// <summary>
/// The real host as a child process (the JudgeApi build copied next to the tests) on a free loopback port, with an
/// operator key, the service tests' generated tiny model and small token budgets, so a test can SIGKILL it and start it again.
/// </summary>
internal sealed partial class ServerProcess : IAsyncDisposable
{
    // Linux signal numbers.
    private const int SigTerm = 15, SigCont = 18, SigStop = 19;

    /// <summary>How long the server runs between two looks while <see cref="KillWhenAsync"/> waits.</summary>
    private static readonly TimeSpan RunSlice = TimeSpan.FromMilliseconds(10);

    public const string OperatorKey = "pipeline-operator-key";
    public const string ClientKey = "pipeline-client-key";

    private readonly Process process;
    private readonly StringBuilder output = new();

    private ServerProcess(Process process, Uri address)
    {
        this.process = process;
        Address = address;
        Client = Connect(OperatorKey);
    }

    public Uri Address { get; }

    /// <summary>A client sending the operator key.</summary>
    public HttpClient Client { get; }

    public HttpClient Connect(string? key)
    {
        var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromMinutes(5) };
        if (key is not null)
            client.DefaultRequestHeaders.Add("X-API-Key", key);
        return client;
    }

    /// <param name="overrides">Further settings, e.g. ("Judge:Training:Epochs", "1"); they win over the defaults here.</param>
    public static async Task<ServerProcess> StartAsync(string dataDir, params (string Key, string Value)[] overrides)
    {
        var address = new Uri($"http://127.0.0.1:{FreePort()}");
        var settings = new Dictionary<string, string>
        {
            ["urls"] = address.ToString().TrimEnd('/'),
            ["Judge:ModelPath"] = TestModels.Tiny(),
            ["Judge:DataDir"] = dataDir,
            ["Judge:Threads"] = "1",
            ["Judge:Sequences"] = "4",
            ["Judge:ContextSize"] = "1024",
            ["Judge:SelfTaught:MaxResponseTokens"] = "8",
            ["Judge:SelfTaught:MaxJudgeReasoningTokens"] = "8",
            ["Auth:OperatorKeys:0"] = OperatorKey,
            ["Auth:ClientKeys:0"] = ClientKey,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in overrides)
            settings[key] = value;
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "JudgeApi.dll"));
        foreach (var (key, value) in settings)
            start.ArgumentList.Add($"--{key}={value}");
        var process = Process.Start(start)!;
        var server = new ServerProcess(process, address);
        process.OutputDataReceived += (_, e) => server.Log(e.Data);
        process.ErrorDataReceived += (_, e) => server.Log(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await server.WaitUntilReadyAsync();
        return server;
    }

    /// <summary>SIGTERM, as a container stop or systemd sends: the service drains and exits; returns its exit code.</summary>
    public async Task<int> TerminateAsync()
    {
        Signal(SigTerm);
        await process.WaitForExitAsync();
        return process.ExitCode;
    }

    public bool HasExited => process.HasExited;

    /// <summary>What the server wrote to stdout and stderr so far.</summary>
    public string Output
    {
        get
        {
            lock (output)
                return output.ToString();
        }
    }

    /// <summary>SIGKILL: no shutdown code runs, as in a crash or an OOM kill.</summary>
    public async Task KillAsync()
    {
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }

    /// <summary>
    /// SIGKILLs the server at the first look at its database where <paramref name="condition"/> holds for the
    /// iteration, and returns that view (or the last one, if the iteration finished first). The server is stopped
    /// (SIGSTOP) for each look and runs short slices in between, on a thread of this test's own, so nothing the server
    /// records can fall between a look and the kill, however late the test gets to run on a loaded machine.
    /// </summary>
    public Task<IterationView> KillWhenAsync(string dataDir, string iterationId, Func<IterationView, bool> condition) =>
        KillWhenAsync(new SelfTaughtDatabase(dataDir, TimeProvider.System), iterationId, condition);

    /// <inheritdoc cref="KillWhenAsync(string, string, Func{IterationView, bool})"/>
    public async Task<IterationView> KillWhenAsync(SelfTaughtDatabase database, string iterationId, Func<IterationView, bool> condition)
    {
        var views = new IterationViews(database);
        var deadline = DateTime.UtcNow.AddMinutes(5);
        try
        {
            return await Task.Factory.StartNew(() =>
            {
                while (true)
                {
                    Stop();
                    var view = LookAt(views, iterationId);
                    var timedOut = DateTime.UtcNow > deadline;
                    if (timedOut || view is not null && (condition(view) || IterationStatus.IsFinished(view.Status)))
                    {
                        process.Kill(entireProcessTree: true);
                        process.WaitForExit();
                        return timedOut ? throw new TimeoutException($"The iteration is still at {view?.Stage}.") : view!;
                    }
                    Signal(SigCont);
                    Thread.Sleep(RunSlice);
                }
            }, TaskCreationOptions.LongRunning);
        }
        finally
        {
            // As after a real crash, no other process has the database open when the server starts again.
            SqliteConnection.ClearAllPools();
        }
    }

    /// <summary>
    /// The iteration as the stopped server left it; null when it was stopped holding a WAL lock (mid-commit or
    /// checkpoint), which no retry can outwait: it runs on, and the next look reads it.
    /// </summary>
    private static IterationView? LookAt(IterationViews views, string iterationId)
    {
        try
        {
            return views.View(iterationId) ?? throw new InvalidOperationException($"There is no iteration {iterationId}.");
        }
        catch (SqliteException e) when (e.SqliteErrorCode is SQLitePCL.raw.SQLITE_BUSY or SQLitePCL.raw.SQLITE_PROTOCOL)
        {
            return null;
        }
    }

    /// <summary>SIGSTOP, then wait until every thread has stopped: kill() only queues the signal.</summary>
    private void Stop()
    {
        Signal(SigStop);
        while (Directory.EnumerateDirectories($"/proc/{process.Id}/task").Any(task => !IsStopped(Path.Combine(task, "stat"))))
            Thread.Yield();
    }

    // The state is the first field after the command name, which is in parentheses and may hold spaces; T: stopped.
    private static bool IsStopped(string statPath)
    {
        try
        {
            var stat = File.ReadAllText(statPath);
            return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('T');
        }
        catch (IOException)
        {
            return true; // The thread exited.
        }
    }

    private void Signal(int signal)
    {
        if (kill(process.Id, signal) != 0)
            throw new Win32Exception(Marshal.GetLastPInvokeError());
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int signal);

    private void Log(string? line)
    {
        if (line is not null)
            lock (output)
                output.AppendLine(line);
    }

    private async Task WaitUntilReadyAsync()
    {
        for (var attempt = 0; attempt < 1200; attempt++)
        {
            if (process.HasExited)
                break;
            try
            {
                using var response = await Client.GetAsync("/health/ready");
                if (response.IsSuccessStatusCode)
                    return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(100);
        }
        throw new InvalidOperationException($"The server did not become ready. Its output:\n{output}");
    }

    /// <summary>A loopback port free now (the test servers' own, never a default one another test run may use).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!process.HasExited)
            await KillAsync();
        process.Dispose();
    }
}
