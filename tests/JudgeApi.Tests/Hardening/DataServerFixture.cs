using JudgeApi.Tests.Loop;
using JudgeApi.Tests.SelfTaught;
using JudgeApi.Tests.Service;

namespace JudgeApi.Tests.Hardening;

/// <summary>One judge service with a data directory of its own (empty pool and adapter registry), shared by the tests of a class.</summary>
public sealed class DataServerFixture : IAsyncLifetime
{
    private readonly TempDirectory data = new();

    internal TempDirectory Files { get; } = new();
    public JudgeServer Server { get; private set; } = null!;
    public string DataDir => data.Path;

    public async Task InitializeAsync() => Server = await JudgeServer.StartAsync(LoopTestApi.TinySettings(data.Path, promotionMargin: 0));

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        data.Dispose();
        Files.Dispose();
    }
}
