using System.CommandLine;
using System.Text.Json;
using JudgeApi.Judging;
using JudgeApi.Llama;

namespace JudgeApi.Bench;

/// <summary>
/// `judge-prompts`: the judge prompt exactly as the service renders it (JudgePrompt through the model's chat
/// template), for both orders and both modes, with a placeholder for the instruction, so that bench/judge.sh can send
/// llama-server the same prompts it sends us. One JSON object on stdout.
/// </summary>
internal static class JudgePromptsCommand
{
    public const string InstructionPlaceholder = "@@INSTRUCTION@@";

    public static Command Create()
    {
        var model = new Option<FileInfo>("--model") { Description = "GGUF model whose chat template renders the prompts", Required = true };
        var first = new Option<string>("--response-a") { Description = "the response shown as A in the first order", Required = true };
        var second = new Option<string>("--response-b") { Description = "the response shown as B in the first order", Required = true };
        var command = new Command("judge-prompts", "Print the service's rendered judge prompts (both orders, direct and reasoning) as JSON") { model, first, second };
        command.SetAction(parse =>
        {
            using var llama = LlamaModel.Load(parse.GetValue(model)!.FullName, new ModelOptions { VocabOnly = true });
            string Rendered(string a, string b) =>
                llama.ApplyChatTemplate(JudgePrompt.Render(new JudgedTexts(InstructionPlaceholder, a, b)), addAssistantPrefix: true);
            var (responseA, responseB) = (parse.GetValue(first)!, parse.GetValue(second)!);
            Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, string>
            {
                ["placeholder"] = InstructionPlaceholder,
                ["ab"] = Rendered(responseA, responseB),
                ["ba"] = Rendered(responseB, responseA),
                // Direct mode appends the lead to the prompt; reasoning mode forces it after the reasoning.
                ["direct_lead"] = JudgePrompt.VerdictLead,
                ["reasoning_lead"] = "\n\n" + JudgePrompt.VerdictLead,
                ["stop"] = JudgePrompt.VerdictOpen,
            }));
            return 0;
        });
        return command;
    }
}
