using Microsoft.Extensions.Options;

namespace JudgeApi.SelfTaught;

/// <summary>
/// The fixed synthetic evaluation set (tables <c>heldout_pairs</c>, <c>heldout_built</c>): built once, at the first
/// evaluation, from pool instructions no iteration has used (<c>Judge:Evaluation:HeldOutPairs</c> of them, at most half
/// of those unused), with the same pair synthesis the iterations use; stored, and excluded from every later selection,
/// so every iteration is scored on the same pairs and none is ever trained on.
/// </summary>
public sealed class HeldOutSet(SelfTaughtDatabase database, IIterationModel model, IOptions<SelfTaughtOptions> selfTaught,
    IOptions<EvaluationOptions> options, TimeProvider time)
{
    internal const string Tables = """
        CREATE TABLE IF NOT EXISTS heldout_pairs (
            instruction_id INTEGER PRIMARY KEY REFERENCES instructions(id),
            instruction TEXT NOT NULL,
            chosen TEXT NOT NULL,
            rejected TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS heldout_built (
            singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
            built_at TEXT NOT NULL);
        """;

    /// <summary>
    /// Migration 5: a pair of a multi-turn instruction keeps its earlier turns (<see cref="HistoryTurn"/> JSON; then
    /// <c>instruction</c> is the judged, last user turn), and every pair its provenance (seeds, prompts, the models that wrote it).
    /// </summary>
    internal const string MultiTurnColumns = """
        ALTER TABLE heldout_pairs ADD COLUMN history TEXT NULL;
        ALTER TABLE heldout_pairs ADD COLUMN synthesis TEXT NULL;
        """;

    // A fixed seed: the set does not depend on which iteration happens to build it.
    private const long Seed = 20240805;

    public async Task<IReadOnlyList<LabeledPair>> GetOrBuildAsync(CancellationToken cancellationToken)
    {
        if (database.Read(db => Convert.ToInt64(db.Scalar("SELECT COUNT(*) FROM heldout_built"))) > 0)
            return ReadPairs();

        var unused = database.Read(db => db.Query(
            "SELECT id, text, follow_ups FROM instructions WHERE id NOT IN (SELECT instruction_id FROM pairs) ORDER BY id",
            r => new PoolInstruction(r.GetInt64(0), r.GetString(1), null, r.GetJson<List<string>>(2))));
        // At most half of what is still unused, so later iterations keep fresh instructions to train on.
        var size = Math.Min(options.Value.HeldOutPairs, unused.Count / 2);
        var picked = unused.OrderBy(i => SeedDerivation.Derive(Seed, i.Id, "heldout", 0)).Take(size).ToList();
        var synthesizer = new PairSynthesizer(model, selfTaught.Value.MaxResponseTokens, selfTaught.Value.SynthesisTemperature, selfTaught.Value.ModifyAttempts);
        var pairs = await Task.WhenAll(picked.Select(async instruction =>
            (Instruction: instruction, Synthesis: await synthesizer.SynthesizeAsync(Seed, instruction.Id, instruction.Text, instruction.FollowUps,
                cancellationToken))));
        Save(pairs.Where(p => p.Synthesis.DiscardReason is null).ToList());
        return ReadPairs();
    }

    /// <summary>The pairs and the built marker in one transaction: a crash while building rebuilds from scratch.</summary>
    private void Save(IReadOnlyList<(PoolInstruction Instruction, PairSynthesis Synthesis)> pairs) => database.Write(db =>
    {
        using var insert = db.Command("""
            INSERT INTO heldout_pairs (instruction_id, instruction, chosen, rejected, history, synthesis)
            VALUES (@id, @instruction, @chosen, @rejected, @history, @synthesis)
            """);
        foreach (var (instruction, synthesis) in pairs)
            Db.Execute(insert, ("@id", instruction.Id), ("@instruction", instruction.JudgedInstruction), ("@chosen", synthesis.Chosen),
                ("@rejected", synthesis.Rejected), ("@history", synthesis.History is null ? null : Db.Json(synthesis.History)),
                ("@synthesis", Db.Json(synthesis.Provenance)));
        db.Execute("INSERT INTO heldout_built (singleton, built_at) VALUES (1, @now)", ("@now", time.GetUtcNow().ToString("O")));
    });

    private List<LabeledPair> ReadPairs() => database.Read(db => db.Query(
        "SELECT instruction, chosen, rejected, history FROM heldout_pairs ORDER BY instruction_id",
        r => new LabeledPair(r.GetString(0), r.GetString(1), r.GetString(2), null, HistoryTurn.Shared(r.GetJson<List<HistoryTurn>>(3)))));
}
