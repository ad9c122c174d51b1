using System.CommandLine;
using JudgeApi.Llama;

namespace JudgeApi.Bench;

/// <summary>`count-tokens`: how many tokens the model's tokenizer makes of each line of stdin (one JSON string a line); prints the total.</summary>
internal static class CountTokensCommand
{
    public static Command Create()
    {
        var model = new Option<FileInfo>("--model") { Description = "GGUF model whose tokenizer counts", Required = true };
        var command = new Command("count-tokens", "Total tokens of the JSON strings on stdin, one a line") { model };
        command.SetAction(parse =>
        {
            using var llama = LlamaModel.Load(parse.GetValue(model)!.FullName, new ModelOptions { VocabOnly = true });
            long total = 0;
            while (Console.ReadLine() is { } line)
            {
                if (line.Length > 0)
                    total += llama.Tokenize(System.Text.Json.JsonSerializer.Deserialize<string>(line) ?? "", addSpecial: false, parseSpecial: true).Length;
            }
            Console.WriteLine(total);
            return 0;
        });
        return command;
    }
}
