using System.Diagnostics;
using System.Net.Sockets;
using JudgeApi.Tests.SelfTaught;
using Npgsql;

namespace JudgeApi.Tests.ScaleOut;

/// <summary>
/// A private PostgreSQL cluster for the tests: <c>initdb</c> into a temp directory and <c>postgres</c> on a free
/// loopback port, its socket in that directory, trust authentication on loopback only; no system service. Debian's
/// binaries live under <c>/usr/lib/postgresql/&lt;version&gt;/bin</c> (test.sh installs the <c>postgresql</c>
/// package). PostgreSQL refuses to run as root, so under root both run as the package's <c>postgres</c> user (through
/// <c>setpriv</c>, which execs, so killing the process kills the server). A missing installation fails the test.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private const string User = "judgeapi";
    private readonly string directory;
    private readonly string bin;
    private Process? process;

    private PostgresServer(string directory, string bin, int port)
    {
        this.directory = directory;
        this.bin = bin;
        Port = port;
    }

    public int Port { get; }

    /// <summary>A connection string for <paramref name="database"/> on this server.</summary>
    public string ConnectionString(string database = "postgres") => $"Host=127.0.0.1;Port={Port};Username={User};Database={database};Timeout=5;Command Timeout=30";

    public static async Task<PostgresServer> StartAsync()
    {
        var bin = Binaries();
        var directory = Path.Combine(Path.GetTempPath(), "judgeapi-pg-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        if (Environment.IsPrivilegedProcess)
            Run(new ProcessStartInfo("chown", ["postgres:postgres", directory]));
        var server = new PostgresServer(directory, bin, ServerProcess.FreePort());
        Run(AsServerUser(Path.Combine(bin, "initdb"), "-D", server.DataDirectory, "-U", User, "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions"));
        await server.StartServerAsync();
        return server;
    }

    private string DataDirectory => Path.Combine(directory, "data");

    /// <summary>A new empty database on this server; its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "t" + Guid.NewGuid().ToString("N");
        await using var connection = new NpgsqlConnection(ConnectionString());
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await create.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    /// <summary>Kills the server (SIGKILL, as a crash would: crash recovery runs at the next start).</summary>
    public async Task KillAsync()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        // Backends outlive a killed postmaster for a moment; the next start waits for them to go.
        NpgsqlConnection.ClearAllPools();
    }

    /// <summary>Starts the server again on the same port and data.</summary>
    public Task StartServerAsync()
    {
        // fsync off: the tests kill the server, never the machine, so the page cache keeps what crash recovery replays.
        var start = AsServerUser(Path.Combine(bin, "postgres"), "-D", DataDirectory, "-p", Port.ToString(), "-k", directory,
            "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=200");
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return WaitUntilAnsweringAsync();
    }

    private async Task WaitUntilAnsweringAsync()
    {
        for (var attempt = 0; attempt < 600; attempt++)
        {
            if (process!.HasExited)
            {
                // A killed predecessor's backends may still hold the port or the lock file: try again.
                await Task.Delay(200);
                await StartServerAsync();
                return;
            }
            try
            {
                await using var connection = new NpgsqlConnection(ConnectionString() + ";Pooling=false");
                await connection.OpenAsync();
                return;
            }
            catch (Exception e) when (e is NpgsqlException or SocketException)
            {
                await Task.Delay(100);
            }
        }
        throw new InvalidOperationException("PostgreSQL did not start answering.");
    }

    /// <summary>The newest Debian PostgreSQL bin directory, or the one holding initdb on PATH.</summary>
    private static string Binaries()
    {
        var debian = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var version) ? version : 0).FirstOrDefault()
            : null;
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').FirstOrDefault(d => d.Length > 0 && File.Exists(Path.Combine(d, "initdb")));
        return debian ?? onPath
            ?? throw new InvalidOperationException("PostgreSQL is not installed (apt-get install postgresql; ./test.sh does); the scale-out tests need initdb and postgres.");
    }

    /// <summary>The program with its arguments, run as the postgres user under root (setpriv execs it, so its process is the program's).</summary>
    private static ProcessStartInfo AsServerUser(string program, params string[] arguments) => Environment.IsPrivilegedProcess
        ? new ProcessStartInfo("setpriv", ["--reuid=postgres", "--regid=postgres", "--init-groups", "--", program, .. arguments])
        : new ProcessStartInfo(program, arguments);

    private static void Run(ProcessStartInfo start)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var run = Process.Start(start)!;
        var output = run.StandardOutput.ReadToEndAsync();
        var error = run.StandardError.ReadToEnd();
        run.WaitForExit();
        if (run.ExitCode != 0)
            throw new InvalidOperationException($"{start.FileName} {string.Join(' ', start.ArgumentList)} failed ({run.ExitCode}): {error}{output.Result}");
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        process?.Dispose();
        Directory.Delete(directory, recursive: true);
    }
}
