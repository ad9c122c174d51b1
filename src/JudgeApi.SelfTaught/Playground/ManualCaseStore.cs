using Microsoft.Data.Sqlite;

namespace JudgeApi.SelfTaught;

/// <summary>A case an operator saved from the playground: one instruction, two responses and, if they know it, the better one.</summary>
/// <param name="Expected">"A" or "B" when the operator knows the answer; null when the case only tracks change.</param>
/// <param name="LatestRuns">The newest run of this case on each set of weights it was run on.</param>
public sealed record ManualCase(
    long Id,
    string Name,
    string Instruction,
    string ResponseA,
    string ResponseB,
    string? Criteria,
    string? Expected,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    IReadOnlyList<ManualCaseRun> LatestRuns);

/// <summary>What an operator enters to save a case.</summary>
public sealed record NewManualCase(string Name, string Instruction, string ResponseA, string ResponseB, string? Criteria, string? Expected);

/// <summary>One judgment of a saved case with one set of weights, kept so that a regression shows.</summary>
/// <param name="Weights">"base" or the adapter id judged with.</param>
/// <param name="Matches">The winner equals the case's expected answer; null when the case has none.</param>
/// <param name="ElapsedMs">Wall time of the judgment, milliseconds.</param>
public sealed record ManualCaseRun(
    long Id,
    long CaseId,
    string Weights,
    DateTimeOffset At,
    string RunBy,
    string Mode,
    string Winner,
    double ProbabilityA,
    int VotesA,
    int VotesB,
    string Reasoning,
    int ReasoningTokens,
    int PromptTokens,
    double ElapsedMs,
    bool? Matches);

/// <summary>
/// The operators' own regression set (tables <c>manual_cases</c>, <c>manual_case_runs</c>): saved playground cases and
/// every run of them, so a case can be re-run against any adapter and its history compared.
/// </summary>
public sealed class ManualCaseStore(SelfTaughtDatabase database, TimeProvider time)
{
    internal const string Tables = """
        CREATE TABLE IF NOT EXISTS manual_cases (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            instruction TEXT NOT NULL,
            response_a TEXT NOT NULL,
            response_b TEXT NOT NULL,
            criteria TEXT NULL,
            expected TEXT NULL,
            created_at TEXT NOT NULL,
            created_by TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS manual_case_runs (
            id INTEGER PRIMARY KEY,
            case_id INTEGER NOT NULL REFERENCES manual_cases(id) ON DELETE CASCADE,
            weights TEXT NOT NULL,
            at TEXT NOT NULL,
            run_by TEXT NOT NULL,
            mode TEXT NOT NULL,
            winner TEXT NOT NULL,
            probability_a REAL NOT NULL,
            votes_a INTEGER NOT NULL,
            votes_b INTEGER NOT NULL,
            reasoning TEXT NOT NULL,
            reasoning_tokens INTEGER NOT NULL,
            prompt_tokens INTEGER NOT NULL,
            elapsed_ms REAL NOT NULL,
            matches INTEGER NULL);
        CREATE INDEX IF NOT EXISTS manual_case_runs_case ON manual_case_runs(case_id, weights, id);
        """;

    private const string CaseColumns = "SELECT id, name, instruction, response_a, response_b, criteria, expected, created_at, created_by FROM manual_cases";

    private const string RunColumns = """
        SELECT id, case_id, weights, at, run_by, mode, winner, probability_a, votes_a, votes_b, reasoning, reasoning_tokens, prompt_tokens, elapsed_ms, matches
        FROM manual_case_runs
        """;

    public ManualCase Create(NewManualCase entry, string createdBy) => database.Write(db =>
    {
        var id = (long)db.Scalar("""
            INSERT INTO manual_cases (name, instruction, response_a, response_b, criteria, expected, created_at, created_by)
            VALUES ($name, $instruction, $a, $b, $criteria, $expected, $now, $by) RETURNING id
            """, ("$name", entry.Name), ("$instruction", entry.Instruction), ("$a", entry.ResponseA), ("$b", entry.ResponseB),
            ("$criteria", entry.Criteria), ("$expected", entry.Expected), ("$now", Now()), ("$by", createdBy))!;
        return Find(db, id)!;
    });

