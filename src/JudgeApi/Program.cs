using JudgeApi;
using JudgeApi.Cli;

// `dotnet run --project src/JudgeApi -- <command> …` runs a command-line tool (create-test-model, train, …);
// with no command it serves the HTTP API.
if (CliCommands.IsCommand(args))
    return await CliCommands.RunAsync(args);

await JudgeHost.Build(args).RunAsync();
return 0;
