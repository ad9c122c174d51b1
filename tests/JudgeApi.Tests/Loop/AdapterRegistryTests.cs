using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using JudgeApi.Tests.SelfTaught;
using JudgeApi.Tests.Service;

namespace JudgeApi.Tests.Loop;

/// <summary>Upload (good and every bad kind), activate, deactivate and restore on restart, over HTTP on the tiny model.</summary>
public sealed class AdapterRegistryTests
{
    [Fact]
    public async Task An_uploaded_adapter_is_listed_activated_named_by_judge_rolled_back_and_restored_after_restart()
    {
        using var data = new TempDirectory();
        using var files = new TempDirectory();
        var settings = LoopTestApi.TinySettings(data.Path, promotionMargin: 0);
        string id;
        await using (var server = await JudgeServer.StartAsync(settings))
        {
            var client = server.Client;
            using var upload = await LoopTestApi.UploadAdapterAsync(client, AdapterFiles.Good(files.Path));
            Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
            var stored = (await upload.Content.ReadFromJsonAsync<JsonObject>())!;
            id = stored["id"]!.GetValue<string>();
            Assert.Equal("upload", stored["source"]!.GetValue<string>());
            Assert.Equal(2, stored["rank"]!.GetValue<int>());
            Assert.False(stored["active"]!.GetValue<bool>());
            Assert.Equal([id + ".gguf"], Directory.GetFiles(Path.Combine(data.Path, "adapters")).Select(Path.GetFileName));

            using (var activated = await client.PostAsync($"/adapters/{id}/activate", null))
                Assert.Equal(HttpStatusCode.OK, activated.StatusCode);
            Assert.Equal(id + ".gguf", await LoopTestApi.JudgeAdapterAsync(client));

            using (var deactivated = await client.PostAsync("/adapters/deactivate", null))
                Assert.Equal(HttpStatusCode.OK, deactivated.StatusCode);
            Assert.Null(await LoopTestApi.JudgeAdapterAsync(client));
            Assert.All(await LoopTestApi.AdaptersAsync(client), a => Assert.False(a!["active"]!.GetValue<bool>()));

            using (var missing = await client.PostAsync("/adapters/no-such-adapter/activate", null))
                Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
            using (var again = await client.PostAsync($"/adapters/{id}/activate", null))
                Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }

        await using (var restarted = await JudgeServer.StartAsync(settings))
        {
            Assert.Equal(id + ".gguf", await LoopTestApi.JudgeAdapterAsync(restarted.Client));
            var listed = Assert.Single(await LoopTestApi.AdaptersAsync(restarted.Client))!;
            Assert.True(listed["active"]!.GetValue<bool>());
        }
    }

    [Fact]
    public async Task Bad_uploads_are_refused_with_the_reason_and_leave_nothing_behind()
    {
        using var data = new TempDirectory();
        using var files = new TempDirectory();
        await using var server = await JudgeServer.StartAsync(LoopTestApi.TinySettings(data.Path, promotionMargin: 0));
        var client = server.Client;
        var notGguf = Path.Combine(files.Path, "notes.txt");
        await File.WriteAllTextAsync(notGguf, "this is not a model file at all, just some text long enough to have a header");

        (string File, string Reason)[] cases =
        [
            (TestModels.Tiny(), "Not an adapter"),
            (AdapterFiles.Truncated(files.Path), "Truncated"),
            (AdapterFiles.OtherArchitecture(files.Path), "Wrong base"),
            (AdapterFiles.WrongShape(files.Path), "Wrong base"),
            (notGguf, "GGUF"),
        ];
        foreach (var (file, reason) in cases)
        {
            using var response = await LoopTestApi.UploadAdapterAsync(client, file);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
            Assert.Contains(reason, problem["detail"]!.GetValue<string>());
        }

        Assert.Empty(await LoopTestApi.AdaptersAsync(client));
        var adapters = Path.Combine(data.Path, "adapters");
        Assert.True(!Directory.Exists(adapters) || Directory.GetFiles(adapters).Length == 0);
    }
}
