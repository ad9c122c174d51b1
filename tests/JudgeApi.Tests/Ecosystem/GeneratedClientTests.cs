using JudgeApi.Client;
using JudgeApi.Tests.Loop;
using JudgeApi.Tests.SelfTaught;
using JudgeApi.Tests.Service;

namespace JudgeApi.Tests.Ecosystem;

/// <summary>
/// The NSwag client generated at build time from openapi/judgeapi.v1.json calls every endpoint of the live service,
/// error paths included, and reads every answer: the document's types, nullability and statuses hold.
/// </summary>
public sealed class GeneratedClientTests
{
    private const string OperatorKey = "generated-operator-key", ClientKey = "generated-client-key";

    [Fact]
    public async Task The_generated_client_calls_every_endpoint_and_reads_its_answers_and_errors()
    {
        using var data = new TempDirectory();
        using var files = new TempDirectory();
        await using var server = await JudgeServer.StartAsync([.. LoopTestApi.TinySettings(data.Path, promotionMargin: 0),
            ("Auth:OperatorKeys:0", OperatorKey), ("Auth:ClientKeys:0", ClientKey)]);
        var api = Client(server, OperatorKey);

        Assert.Equal("Healthy", (await api.GetHealthLiveAsync()).Status);
        Assert.Equal("Healthy", (await api.GetHealthReadyAsync()).Status);

        var model = await api.GetModelAsync();
        Assert.Equal(Path.GetFileName(TestModels.Tiny()), model.FileName);
        Assert.Null(model.Adapter);

        // Judge: an answer, a 400 naming the field, a batch with one bad item.
        var valid = new JudgeRequest { Instruction = "Which is larger? " + Guid.NewGuid().ToString("N"), ResponseA = "Nine.", ResponseB = "Seven.", MaxReasoningTokens = 4 };
        var judged = await api.JudgeAsync(valid);
        Assert.InRange(judged.ProbabilityA, 0, 1);
        Assert.Equal(Math.Abs(judged.ProbabilityA - 0.5) <= 0.01 ? JudgeResponseWinner.Tie : judged.ProbabilityA > 0.5 ? JudgeResponseWinner.A : JudgeResponseWinner.B,
            judged.Winner);
        var invalid = await Assert.ThrowsAsync<ApiException<HttpValidationProblemDetails>>(() => api.JudgeAsync(new JudgeRequest { Instruction = "x", ResponseA = "a" }));
        Assert.Equal(400, invalid.StatusCode);
        Assert.Contains("responseB", invalid.Result.Errors.Keys);
        var batch = await api.JudgeBatchAsync(new JudgeBatchRequest { Items = [valid, new JudgeRequest { Instruction = "x", ResponseA = "a" }] });
        Assert.Equal([200, 400], batch.Items.Select(i => i.Status));
        Assert.NotNull(batch.Items.First().Result);
        Assert.Null(batch.Items.Last().Result);
        Assert.Contains("responseB", batch.Items.Last().Error!.Errors!.Keys);

        // Keys: none is 401, a client key on an operator route is 403.
        Assert.Equal(401, (await Assert.ThrowsAsync<ApiException<ProblemDetails>>(() => Client(server, null).GetModelAsync())).StatusCode);
        Assert.Equal(403, (await Assert.ThrowsAsync<ApiException<ProblemDetails>>(() => Client(server, ClientKey).GetAdaptersAsync())).StatusCode);

        // Adapters: upload, list, activate, a missing one, deactivate.
        await using (var file = File.OpenRead(AdapterFiles.Good(files.Path)))
        {
            var uploaded = await api.PostAdaptersAsync(new FileParameter(file, "good.gguf", "application/octet-stream"));
            Assert.Equal("upload", uploaded.Source);
            Assert.Equal(uploaded.Id, Assert.Single(await api.GetAdaptersAsync()).Id);
            Assert.True((await api.PostAdaptersByIdActivateAsync(uploaded.Id, new AdapterChangeRequest { Note = "generated client" })).Active);
            Assert.Equal(uploaded.Id, (await api.JudgeAsync(valid)).Model.Adapter);
            Assert.Equal(404, (await Assert.ThrowsAsync<ApiException<ProblemDetails>>(() => api.PostAdaptersByIdActivateAsync("no-such-adapter", null))).StatusCode);
            Assert.Equal(409, (await Assert.ThrowsAsync<ApiException<ProblemDetails>>(() => api.DeleteAdaptersByIdAsync(uploaded.Id, null))).StatusCode);

            // The playground: the active adapter against the base model, a saved case re-run, its runs.
            // A nullable reference is allOf [$ref] + nullable in OpenAPI 3.0, for which NSwag makes a subclass (Judgment : JudgeRequest).
            var judgment = new Judgment { Instruction = valid.Instruction, ResponseA = valid.ResponseA, ResponseB = valid.ResponseB, MaxReasoningTokens = 4 };
            var sides = await api.PostPlaygroundJudgeAsync(new PlaygroundRequest { Judgment = judgment, Weights = ["base", uploaded.Id] });
            Assert.Equal(["base", uploaded.Id], sides.Results.Select(r => r.Weights));
            Assert.Equal(400, (await Assert.ThrowsAsync<ApiException<HttpValidationProblemDetails>>(() =>
                api.PostPlaygroundJudgeAsync(new PlaygroundRequest { Judgment = judgment, Weights = ["no-such-adapter"] }))).StatusCode);
            var saved = await api.PostPlaygroundCasesAsync(new ManualCaseRequest { Name = "larger", Instruction = valid.Instruction, ResponseA = "Nine.", ResponseB = "Seven.", Expected = "A" });
            Assert.Equal(saved.Id, Assert.Single(await api.GetPlaygroundCasesAsync()).Id);
            var run = await api.PostPlaygroundCasesRunAsync(new CaseRunRequest { Weights = "base" });
            Assert.Equal(saved.Id, Assert.Single(run.Runs).CaseId);
            Assert.Equal("base", Assert.Single(await api.GetPlaygroundCasesByCaseIdRunsAsync(saved.Id)).Weights);
            await api.DeletePlaygroundCasesByCaseIdAsync(saved.Id);
            Assert.Equal(404, (await Assert.ThrowsAsync<ApiException<ProblemDetails>>(() => api.GetPlaygroundCasesByCaseIdRunsAsync(saved.Id))).StatusCode);

            Assert.All(await api.PostAdaptersDeactivateAsync(null), a => Assert.False(a.Active));
            var audit = await api.GetAdaptersAuditAsync(1, 10);
            Assert.Equal(["deactivate", "activate"], audit.Items.Select(e => e.Action));
            Assert.Equal("generated client", audit.Items.Last().Note);

            // OpenAI-compatible routes, an unknown model in OpenAI's error shape.
            var models = await api.ListModelsAsync();
            Assert.Equal([model.FileName, uploaded.Id], models.Data.Select(m => m.Id));
            var chat = await api.CreateChatCompletionAsync(new ChatCompletionRequest
            {
                Model = uploaded.Id,
                Messages = [new ChatCompletionMessage { Role = "user", Content = "Hello" }],
                Max_tokens = 3,
                Temperature = 0,
            });
            Assert.Equal(uploaded.Id, chat.Model);
            Assert.Equal(chat.Usage.Prompt_tokens + chat.Usage.Completion_tokens, chat.Usage.Total_tokens);
            var unknown = await Assert.ThrowsAsync<ApiException<OpenAiErrorResponse>>(() => api.CreateChatCompletionAsync(new ChatCompletionRequest
            {
                Model = "no-such-model",
                Messages = [new ChatCompletionMessage { Role = "user", Content = "Hello" }],
            }));
            Assert.Equal(404, unknown.StatusCode);
            Assert.Equal("model_not_found", unknown.Result.Error.Code);

            await api.DeleteAdaptersByIdAsync(uploaded.Id, null);
            Assert.Empty(await api.GetAdaptersAsync());
            Assert.Equal(404, (await Assert.ThrowsAsync<ApiException<ProblemDetails>>(() => api.DeleteAdaptersByIdAsync(uploaded.Id, null))).StatusCode);
        }

        // Console sessions: who calls, a client key cannot sign in, an operator key can, sign-out.
        var caller = await api.GetSessionAsync();
        Assert.Equal(("operator-1", "key"), (caller.Name, caller.Via));
        Assert.Equal(403, (await Assert.ThrowsAsync<ApiException<ProblemDetails>>(() => api.PostSessionAsync(new SessionRequest { Key = ClientKey }))).StatusCode);
        var session = await api.PostSessionAsync(new SessionRequest { Key = OperatorKey });
        Assert.Equal("session", session.Via);
        Assert.NotNull(session.CsrfToken);
        await api.PostSessionSignOutAsync();

        // Instructions and an iteration to its dataset: 202, list, view, events, dataset, 404s and a 409.
        var imported = await api.PostInstructionsAsync(Enumerable.Range(0, 6).Select(i => $"Write a short poem about the number {i}."));
        Assert.Equal(6, imported.Added);
        Assert.Equal(6, (await api.GetInstructionsStatsAsync()).Total);
        var queued = await api.PostIterationsAsync(new IterationRequest { Instructions = 2, JudgmentsPerPair = 1, Train = false, Seed = 3 });
        Assert.Contains(queued.Status, new[] { IterationQueuedStatus.Queued, IterationQueuedStatus.Running });
        Assert.Contains(queued.Id, (await api.GetIterationsAsync()).Select(i => i.Id));
        Assert.Equal(400, (await Assert.ThrowsAsync<ApiException<HttpValidationProblemDetails>>(() => api.PostIterationsAsync(new IterationRequest { JudgmentsPerPair = 0 }))).StatusCode);
        using (var events = await api.GetIterationsByIdEventsAsync(queued.Id))
        {
            var stream = await new StreamReader(events.Stream).ReadToEndAsync(); // ends when the iteration does
            Assert.Contains("event: snapshot", stream);
        }
        var finished = await api.GetIterationsByIdAsync(queued.Id);
        Assert.Equal(IterationViewStatus.Succeeded, finished.Status);
        Assert.Equal(IterationViewStage.Done, finished.Stage);
        using (var dataset = await api.GetIterationsByIdDatasetAsync(queued.Id))
        {
            var lines = (await new StreamReader(dataset.Stream).ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.All(lines, line => Assert.Contains("\"messages\"", line));
        }
        var pairs = await api.GetIterationsByIdPairsAsync(queued.Id, 1, 10, null, null, null);
        Assert.Equal(pairs.Total, pairs.Items.Count);
        Assert.NotEmpty(pairs.Items);
        Assert.Equal(pairs.Items.First().Id, (await api.GetIterationsByIdPairsByPairIdAsync(queued.Id, pairs.Items.First().Id)).Pair.Id);
        Assert.Equal(404, (await Assert.ThrowsAsync<ApiException<ProblemDetails>>(() => api.GetIterationsByIdPairsByPairIdAsync(queued.Id, -1))).StatusCode);
        Assert.True((await api.GetIterationsByIdJudgmentsAsync(queued.Id, 1, 10, null)).Total >= 0);
        var discards = await api.GetIterationsByIdDiscardsAsync(queued.Id, 1, 10, null, null);
        Assert.All(discards.Items, d => Assert.NotNull(d.DiscardReason));
        Assert.Empty(await api.GetIterationsByIdTrainingAsync(queued.Id)); // Train = false
        Assert.Equal(404, (await Assert.ThrowsAsync<ApiException<ProblemDetails>>(() => api.GetIterationsByIdTrainingAsync("no-such-iteration"))).StatusCode);
        Assert.Equal(409, (await Assert.ThrowsAsync<ApiException<ProblemDetails>>(() => api.PostIterationsByIdCancelAsync(queued.Id))).StatusCode);
        Assert.Equal(404, (await Assert.ThrowsAsync<ApiException<ProblemDetails>>(() => api.GetIterationsByIdAsync("no-such-iteration"))).StatusCode);
        Assert.Equal(404, (await Assert.ThrowsAsync<ApiException<ProblemDetails>>(() => api.GetIterationsByIdDatasetAsync("no-such-iteration"))).StatusCode);
    }

    private static JudgeApiClient Client(JudgeServer server, string? key)
    {
        var http = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromMinutes(5) };
        if (key is not null)
            http.DefaultRequestHeaders.Add("X-API-Key", key);
        return new JudgeApiClient(http);
    }
}
