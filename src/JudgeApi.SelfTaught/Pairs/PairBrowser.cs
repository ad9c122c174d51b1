using Microsoft.Data.Sqlite;

namespace JudgeApi.SelfTaught;

/// <summary>Which of an iteration's pairs to list; null fields do not filter.</summary>
/// <param name="State">A <see cref="PairState"/>: kept, discarded, or a stage's intermediate state while it runs.</param>
/// <param name="Reason">A <see cref="DiscardReason"/>.</param>
public sealed record PairFilter(string? Category = null, string? State = null, string? Reason = null);

/// <summary>A pair as listed: the instruction x, the modified instruction x', y_w (chosen) and y_l (rejected), and its outcome.</summary>
/// <param name="Judgments">Judgments sampled (null until annotated).</param>
/// <param name="Correct">Judgments that picked y_w.</param>
/// <param name="KeptSample">The sample whose judgment became the training example.</param>
/// <param name="Label">Where y_w stood in the kept judgment ("A" or "B").</param>
public sealed record PairSummary(
    long Id,
    int Ordinal,
    string? Category,
    string State,
    string Instruction,
    string? ModifiedInstruction,
    string? Chosen,
    string? Rejected,
    int? Judgments,
    int? Correct,
    int? KeptSample,
    string? Label,
    string? DiscardReason);

/// <summary>One sampled judgment of a pair.</summary>
/// <param name="ChosenPosition">Where y_w was shown ("A" or "B").</param>
/// <param name="Winner">The verdict ("A", "B"; null when none was read).</param>
/// <param name="ProbabilityA">P(A is better) read from the verdict tokens.</param>
/// <param name="Outcome">"kept", or why this judgment did not become the training example.</param>
public sealed record PairJudgment(long PairId, int Sample, string ChosenPosition, string? Winner, bool Correct, double? ProbabilityA, string Reasoning,
    long Seed, string Outcome);

public sealed record PairDetail(PairSummary Pair, IReadOnlyList<PairJudgment> Judgments);

/// <summary>
/// Reads an iteration's pairs and judgments for people: paged, filtered, with each judgment's outcome spelled out.
/// Read-only over <see cref="PairStore"/>'s tables.
/// </summary>
public sealed class PairBrowser(SelfTaughtDatabase database)
{
    /// <summary>What each judgment outcome means, as shown.</summary>
    public const string Kept = "kept", Wrong = "wrong verdict", OtherKept = "another correct judgment was kept",
        PairDropped = "the pair was dropped", NotDecided = "not decided yet";

    private const string PairColumns = """
        SELECT p.id, p.ordinal, i.category, p.state, p.instruction, p.modified_instruction, p.chosen, p.rejected,
               p.judgments, p.correct, p.kept_sample, p.label, p.discard_reason
        FROM pairs p LEFT JOIN instructions i ON i.id = p.instruction_id
        """;

    private const string PairWhere = """
        WHERE p.iteration_id = $iteration
          AND ($category IS NULL OR i.category = $category)
          AND ($state IS NULL OR p.state = $state)
          AND ($reason IS NULL OR p.discard_reason = $reason)
        """;

    public PagedList<PairSummary> Pairs(string iterationId, PairFilter filter, int page, int pageSize) => database.Read(db =>
    {
        (string, object?)[] where = [("$iteration", iterationId), ("$category", filter.Category), ("$state", filter.State), ("$reason", filter.Reason)];
        var items = db.Query($"{PairColumns} {PairWhere} ORDER BY p.ordinal LIMIT $limit OFFSET $offset", ReadPair,
            [.. where, ("$limit", pageSize), ("$offset", (page - 1) * pageSize)]);
        var total = Convert.ToInt32(db.Scalar($"SELECT COUNT(*) FROM pairs p LEFT JOIN instructions i ON i.id = p.instruction_id {PairWhere}", where));
        return new PagedList<PairSummary>(items, page, pageSize, total);
    });

    /// <summary>A pair of this iteration with every judgment; null when there is none with that id.</summary>
    public PairDetail? Pair(string iterationId, long pairId) => database.Read(db =>
    {
        if (db.Query($"{PairColumns} WHERE p.iteration_id = $iteration AND p.id = $pair", ReadPair, ("$iteration", iterationId), ("$pair", pairId))
            .SingleOrDefault() is not { } pair)
            return null;
        var judgments = db.Query($"{JudgmentColumns} WHERE j.pair_id = $pair ORDER BY j.sample", ReadJudgment, ("$pair", pairId));
        return new PairDetail(pair, judgments);
    });

    /// <summary>Every judgment of the iteration in pair order; <paramref name="correct"/> keeps only right (or only wrong) ones.</summary>
    public PagedList<PairJudgment> Judgments(string iterationId, bool? correct, int page, int pageSize) => database.Read(db =>
    {
        (string, object?)[] where = [("$iteration", iterationId), ("$correct", correct is null ? null : correct.Value ? 1 : 0)];
        const string filter = "WHERE p.iteration_id = $iteration AND ($correct IS NULL OR j.correct = $correct)";
        var items = db.Query($"{JudgmentColumns} {filter} ORDER BY p.ordinal, j.sample LIMIT $limit OFFSET $offset", ReadJudgment,
            [.. where, ("$limit", pageSize), ("$offset", (page - 1) * pageSize)]);
        var total = Convert.ToInt32(db.Scalar($"SELECT COUNT(*) FROM judgments j JOIN pairs p ON p.id = j.pair_id {filter}", where));
        return new PagedList<PairJudgment>(items, page, pageSize, total);
    });

    private const string JudgmentColumns = """
        SELECT j.pair_id, j.sample, j.chosen_position, j.winner, j.correct, j.probability_a, j.reasoning, j.seed, p.state, p.kept_sample
        FROM judgments j JOIN pairs p ON p.id = j.pair_id
        """;

    private static PairSummary ReadPair(SqliteDataReader r) => new(r.GetInt64(0), r.GetInt32(1), r.GetNullableString(2), r.GetString(3), r.GetString(4),
        r.GetNullableString(5), r.GetNullableString(6), r.GetNullableString(7), r.GetNullableInt32(8), r.GetNullableInt32(9), r.GetNullableInt32(10),
        r.GetNullableString(11), r.GetNullableString(12));

    private static PairJudgment ReadJudgment(SqliteDataReader r)
    {
        var correct = r.GetInt64(4) != 0;
        var (state, keptSample, sample) = (r.GetString(8), r.GetNullableInt32(9), r.GetInt32(1));
        var outcome = !correct ? Wrong
            : state == PairState.Discarded ? PairDropped
            : state != PairState.Kept ? NotDecided
            : keptSample == sample ? Kept
            : OtherKept;
        return new(r.GetInt64(0), sample, r.GetString(2), r.GetNullableString(3), correct, r.GetNullableDouble(5), r.GetString(6), r.GetInt64(7), outcome);
    }
}
