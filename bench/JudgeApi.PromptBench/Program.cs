using System.Diagnostics;
using JudgeApi.Judging;
using JudgeApi.Llama;

// What tokenizing a judge prompt costs per request with ChatTokenizer (the one tokenization serving and training
// share), next to llama.cpp's plain one pass over the same rendered text, on every vocabulary of the llama.cpp bundle;
// and what the end of a reasoning judgment costs the scheduler thread (the verdict text retokenized after the prompt).
// Usage: JudgeApi.PromptBench <models dir> [reps]. Ends with `prompt chat_us_max=… overhead_max=… end_us_max=…`.
if (args.Length < 1 || !Directory.Exists(args[0]))
{
    Console.Error.WriteLine("usage: JudgeApi.PromptBench <dir with ggml-vocab-*.gguf> [reps]");
    return 2;
}
var reps = args.Length > 1 ? int.Parse(args[1]) : 20;
var templates = new Dictionary<string, string>
{
    ["llama-spm"] = "llama2-sys", ["llama-bpe"] = "llama3", ["phi-3"] = "phi3", ["command-r"] = "command-r", ["gemma-4"] = "gemma",
    ["deepseek-llm"] = "deepseek2", ["deepseek-coder"] = "deepseek", ["falcon"] = "falcon3",
};
// About 1,500 tokens of judged text, as a long real request has.
var instruction = string.Concat(Enumerable.Repeat("Explain, with an example, why the sky looks blue at noon and red at sunset? ", 20));
var first = string.Concat(Enumerable.Repeat("Rayleigh scattering favours short wavelengths, so blue light is scattered across the sky. ", 25));
var second = string.Concat(Enumerable.Repeat("At sunset light crosses more air; blue is scattered away and red remains.\n\n", 25));
var messages = JudgePrompt.Render(new JudgedTexts(instruction, first, second, Criteria: "Prefer physically correct explanations."));
var reasoning = string.Concat(Enumerable.Repeat("Assistant A explains the scattering; assistant B only describes it. ", 35));

Console.WriteLine($"{"vocabulary",-16} {"first ms",8} {"tokens",7} {"chat µs",9} {"one pass µs",12} {"ratio",6} {"end µs",8}");
double chatMax = 0, ratioMax = 0, endMax = 0;
foreach (var file in Directory.GetFiles(args[0], "ggml-vocab-*.gguf").Order(StringComparer.Ordinal))
{
    var name = Path.GetFileNameWithoutExtension(file)["ggml-vocab-".Length..];
    using var model = LlamaModel.Load(file, new ModelOptions { VocabOnly = true });
    var template = templates.GetValueOrDefault(name, "chatml");
    // The first prompt also reads the vocabulary's special tokens and splits the template text (both kept after it).
    var load = Stopwatch.StartNew();
    var chat = new ChatTokenizer(model, ChatTemplate.For(model, template));
    var prompt = chat.Prompt(messages);
    load.Stop();
    var rendered = model.ApplyChatTemplate(messages, addAssistantPrefix: true, template);
    var verdictText = JudgePrompt.VerdictText(reasoning);

    var chatUs = Microseconds(() => chat.Prompt(messages), reps);
    var onePassUs = Microseconds(() => model.Tokenize(rendered, addSpecial: true, parseSpecial: true), reps);
    // JudgmentProgram.End tokenizes the verdict text after the prompt twice (label A and label B).
    var endUs = Microseconds(() => { prompt.Continue(verdictText + "A"); prompt.Continue(verdictText + "B"); }, reps);
    Console.WriteLine($"{name,-16} {load.Elapsed.TotalMilliseconds,8:F0} {prompt.Tokens.Length,7} {chatUs,9:F0} {onePassUs,12:F0} {chatUs / onePassUs,6:F2} {endUs,8:F0}");
    chatMax = Math.Max(chatMax, chatUs);
    ratioMax = Math.Max(ratioMax, chatUs / onePassUs);
    endMax = Math.Max(endMax, endUs);
}
Console.WriteLine($"prompt chat_us_max={chatMax:F0} overhead_max={ratioMax:F2} end_us_max={endMax:F0}");
return 0;

static double Microseconds(Action action, int reps)
{
    action();
    var clock = Stopwatch.StartNew();
    for (var i = 0; i < reps; i++)
        action();
    return clock.Elapsed.TotalMicroseconds / reps;
}

