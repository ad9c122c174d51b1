namespace JudgeApi.SelfTaught;

/// <summary>
/// The keys that encrypt console session cookies (table <c>data_protection_keys</c>, one XML element each, as ASP.NET
/// Core data protection writes them), kept in the state store so that every replica behind a load balancer reads the
/// cookies any of them issued, and a restart keeps sessions.
/// </summary>
public sealed class SharedKeys(SelfTaughtDatabase database, TimeProvider time)
{
    internal const string Tables = """
        CREATE TABLE IF NOT EXISTS data_protection_keys (
            name TEXT PRIMARY KEY,
            xml TEXT NOT NULL,
            created_at TEXT NOT NULL);
        """;

    public IReadOnlyList<string> All() => database.Read(db => db.Query("SELECT xml FROM data_protection_keys ORDER BY created_at, name", r => r.GetString(0)));

    public void Store(string name, string xml) => database.Write(db => db.Execute("""
        INSERT INTO data_protection_keys (name, xml, created_at) VALUES (@name, @xml, @now)
        ON CONFLICT (name) DO UPDATE SET xml = excluded.xml
        """, ("@name", name), ("@xml", xml), ("@now", time.GetUtcNow().ToString("O"))));
}
