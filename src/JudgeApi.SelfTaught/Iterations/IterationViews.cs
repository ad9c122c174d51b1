namespace JudgeApi.SelfTaught;

/// <summary>
/// Iterations as the API shows them. Each view is read in one snapshot, so its status, stage, counts and candidate
/// results belong to the same moment: a view at stage annotate never counts judgments recorded after annotation ended.
/// </summary>
public sealed class IterationViews(SelfTaughtDatabase database)
{
    public IterationView? View(string id) => database.Read(db => IterationStore.Find(db, id) is { } record ? View(db, record) : null);

    /// <summary>Every iteration, newest first.</summary>
    public IReadOnlyList<IterationView> List() => database.Read(db => IterationStore.All(db).Select(record => View(db, record)).ToList());

    private static IterationView View(Db db, IterationRecord record)
    {
        var (progress, metrics) = PairStore.Statistics(db, record.Id);
        return new(record.Id, record.Number, record.Status, record.Stage, progress, metrics, record.Error, record.CreatedAt, record.UpdatedAt, record.Parameters)
        {
            Candidate = CandidateStore.Read(db, record.Id),
            Generators = PairStore.Generators(db, record.Id),
        };
    }
}
