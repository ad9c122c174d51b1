using JudgeApi.Judging;
using JudgeApi.Llama;
using JudgeApi.Llama.Gguf;
using Microsoft.Extensions.DependencyInjection;

namespace JudgeApi.Tests.Protocol;

/// <summary>
/// Item 3 of issue 11: on every tokenizer llama.cpp ships (SentencePiece, BPE, WordPiece, unigram), the judge prompt is
/// the one-pass tokenization of the rendered text, so the judged texts' edges, the forced lead and the label are the
/// tokens the model saw in training: no stray "▁" at a slot edge on SentencePiece, no "?" + "\n\n" split on BPE.
/// </summary>
public sealed class SlotEdgeTests
{
    // Texts whose edges a split tokenization gets wrong: a word first ("▁What" vs "What"), "?\n\n" last, spaces at both ends.
    private const string Instruction = "What is the capital of France?\n\n";
    private const string First = "What? Paris, of course.";
    private const string Second = "  Lyon!\n";
    private const string Criteria = "Prefer the correct answer.";

    /// <summary>Every vocab file of the bundle, with a built-in template that uses its special tokens where there is one.</summary>
    public static TheoryData<string, string> Vocabularies()
    {
        var templates = new Dictionary<string, string[]>
        {
            ["llama-spm"] = ["llama2-sys", "mistral-v1"],
            ["llama-bpe"] = ["llama3"],
            ["phi-3"] = ["phi3"],
            ["command-r"] = ["command-r"],
            ["gemma-4"] = ["gemma"],
            ["deepseek-llm"] = ["deepseek2"],
            ["deepseek-coder"] = ["deepseek"],
            ["falcon"] = ["falcon3"],
        };
        var data = new TheoryData<string, string>();
        var files = Directory.GetFiles(Path.GetDirectoryName(RepoPaths.Vocab("gpt-2"))!, "ggml-vocab-*.gguf").Order(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var name = Path.GetFileNameWithoutExtension(file)["ggml-vocab-".Length..];
            foreach (var template in templates.GetValueOrDefault(name, ["chatml"]))
                data.Add(name, template);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Vocabularies))]
    public void The_judge_prompt_is_the_one_pass_tokenization_of_the_rendered_text(string vocab, string template)
    {
        using var model = LlamaModel.Load(RepoPaths.Vocab(vocab), new ModelOptions { VocabOnly = true });
        var tokenizer = new PromptTokenizer(new ChatTokenizer(model, ChatTemplate.For(model, template)));

        var prompt = tokenizer.Judge(Instruction, First, Second, Criteria);

        var rendered = model.ApplyChatTemplate(JudgePrompt.Render(Instruction, First, Second, Criteria), addAssistantPrefix: true, template);
        Assert.Equal(OnePass(model, rendered), prompt.Tokens);
        // The forced lead (direct mode) and the lead after reasoning continue the prompt as one pass over the whole does.
        Assert.Equal(OnePass(model, rendered + JudgePrompt.VerdictLead + "A"), (int[])[.. prompt.Tokens, .. prompt.Continue(JudgePrompt.VerdictLead + "A")]);
        var reasoned = JudgePrompt.VerdictText("Is A right? Yes.") + "B";
        Assert.Equal(OnePass(model, rendered + reasoned), (int[])[.. prompt.Tokens, .. prompt.Continue(reasoned)]);
    }

    [Fact]
    public async Task A_generated_sentencepiece_model_is_served_the_one_pass_prompt()
    {
        var path = TestModels.PathOf(new TestModelSpec(Vocab: RepoPaths.Vocab("llama-spm")));
        await using var server = await Service.JudgeServer.StartAsync(("Judge:ModelPath", path));
        var engine = server.Services.GetRequiredService<IJudgeEngine>();

        var direct = await engine.JudgeOnceAsync(new JudgeOnceRequest(Instruction, First, Second, Criteria, JudgeMode.Direct), WorkPriority.Interactive,
            CancellationToken.None);

        using var model = LlamaModel.Load(path, new ModelOptions { VocabOnly = true });
        var rendered = model.ApplyChatTemplate(JudgePrompt.Render(Instruction, First, Second, Criteria), addAssistantPrefix: true);
        // Direct mode decodes the prompt and the lead: as many tokens as one pass over both.
        Assert.Equal(OnePass(model, rendered + JudgePrompt.VerdictLead).Length, direct.PromptTokens);
    }

    /// <summary>llama.cpp's one pass over the text, special tokens parsed, BOS first when the vocabulary adds it and the text lacks it.</summary>
    private static int[] OnePass(LlamaModel model, string text)
    {
        var tokens = model.Tokenize(text, addSpecial: false, parseSpecial: true);
        return model.AddsBos && model.BosToken >= 0 && (tokens.Length == 0 || tokens[0] != model.BosToken) ? [model.BosToken, .. tokens] : tokens;
    }
}
