using System.Text.Json.Nodes;
using JudgeApi.Tests.Service;

namespace JudgeApi.Tests.Ecosystem;

/// <summary>The live OpenAPI document passes Spectral's spectral:oas rules and says what generated clients need.</summary>
public sealed class OpenApiDocumentTests
{
    /// <summary>The committed document the generated client is built from (see GeneratedClientTests).</summary>
    public static string CommittedPath { get; } = Path.Combine(RepoPaths.Root, "openapi", "judgeapi.v1.json");

    /// <summary>
    /// The committed document is the one the service serves (its servers entry aside), so the generated client is
    /// built from the truth. After an API change: JUDGEAPI_UPDATE_OPENAPI=1 dotnet test --filter OpenApiDocumentTests.
    /// </summary>
    [Fact]
    public async Task The_committed_document_is_the_one_the_service_serves()
    {
        await using var server = await JudgeServer.StartAsync();
        var live = JsonNode.Parse(await server.Client.GetStringAsync("/swagger/v1/swagger.json"))!;
        live["servers"] = new JsonArray(new JsonObject { ["url"] = "http://localhost:5000" });
        if (Environment.GetEnvironmentVariable("JUDGEAPI_UPDATE_OPENAPI") == "1")
            await File.WriteAllTextAsync(CommittedPath, live.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n");
        var committed = JsonNode.Parse(await File.ReadAllTextAsync(CommittedPath))!;
        Assert.True(JsonNode.DeepEquals(live, committed),
            $"{CommittedPath} differs from the served document; regenerate it with JUDGEAPI_UPDATE_OPENAPI=1 dotnet test --filter OpenApiDocumentTests.");
    }

    [Fact]
    public async Task The_live_document_has_no_spectral_errors_and_ids_schemes_servers_enums_and_error_statuses()
    {
        await using var server = await JudgeServer.StartAsync();
        var json = await server.Client.GetStringAsync("/swagger/v1/swagger.json");
        var path = Path.Combine(TestModels.NewDirectory(), "openapi.json");
        await File.WriteAllTextAsync(path, json);

        var (exitCode, output, errors) = await NodeTools.RunAsync(
            ["node_modules/@stoplight/spectral-cli/dist/index.js", "lint", path, "--ruleset", ".spectral.yaml", "--format", "json", "--quiet"]);
        var findings = JsonNode.Parse(output.Length == 0 ? "[]" : output)!.AsArray();
        var spectralErrors = findings.Where(f => f!["severity"]!.GetValue<int>() == 0).Select(f => $"{f!["code"]}: {f["message"]} at {f["path"]}").ToList();
        Assert.True(spectralErrors.Count == 0, $"Spectral errors ({exitCode}):\n{string.Join("\n", spectralErrors)}\n{errors}");

        var document = JsonNode.Parse(json)!;
        var operations = document["paths"]!.AsObject().SelectMany(p => p.Value!.AsObject().Select(o => o.Value!)).ToList();
        var ids = operations.Select(o => o["operationId"]?.GetValue<string>()).ToList();
        Assert.DoesNotContain(null, ids);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(["ApiKey", "Bearer"], document["components"]!["securitySchemes"]!.AsObject().Select(s => s.Key).Order());
        Assert.Equal(server.Address.ToString().TrimEnd('/'), document["servers"]![0]!["url"]!.GetValue<string>());
        var schemas = document["components"]!["schemas"]!;
        Assert.Equal(["A", "B", "tie"], schemas["JudgeResponse"]!["properties"]!["winner"]!["enum"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Equal(32, schemas["JudgeRequest"]!["properties"]!["samples"]!["maximum"]!.GetValue<int>());
        Assert.Contains("winner", schemas["JudgeResponse"]!["required"]!.AsArray().Select(v => v!.GetValue<string>()));

        var judge = document["paths"]!["/judge"]!["post"]!["responses"]!;
        foreach (var status in new[] { "200", "400", "401", "413", "429", "503" })
            Assert.NotNull(judge[status]);
        Assert.NotNull(judge["503"]!["headers"]!["Retry-After"]);
        Assert.NotNull(document["paths"]!["/v1/chat/completions"]!["post"]!["responses"]!["200"]!["content"]!["text/event-stream"]);
        Assert.NotNull(document["paths"]!["/iterations/{id}/dataset"]!["get"]!["responses"]!["200"]!["content"]!["application/x-ndjson"]);
        Assert.NotNull(document["paths"]!["/iterations"]!["post"]!["responses"]!["202"]);
    }
}