    /// <summary>Every case, oldest first, each with its newest run per weights.</summary>
    public IReadOnlyList<ManualCase> List() => database.Read(db =>
    {
        var latest = LatestRuns(db, null).ToLookup(r => r.CaseId);
        return db.Query($"{CaseColumns} ORDER BY id", r => ReadCase(r, latest[r.GetInt64(0)].ToList()));
    });

    public ManualCase? Find(long id) => database.Read(db => Find(db, id));

    /// <summary>Every run of a case, newest first.</summary>
    public IReadOnlyList<ManualCaseRun> Runs(long caseId) => database.Read(db => db.Query($"{RunColumns} WHERE case_id = $id ORDER BY id DESC", ReadRun, ("$id", caseId)));

    /// <summary>Deletes a case and its runs; false when there was none.</summary>
    public bool Delete(long id) => database.Write(db =>
    {
        db.Execute("DELETE FROM manual_case_runs WHERE case_id = $id", ("$id", id));
        return db.Execute("DELETE FROM manual_cases WHERE id = $id", ("$id", id)) == 1;
    });

    public ManualCaseRun SaveRun(ManualCase manualCase, string weights, string runBy, Judging.JudgeResponse response) => database.Write(db =>
    {
        bool? matches = manualCase.Expected is null ? null : manualCase.Expected == response.Winner;
        var id = (long)db.Scalar("""
            INSERT INTO manual_case_runs (case_id, weights, at, run_by, mode, winner, probability_a, votes_a, votes_b, reasoning, reasoning_tokens,
                                          prompt_tokens, elapsed_ms, matches)
            VALUES ($case, $weights, $now, $by, $mode, $winner, $p, $va, $vb, $reasoning, $rt, $pt, $ms, $matches) RETURNING id
            """, ("$case", manualCase.Id), ("$weights", weights), ("$now", Now()), ("$by", runBy), ("$mode", response.Mode), ("$winner", response.Winner),
            ("$p", response.ProbabilityA), ("$va", response.Votes.A), ("$vb", response.Votes.B), ("$reasoning", response.Reasoning),
            ("$rt", response.ReasoningTokens), ("$pt", response.PromptTokens), ("$ms", response.ElapsedMs), ("$matches", matches is null ? null : matches.Value ? 1 : 0))!;
        return db.Query($"{RunColumns} WHERE id = $id", ReadRun, ("$id", id)).Single();
    });

    private static ManualCase? Find(Db db, long id) => db.Query($"{CaseColumns} WHERE id = $id", r => ReadCase(r, []), ("$id", id)).SingleOrDefault() is { } found
        ? found with { LatestRuns = LatestRuns(db, id) }
        : null;

    /// <summary>The newest run per case and weights, of one case or (null) of all.</summary>
    private static List<ManualCaseRun> LatestRuns(Db db, long? caseId) => db.Query($"""
        {RunColumns} WHERE id IN (SELECT MAX(id) FROM manual_case_runs WHERE $case IS NULL OR case_id = $case GROUP BY case_id, weights) ORDER BY id
        """, ReadRun, ("$case", caseId));

    private static ManualCase ReadCase(SqliteDataReader r, IReadOnlyList<ManualCaseRun> runs) => new(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3),
        r.GetString(4), r.GetNullableString(5), r.GetNullableString(6), DateTimeOffset.Parse(r.GetString(7)), r.GetString(8), runs);

    private static ManualCaseRun ReadRun(SqliteDataReader r) => new(r.GetInt64(0), r.GetInt64(1), r.GetString(2), DateTimeOffset.Parse(r.GetString(3)),
        r.GetString(4), r.GetString(5), r.GetString(6), r.GetDouble(7), r.GetInt32(8), r.GetInt32(9), r.GetString(10), r.GetInt32(11), r.GetInt32(12),
        r.GetDouble(13), r.IsDBNull(14) ? null : r.GetInt64(14) != 0);

    private string Now() => time.GetUtcNow().ToString("O");
}
