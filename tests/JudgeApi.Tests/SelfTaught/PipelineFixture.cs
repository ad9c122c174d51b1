using JudgeApi.SelfTaught;
using Microsoft.Extensions.Options;

namespace JudgeApi.Tests.SelfTaught;

/// <summary>A self-taught database in a temp folder with the stores and a way to run iterations on a given model.</summary>
internal sealed class PipelineFixture : IDisposable
{
    private readonly TempDirectory? directory;
    private readonly IterationStore iterations;
    private readonly PairStore pairs;

    /// <param name="databaseFile">A database file to work on a copy of; a new database when null.</param>
    public PipelineFixture(string? databaseFile = null)
        : this(new TempDirectory(), databaseFile)
    {
    }

    private PipelineFixture(TempDirectory directory, string? databaseFile)
        : this(Create(directory, databaseFile)) => this.directory = directory;

    private static SelfTaughtDatabase Create(TempDirectory directory, string? databaseFile)
    {
        if (databaseFile is not null)
            File.Copy(databaseFile, Path.Combine(directory.Path, SelfTaughtDatabase.FileName));
        return new SelfTaughtDatabase(directory.Path, TimeProvider.System);
    }

    /// <summary>The same stores on a given database (PostgreSQL, say).</summary>
    public PipelineFixture(SelfTaughtDatabase database)
    {
        Database = database;
        Leases = new ItemLeases(Database, Microsoft.Extensions.Options.Options.Create(new ScaleOutOptions { ReplicaName = "fixture" }),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<ItemLeases>.Instance);
        Pool = new InstructionPool(Database, TimeProvider.System);
        iterations = new IterationStore(Database, TimeProvider.System);
        pairs = new PairStore(Database);
        var views = new IterationViews(Database);
        Store = new IterationTestStore(iterations, pairs, views);
        Events = new IterationEvents(views);
    }

    public SelfTaughtDatabase Database { get; }

    public ItemLeases Leases { get; }

    public InstructionPool Pool { get; }

    public IterationTestStore Store { get; }

    public IterationEvents Events { get; }

    public static IOptions<SelfTaughtOptions> Options { get; } = Microsoft.Extensions.Options.Options.Create(new SelfTaughtOptions());

    /// <summary>30 instructions the scripted model classifies as 10 coding, 10 math and 10 writing.</summary>
    public static string[] ThirtyInstructions { get; } = Enumerable.Range(1, 10)
        .SelectMany(i => new[] { $"Write code that prints {i}.", $"What is the sum of {i} and {i * 3}?", $"Write a short story about the number {i}." })
        .ToArray();

    public void ImportThirty() =>
        Pool.Import(new ImportParseResult(ThirtyInstructions.Select((t, i) => new ImportedInstruction(i, t, null)).ToList(), []), new SelfTaughtOptions { MaxInstructionLength = 1000 });

    public IterationRecord Queue(int instructions = 12, int judgmentsPerPair = 4, long seed = 5) =>
        iterations.Create(new IterationParameters(instructions, Options.Value.CategoryNames, judgmentsPerPair, 0.8f, false, seed, false));

    /// <summary>The stages up to the dataset on <paramref name="model"/>, as <see cref="SelfTaughtServiceCollectionExtensions.AddSelfTaught"/> wires them.</summary>
    public IterationStages Stages(IIterationModel model) => new(
        [
            new ClassificationStage(model, Pool, Leases, Events, Options),
            new SelectionStage(Pool),
            new SynthesisStage(model, pairs, Leases, Events, Options),
            new AnnotationStage(model, pairs, Leases, Events, Options),
            new DatasetStage(model, pairs),
        ], Database, iterations, Events);

    /// <summary>Runs the iteration's stages as the runner does: marked running first (items are claimed only for a running iteration).</summary>
    public Task RunAsync(IIterationModel model, string iterationId)
    {
        iterations.MarkRunning(iterationId);
        return Stages(model).RunAsync(iterations.Find(iterationId)!, CancellationToken.None);
    }

    public void Dispose() => directory?.Dispose();
}

/// <summary>What the iteration tests read and set, each over the store that owns it.</summary>
internal sealed class IterationTestStore(IterationStore iterations, PairStore pairs, IterationViews views)
{
    public void SetStatus(string id, string status) => iterations.SetStatus(id, status);

    public void SetStage(string id, string stage) => iterations.SetStage(id, stage);

    public CancelOutcome RequestCancel(string id) => iterations.RequestCancel(id);

    public IterationView? View(string id) => views.View(id);

    public IReadOnlyList<PairRecord> PairsInState(string id, string state) => pairs.InState(id, state);

    public IAsyncEnumerable<DatasetExample> ReadDataset(string id, CancellationToken cancellationToken) => pairs.ReadDataset(id, cancellationToken);
}
