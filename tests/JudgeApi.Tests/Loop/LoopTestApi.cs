using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace JudgeApi.Tests.Loop;

/// <summary>Test-sized loop settings and the HTTP calls the loop tests share.</summary>
internal static class LoopTestApi
{
    /// <summary>Tiny everything: short generations, a rank-2 adapter trained for one step, a 4-pair held-out set judged directly.</summary>
    public static (string Key, string Value)[] TinySettings(string dataDir, double promotionMargin) =>
    [
        ("Judge:DataDir", dataDir),
        ("Judge:Promotion:Margin", promotionMargin.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ("Judge:SelfTaught:MaxResponseTokens", "12"),
        ("Judge:SelfTaught:MaxJudgeReasoningTokens", "12"),
        ("Judge:Training:Rank", "2"),
        ("Judge:Training:MaxSequenceLength", "192"),
        ("Judge:Training:BatchSize", "4"),
        ("Judge:Training:Threads", "1"),
        ("Judge:Evaluation:HeldOutPairs", "4"),
        ("Judge:Evaluation:Mode", "direct"),
    ];

    public static async Task ImportInstructionsAsync(HttpClient client, int count)
    {
        var instructions = Enumerable.Range(1, count).Select(i => $"Write a two-line poem about the number {i}.").ToArray();
        using var response = await client.PostAsJsonAsync("/instructions", instructions);
        response.EnsureSuccessStatusCode();
    }

    public static async Task<string> QueueIterationAsync(HttpClient client, string data = "iteration")
    {
        using var response = await client.PostAsJsonAsync("/iterations", new { instructions = 4, judgmentsPerPair = 2, seed = 3, data });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
    }

    public static async Task<JsonObject> IterationAsync(HttpClient client, string id) =>
        (await client.GetFromJsonAsync<JsonObject>($"/iterations/{id}"))!;

    /// <summary>Polls until the iteration finishes; fails the test with its last state after five minutes.</summary>
    public static async Task<JsonObject> WaitFinishedAsync(HttpClient client, string id)
    {
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (true)
        {
            var view = await IterationAsync(client, id);
            if (view["status"]!.GetValue<string>() is "succeeded" or "failed" or "canceled")
                return view;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException("The iteration did not finish: " + view.ToJsonString());
            await Task.Delay(200);
        }
    }

    /// <summary>Uploads an adapter file as the README shows (multipart, one file part).</summary>
    public static async Task<HttpResponseMessage> UploadAdapterAsync(HttpClient client, string path)
    {
        using var content = new MultipartFormDataContent();
        content.Add(new ByteArrayContent(await File.ReadAllBytesAsync(path)), "file", Path.GetFileName(path));
        return await client.PostAsync("/adapters", content);
    }

    public static async Task<JsonArray> AdaptersAsync(HttpClient client) => (await client.GetFromJsonAsync<JsonArray>("/adapters"))!;

    /// <summary>The adapter file a fresh /judge answer names (null: the base model alone).</summary>
    public static async Task<string?> JudgeAdapterAsync(HttpClient client)
    {
        using var response = await client.PostAsJsonAsync("/judge", new
        {
            instruction = "Which number is larger? " + Guid.NewGuid().ToString("N"),
            responseA = "Nine.",
            responseB = "Seven.",
            mode = "direct",
        });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["model"]!["adapter"]?.GetValue<string>();
    }
}
