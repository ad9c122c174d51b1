namespace JudgeApi.SelfTaught;

/// <summary>One time a replica became the leader.</summary>
public sealed record LeaderTerm(long Id, string Replica, DateTimeOffset StartedAt);

/// <summary>
/// Every leader term (table <c>leader_terms</c>): which replica led from when, so operators (and the failover test)
/// see when leadership moved and to whom.
/// </summary>
public sealed class LeaderTerms(SelfTaughtDatabase database, TimeProvider time)
{
    internal const string Tables = """
        CREATE TABLE IF NOT EXISTS leader_terms (
            id INTEGER PRIMARY KEY,
            replica TEXT NOT NULL,
            started_at TEXT NOT NULL);
        """;

    public void Begin(string replica) => database.Write(db =>
        db.Execute("INSERT INTO leader_terms (replica, started_at) VALUES (@replica, @now)", ("@replica", replica), ("@now", time.GetUtcNow().ToString("O"))));

    /// <summary>Newest first.</summary>
    public IReadOnlyList<LeaderTerm> List(int limit) => database.Read(db => db.Query(
        "SELECT id, replica, started_at FROM leader_terms ORDER BY id DESC LIMIT @limit",
        r => new LeaderTerm(r.GetInt64(0), r.GetString(1), DateTimeOffset.Parse(r.GetString(2))), ("@limit", limit)));
}
