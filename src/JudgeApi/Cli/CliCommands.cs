using System.CommandLine;

namespace JudgeApi.Cli;

/// <summary>The command-line tools of the host; each command lives in its own file and is listed here.</summary>
public static class CliCommands
{
    private static RootCommand Build() => new("JudgeApi: an LLM pairwise judge that trains itself. With no command, serves the HTTP API.")
    {
        CreateTestModelCommand.Create(),
        CreateWorldCommand.Create(),
        CreateProofModelCommand.Create(),
        ProbeProofModelCommand.Create(),
        EvaluateCommand.Create(),
        TrainCommand.Create(),
    };

    /// <summary>True when the first argument names a command (or asks for help), so the web host is not started.</summary>
    public static bool IsCommand(string[] args) =>
        args.Length > 0 && (args[0] is "--help" or "-h" or "-?" || Build().Subcommands.Any(c => c.Name == args[0]));

    /// <summary>Runs the command; a failure it did not report itself is one line on stderr and exit code 1, never a stack trace.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var parse = Build().Parse(args);
        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync($"{parse.CommandResult.Command.Name}: cancelled.");
            return 130;
        }
        catch (Exception e)
        {
            await Console.Error.WriteLineAsync($"{parse.CommandResult.Command.Name}: {e.Message}");
            return 1;
        }
    }
}
