using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using JudgeApi.Judging;
using JudgeApi.Llama;
using JudgeApi.Llama.Gguf;
using JudgeApi.Tests.Service;
using JudgeApi.Training;

namespace JudgeApi.Tests.Protocol;

/// <summary>
/// Item 6 of issue 11: a model whose chat template llama.cpp does not know (Gemma 4's here) is not ready, with an error
/// saying to set Judge:ChatTemplate, and serves with the built-in template that names; a model without a template
/// keeps the plain layout.
/// </summary>
public sealed class UnknownTemplateTests
{
    private static string Gemma4Template => File.ReadAllText(Path.Combine(RepoPaths.Root, ".cache", "llama.cpp", "models", "templates", "google-gemma-4-31B-it.jinja"));

    private static string UnknownTemplateModel => TestModels.PathOf(new TestModelSpec(ChatTemplate: Gemma4Template));

    [Fact]
    public async Task An_unknown_template_keeps_the_service_not_ready_and_says_to_name_one()
    {
        await using var server = await Service.JudgeServer.StartLoadingAsync(("Judge:ModelPath", UnknownTemplateModel));

        var ready = await WaitForLoadAsync(server);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.Status);
        Assert.Contains("does not recognise the chat template", ready.Description);
        Assert.Contains("Judge:ChatTemplate", ready.Description);
        Assert.Contains("chatml", ready.Description);
        using var judged = await server.Client.PostJudgeAsync(Service.JudgeRequests.Valid(("mode", "direct")));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, judged.StatusCode);
    }

    [Fact]
    public async Task A_named_built_in_template_serves_the_model()
    {
        await using var server = await Service.JudgeServer.StartAsync(("Judge:ModelPath", UnknownTemplateModel), ("Judge:ChatTemplate", "gemma"));

        using var judged = await server.Client.PostJudgeAsync(Service.JudgeRequests.Valid(("mode", "direct")));
        var model = await server.Client.GetFromJsonAsync<JsonElement>("/model");

        Assert.Equal(HttpStatusCode.OK, judged.StatusCode);
        Assert.Equal("gemma", model.GetProperty("chatTemplate").GetString());
    }

    [Fact]
    public async Task A_name_that_is_no_built_in_template_is_refused_with_the_names()
    {
        await using var server = await Service.JudgeServer.StartLoadingAsync(("Judge:ChatTemplate", "gemma-4"));

        var ready = await WaitForLoadAsync(server);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.Status);
        Assert.Contains("Judge:ChatTemplate is 'gemma-4'", ready.Description);
        Assert.Contains("llama3", ready.Description);
    }

    [Fact]
    public async Task A_model_without_a_template_is_served_the_plain_layout()
    {
        var path = TestModels.PathOf(new TestModelSpec(ChatTemplate: ""));
        await using var server = await Service.JudgeServer.StartAsync(("Judge:ModelPath", path));

        using var judged = await server.Client.PostJudgeAsync(Service.JudgeRequests.Valid(("mode", "direct")));

        Assert.Equal(HttpStatusCode.OK, judged.StatusCode);
        using var model = LlamaModel.Load(path, new ModelOptions { VocabOnly = true });
        var prompt = new PromptTokenizer(new ChatTokenizer(model, ChatTemplate.For(model))).Judge("Q", "a", "b", null);
        Assert.StartsWith("### system:\n", model.Detokenize(prompt.Tokens));
        Assert.EndsWith("### assistant:\n", model.Detokenize(prompt.Tokens));
    }

    [Fact]
    public async Task The_trainer_renders_with_the_same_named_template_and_refuses_the_unknown_one()
    {
        TrainingExample[] examples = [new([.. JudgePrompt.Render("Q", "a", "b"), new ChatMessage("assistant", "Final verdict: [[A]]")])];
        var options = new TrainerOptions { MaxSteps = 1, Threads = 1 };
        var dir = TestModels.NewDirectory();

        await Assert.ThrowsAsync<LlamaChatTemplateException>(() => new LoraTrainer(options).TrainAsync(UnknownTemplateModel, examples, Path.Combine(dir, "a.gguf")));
        var trained = await new LoraTrainer(options, "gemma").TrainAsync(UnknownTemplateModel, examples, Path.Combine(dir, "b.gguf"));

        Assert.Equal(1, trained.Steps);
    }

    [Fact]
    public async Task The_train_command_takes_the_template_name_too()
    {
        var dir = TestModels.NewDirectory();
        var dataset = Path.Combine(dir, "data.ndjson");
        File.WriteAllText(dataset, "{\"messages\":[{\"role\":\"user\",\"content\":\"Q\"},{\"role\":\"assistant\",\"content\":\"A\"}]}\n");
        string[] train = ["train", "--model", UnknownTemplateModel, "--dataset", dataset, "--out", Path.Combine(dir, "adapter.gguf"), "--max-steps", "1", "--threads", "1"];

        Assert.Equal(1, await JudgeApi.Cli.CliCommands.RunAsync(train));
        Assert.Equal(0, await JudgeApi.Cli.CliCommands.RunAsync([.. train, "--chat-template", "gemma"]));
        Assert.True(File.Exists(Path.Combine(dir, "adapter.gguf")));
    }

    /// <summary>/health/ready once the model has loaded or failed to.</summary>
    private static async Task<(HttpStatusCode Status, string Description)> WaitForLoadAsync(Service.JudgeServer server)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var response = await server.Client.GetAsync("/health/ready");
            var description = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("description").GetString()!;
            if (!description.Contains("is loading", StringComparison.Ordinal) || attempt == 600)
                return (response.StatusCode, description);
            await Task.Delay(100);
        }
    }
}
