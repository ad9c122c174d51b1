using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using JudgeApi.Tests.Loop;
using JudgeApi.Tests.SelfTaught;
using JudgeApi.Tests.Service;

namespace JudgeApi.Tests.Ecosystem;

/// <summary>The official <c>openai</c> npm client against the live service (tests/ecosystem/openai-client.mjs does the calls and the checks).</summary>
public sealed class OpenAiClientTests
{
    private const string ClientKey = "openai-client-key", OperatorKey = "openai-operator-key";

    [Fact]
    public async Task The_openai_client_lists_models_chats_streams_reads_logprobs_picks_an_adapter_and_reads_errors()
    {
        using var data = new TempDirectory();
        using var files = new TempDirectory();
        await using var server = await JudgeServer.StartAsync(("Judge:DataDir", data.Path), ("Auth:ClientKeys:0", ClientKey), ("Auth:OperatorKeys:0", OperatorKey));
        using var operatorClient = new HttpClient { BaseAddress = server.Address };
        operatorClient.DefaultRequestHeaders.Add("X-API-Key", OperatorKey);
        using var upload = new MultipartFormDataContent { { new ByteArrayContent(await File.ReadAllBytesAsync(AdapterFiles.Strong(files.Path))), "file", "strong.gguf" } };
        using var stored = await operatorClient.PostAsync("/adapters", upload);
        Assert.Equal(HttpStatusCode.Created, stored.StatusCode);
        var adapterId = (await stored.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
        var baseModel = Path.GetFileName(TestModels.Tiny());

        var (exitCode, output, errors) = await NodeTools.RunAsync(["openai-client.mjs"], new Dictionary<string, string>
        {
            ["JUDGEAPI_URL"] = server.Address.ToString().TrimEnd('/'),
            ["JUDGEAPI_KEY"] = ClientKey,
            ["JUDGEAPI_BASE_MODEL"] = baseModel,
            ["JUDGEAPI_ADAPTER_MODEL"] = adapterId,
        });

        Assert.True(exitCode == 0, $"openai-client.mjs failed ({exitCode}):\n{errors}\n{output}");
        var seen = JsonNode.Parse(output.Trim().Split('\n')[^1])!;
        Assert.Equal([baseModel, adapterId], seen["models"]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.Equal(seen["text"]!.GetValue<string>(), seen["streamed"]!.GetValue<string>());
        Assert.NotEqual(seen["firstLogprob"]!.GetValue<double>(), seen["adaptedFirst"]!.GetValue<double>());
    }
}
