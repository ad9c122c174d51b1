using JudgeApi.SelfTaught;
using Microsoft.Extensions.Options;

namespace JudgeApi.Tests.SelfTaught;

/// <summary>A pipeline database in a temp folder with the stores and a way to run iterations on a given model.</summary>
internal sealed class PipelineFixture : IDisposable
{
    private readonly TempDirectory directory = new();

    public PipelineFixture()
    {
        var database = new PipelineDatabase(directory.Path);
        Pool = new InstructionPool(database, TimeProvider.System);
        Store = new IterationStore(database, TimeProvider.System);
        Events = new IterationEvents(Store);
    }

    public InstructionPool Pool { get; }

    public IterationStore Store { get; }

    public IterationEvents Events { get; }

    public static IOptions<SelfTaughtOptions> Options { get; } = Microsoft.Extensions.Options.Options.Create(new SelfTaughtOptions());

    /// <summary>30 instructions the scripted model classifies as 10 coding, 10 math and 10 writing.</summary>
    public static string[] ThirtyInstructions { get; } = Enumerable.Range(1, 10)
        .SelectMany(i => new[] { $"Write code that prints {i}.", $"What is the sum of {i} and {i * 3}?", $"Write a short story about the number {i}." })
        .ToArray();

    public void ImportThirty() =>
        Pool.Import(new ImportParseResult(ThirtyInstructions.Select((t, i) => new ImportedInstruction(i, t, null)).ToList(), []), 1000);

    public IterationRecord Queue(int instructions = 12, int judgmentsPerPair = 4, long seed = 5) =>
        Store.Create(new IterationParameters(instructions, Options.Value.CategoryNames, judgmentsPerPair, 0.8f, false, seed, false));

    public IterationPipeline Pipeline(IIterationModel model) => new(model, Pool, Store, Events, Options);

    public Task RunAsync(IIterationModel model, string iterationId) => Pipeline(model).RunAsync(Store.Find(iterationId)!, CancellationToken.None);

    public void Dispose() => directory.Dispose();
}
