using JudgeApi.SelfTaught;
using JudgeApi.Tests.SelfTaught;

namespace JudgeApi.Tests.ScaleOut;

/// <summary>
/// Replicas of the real host as child processes on one PostgreSQL database and one Redis, each with its own data
/// folder (nothing on disk is shared), short leases and polls so that failover shows within a test.
/// </summary>
internal sealed class Replicas : IAsyncDisposable
{
    private readonly List<TempDirectory> folders = [];

    private readonly (string Key, string Value)[] settings;

    private Replicas(string postgres, string redis, (string Key, string Value)[] settings)
    {
        Postgres = postgres;
        Redis = redis;
        this.settings = settings;
        Database = SelfTaughtDatabase.Postgres(postgres, TimeProvider.System);
    }

    public string Postgres { get; }

    public string Redis { get; }

    /// <summary>The shared database, read by the test as an operator's tool would.</summary>
    public SelfTaughtDatabase Database { get; }

    public List<(string Name, ServerProcess Server)> Running { get; } = [];

    /// <param name="settings">Further settings every replica gets (not its data folder, which is its own).</param>
    public static async Task<Replicas> StartAsync(int count, string postgres, string redis, params (string Key, string Value)[] settings)
    {
        var replicas = new Replicas(postgres, redis, settings);
        // One after another: the first to start leads.
        for (var i = 0; i < count; i++)
            await replicas.StartAsync($"replica-{i}");
        return replicas;
    }

    /// <summary>Starts a replica with a fresh, empty data folder.</summary>
    public async Task<ServerProcess> StartAsync(string name)
    {
        var folder = new TempDirectory();
        folders.Add(folder);
        var server = await ServerProcess.StartAsync(folder.Path, [.. settings,
            ("ConnectionStrings:Postgres", Postgres),
            ("ConnectionStrings:Redis", Redis),
            ("Judge:CacheTimeoutMs", "3000"),
            ("Judge:ScaleOut:ReplicaName", name),
            ("Judge:ScaleOut:LeaseSeconds", "3"),
            ("Judge:ScaleOut:PollMilliseconds", "200")]);
        Running.Add((name, server));
        return server;
    }

    public ServerProcess this[string name] => Running.Single(r => r.Name == name).Server;

    /// <summary>The replica that leads now, by the newest leader term.</summary>
    public string Leader => new LeaderTerms(Database, TimeProvider.System).List(1).Single().Replica;

    /// <summary>Kills a replica (SIGKILL) and forgets it.</summary>
    public async Task KillAsync(string name)
    {
        await this[name].KillAsync();
        await RemoveAsync(name);
    }

    /// <summary>Forgets a replica the test killed itself.</summary>
    public async Task RemoveAsync(string name)
    {
        var entry = Running.Single(r => r.Name == name);
        Running.Remove(entry);
        await entry.Server.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (_, server) in Running)
            await server.DisposeAsync();
        foreach (var folder in folders)
            folder.Dispose();
    }
}
