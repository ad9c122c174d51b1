using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using JudgeApi.Tests.Loop;
using JudgeApi.Tests.Service;
using Xunit.Abstractions;

namespace JudgeApi.Tests.ScaleOut;

/// <summary>
/// Adapters across replicas: a promotion reaches every replica within a second, a replica that starts later (with
/// nothing on disk) serves the active adapter from the database, and the Redis cache is shared by replicas on the
/// same weights and never answers for other weights; the same bytes uploaded through another replica are refused as on one.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ReplicaPromotionTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private static readonly object Question = new { instruction = "Which is the capital of France?", responseA = "Paris.", responseB = "Lyon.", mode = "direct" };

    [Fact]
    public async Task A_promotion_reaches_every_replica_within_a_second_and_a_restarted_replica_serves_it_from_the_database()
    {
        using var redis = await RedisServer.StartAsync();
        using var files = new SelfTaught.TempDirectory();
        await using var replicas = await Replicas.StartAsync(3, await postgres.Server.CreateDatabaseAsync(), redis.ConnectionString);
        var (first, second, third) = (replicas["replica-0"], replicas["replica-1"], replicas["replica-2"]);

        // One cache for replicas on the same weights.
        var fresh = await JudgeAsync(first.Client);
        var shared = await JudgeAsync(second.Client);
        Assert.False(fresh["cached"]!.GetValue<bool>());
        Assert.True(shared["cached"]!.GetValue<bool>());
        Assert.Equal(fresh["probabilityA"]!.GetValue<double>(), shared["probabilityA"]!.GetValue<double>());

        // Uploaded on one replica, activated on another: every replica swaps to it.
        using var upload = await LoopTestApi.UploadAdapterAsync(first.Client, AdapterFiles.Good(files.Path));
        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        var adapter = (await upload.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
        using (var activated = await second.Client.PostAsync($"/adapters/{adapter}/activate", null))
            Assert.Equal(HttpStatusCode.OK, activated.StatusCode);
        var activatedAt = (await second.Client.GetFromJsonAsync<JsonObject>("/adapters/audit"))!["items"]![0]!["at"]!.GetValue<DateTimeOffset>();
        var models = await Task.WhenAll(replicas.Running.Select(r => WaitForAdapterAsync(r.Server.Client, adapter + ".gguf")));
        foreach (var (model, name) in models.Zip(replicas.Running.Select(r => r.Name)))
        {
            var latency = model["weightsSince"]!.GetValue<DateTimeOffset>() - activatedAt;
            output.WriteLine($"{name}: serving {adapter} {latency.TotalMilliseconds:0} ms after the activation was recorded");
            Assert.True(latency < TimeSpan.FromSeconds(1), $"{name} swapped {latency.TotalMilliseconds:0} ms after the activation.");
        }
        Assert.Single(models.Select(m => m["adapter"]!["sha256"]!.GetValue<string>()).Distinct());
        foreach (var (_, server) in replicas.Running)
            Assert.Equal(adapter, await LoopTestApi.JudgeAdapterAsync(server.Client));

        // Other weights now: the cached answer of the base model is not served.
        var onAdapter = await JudgeAsync(third.Client);
        Assert.False(onAdapter["cached"]!.GetValue<bool>());
        Assert.Equal(adapter, onAdapter["model"]!["adapter"]!.GetValue<string>());
        Assert.True((await JudgeAsync(first.Client))["cached"]!.GetValue<bool>());

        // Killed, and started again from an empty data folder: it fetches the active adapter from the database.
        await replicas.KillAsync("replica-2");
        var restarted = await replicas.StartAsync("replica-2b");
        var model2 = await WaitForAdapterAsync(restarted.Client, adapter + ".gguf");
        Assert.Equal(models[0]["adapter"]!["sha256"]!.GetValue<string>(), model2["adapter"]!["sha256"]!.GetValue<string>());
        Assert.Equal(adapter, await LoopTestApi.JudgeAdapterAsync(restarted.Client));

        // A rollback on one replica reaches the others as well.
        using (var rollback = await restarted.Client.PostAsync("/adapters/deactivate", null))
            Assert.Equal(HttpStatusCode.OK, rollback.StatusCode);
        foreach (var (_, server) in replicas.Running)
            Assert.Null((await WaitForAdapterAsync(server.Client, null))["adapter"]);
    }

    [Fact]
    public async Task The_same_adapter_uploaded_through_a_second_replica_is_refused_as_on_one_replica()
    {
        using var redis = await RedisServer.StartAsync();
        using var files = new SelfTaught.TempDirectory();
        await using var replicas = await Replicas.StartAsync(2, await postgres.Server.CreateDatabaseAsync(), redis.ConnectionString);
        var (first, second) = (replicas["replica-0"], replicas["replica-1"]);
        var path = AdapterFiles.Good(files.Path);

        using var stored = await LoopTestApi.UploadAdapterAsync(first.Client, path);
        Assert.Equal(HttpStatusCode.Created, stored.StatusCode);
        var id = (await stored.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
        // Replica 1 has no copy of the file on its disk: only the hash stored in the database can tell.
        using var again = await LoopTestApi.UploadAdapterAsync(second.Client, path);

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var problem = (await again.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("Adapter already stored", problem["title"]!.GetValue<string>());
        Assert.Equal($"These exact bytes are already stored as adapter {id}.", problem["detail"]!.GetValue<string>());
        foreach (var (_, server) in replicas.Running)
            Assert.Equal([id], (await LoopTestApi.AdaptersAsync(server.Client)).Select(a => a!["id"]!.GetValue<string>()));
    }

    private static async Task<JsonObject> JudgeAsync(HttpClient client)
    {
        using var response = await client.PostAsJsonAsync("/judge", Question);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    /// <summary>Polls GET /model until it names <paramref name="fileName"/> (null: the base model alone); fails after 30 s.</summary>
    private static async Task<JsonObject> WaitForAdapterAsync(HttpClient client, string? fileName)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var model = (await client.GetFromJsonAsync<JsonObject>("/model"))!;
            if (model["adapter"]?["fileName"]?.GetValue<string>() == fileName)
                return model;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"The replica still serves {model["adapter"]?.ToJsonString() ?? "the base model"}.");
            await Task.Delay(20);
        }
    }
}
