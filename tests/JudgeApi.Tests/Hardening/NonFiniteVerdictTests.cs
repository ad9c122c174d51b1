using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using JudgeApi.Tests.Fuzz;
using JudgeApi.Tests.SelfTaught;
using JudgeApi.Tests.Service;

namespace JudgeApi.Tests.Hardening;

/// <summary>Weights that give NaN scores (however they got loaded) make a clear engine error, not a serializer crash.</summary>
public sealed class NonFiniteVerdictTests
{
    [Fact]
    public async Task A_model_with_nan_weights_answers_a_clear_problem_for_judge_and_each_batch_item()
    {
        using var directory = new TempDirectory();
        var tiny = GgufLayout.Read(TestModels.Tiny());
        // One NaN in the final norm's scale spreads to every logit.
        var norm = tiny.TensorNamed("output_norm.weight");
        var poisoned = Path.Combine(directory.Path, "nan-norm.gguf");
        await File.WriteAllBytesAsync(poisoned, tiny.With(tiny.DataStart + norm.DataOffset, float.NaN));
        await using var server = await JudgeServer.StartAsync(("Judge:ModelPath", poisoned));

        using var judge = await server.Client.PostJudgeAsync(JudgeRequests.Valid(("mode", "direct")));
        using var batch = await server.Client.PostAsJsonAsync("/judge/batch", new { items = new[] { JudgeRequests.Valid(("mode", "direct")) } });

        Assert.Equal(HttpStatusCode.InternalServerError, judge.StatusCode);
        Assert.Equal("application/problem+json", judge.Content.Headers.ContentType?.MediaType);
        var problem = await judge.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("The judge model produced no valid verdict.", problem.GetProperty("title").GetString());
        Assert.Contains("not finite", problem.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.OK, batch.StatusCode);
        var item = (await batch.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items")[0];
        Assert.Equal(500, item.GetProperty("status").GetInt32());
        Assert.Contains("not finite", item.GetProperty("error").GetProperty("detail").GetString());
    }
}
