using System.Data.Common;

namespace JudgeApi.SelfTaught;

/// <param name="Rejected">The first <see cref="InstructionPool.MaxListedRejections"/> rejected entries, in index order.</param>
/// <param name="RejectedNotListed">Rejected entries beyond those listed.</param>
public sealed record ImportOutcome(int Added, int Duplicates, IReadOnlyList<ImportRejection> Rejected, int RejectedNotListed);

public sealed record PoolStats(int Total, IReadOnlyDictionary<string, int> ByCategory, int Unclassified, int Used);

/// <param name="FollowUps">The later user turns of a multi-turn instruction (MT-Bench's follow-up questions); null for a single-turn one.</param>
public sealed record PoolInstruction(long Id, string Text, string? Category, IReadOnlyList<string>? FollowUps = null)
{
    /// <summary>The user turn its pairs' responses answer: the last follow-up, or the instruction itself.</summary>
    public string JudgedInstruction => Judged(Text, FollowUps);

    public static string Judged(string instruction, IReadOnlyList<string>? followUps) => followUps is { Count: > 0 } ? followUps[^1] : instruction;
}

/// <param name="InCategories">Instructions of the pool in the requested categories.</param>
/// <param name="HeldOut">Of those, held out for evaluation (never selected).</param>
/// <param name="UsedElsewhere">Of those not held out, already used by another iteration.</param>
public sealed record PoolAvailability(int Total, int InCategories, int HeldOut, int UsedElsewhere);

/// <summary>
/// The instruction pool (table <c>instructions</c>): imports with hash dedupe, classification results, and selection
/// candidates, which leave out instructions the held-out set and other iterations hold (read from their tables).
/// </summary>
public sealed class InstructionPool(SelfTaughtDatabase database, TimeProvider time)
{
    /// <summary>The table of the pool's instructions, items of the classification stage.</summary>
    public const string Table = "instructions";

    internal const string Tables = """
        CREATE TABLE IF NOT EXISTS instructions (
            id INTEGER PRIMARY KEY,
            text TEXT NOT NULL,
            hash TEXT NOT NULL UNIQUE,
            category TEXT NULL,
            category_source TEXT NULL,
            created_at TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS instructions_category ON instructions(category);
        """;

    /// <summary>
    /// Migration 5: the follow-up questions of a multi-turn instruction (JSON array), and which model classified it
    /// (<see cref="GeneratorIdentity"/> JSON; null for a category that came with the import).
    /// </summary>
    internal const string MultiTurnColumns = """
        ALTER TABLE instructions ADD COLUMN follow_ups TEXT NULL;
        ALTER TABLE instructions ADD COLUMN category_model TEXT NULL;
        """;

    /// <summary>Migration 6: the lease of a replica classifying an instruction, and which replica recorded its category.</summary>
    internal const string LeaseColumns = """
        ALTER TABLE instructions ADD COLUMN lease_owner TEXT NULL;
        ALTER TABLE instructions ADD COLUMN lease_until INTEGER NULL;
        ALTER TABLE instructions ADD COLUMN classified_by TEXT NULL;
        CREATE INDEX IF NOT EXISTS instructions_lease ON instructions(lease_owner) WHERE lease_owner IS NOT NULL;
        """;

    /// <summary>The <c>category_source</c> of a category that came with the import rather than from a classification.</summary>
    private const string ImportSource = "import";

    /// <summary>Rejections an import answer lists; a body of a million bad lines is answered with a count, not a list that size.</summary>
    public const int MaxListedRejections = 100;

    /// <summary>
    /// Adds the parsed entries that pass validation (<see cref="InstructionText.RejectionReason"/>, a category among
    /// the configured ones) in one transaction; duplicates (also within the batch) are counted.
    /// </summary>
    public ImportOutcome Import(ImportParseResult parsed, SelfTaughtOptions options) => database.Write(db =>
    {
        var categories = options.CategoryNames;
        var rejected = parsed.Rejected.ToList();
        int added = 0, duplicates = 0;
        using var insert = db.Command("""
            INSERT INTO instructions (text, hash, category, category_source, created_at, follow_ups)
            VALUES (@text, @hash, @category, CASE WHEN CAST(@category AS TEXT) IS NULL THEN NULL ELSE @source END, @now, @followUps)
            ON CONFLICT(hash) DO NOTHING
            """, ("@source", ImportSource), ("@now", time.GetUtcNow().ToString("O")));
        foreach (var entry in parsed.Entries)
        {
            var followUps = entry.FollowUps is { Count: > 0 } turns ? turns.Select(t => t.Trim()).ToList() : null;
            var reason = InstructionText.RejectionReason(entry.Instruction, options.MaxInstructionLength)
                ?? followUps?.Select((turn, i) => InstructionText.RejectionReason(turn, options.MaxInstructionLength) is { } bad ? $"follow-up {i + 1}: {bad}" : null)
                    .FirstOrDefault(r => r is not null)
                ?? (entry.Category is { } category && !categories.Contains(category, StringComparer.Ordinal)
                    ? $"category '{Shown(category)}' is not one of the configured categories ({string.Join(", ", categories)}; Judge:SelfTaught:Categories)"
                    : null);
            if (reason is not null)
            {
                rejected.Add(new(entry.Index, reason));
                continue;
            }
            if (Db.Execute(insert, ("@text", entry.Instruction.Trim()), ("@hash", InstructionText.Hash(entry.Instruction, followUps)), ("@category", entry.Category),
                    ("@followUps", followUps is null ? null : Db.Json(followUps))) == 1)
                added++;
            else
                duplicates++;
        }
        return new ImportOutcome(added, duplicates, rejected.OrderBy(r => r.Index).Take(MaxListedRejections).ToList(),
            Math.Max(0, rejected.Count - MaxListedRejections));
    });

    /// <summary>A rejected category as the answer quotes it: at most 40 characters, control characters escaped.</summary>
    private static string Shown(string category)
    {
        var cut = category.Length > 40 ? category[..40] + "…" : category;
        return string.Concat(cut.Select(c => char.IsControl(c) || char.IsSurrogate(c) ? $"\\u{(int)c:x4}" : c.ToString()));
    }

    public PoolStats Stats() => database.Read(db =>
    {
        var byCategory = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var unclassified = 0;
        foreach (var (category, count) in db.Query("SELECT category, COUNT(*) FROM instructions GROUP BY category", r => (r.GetNullableString(0), r.GetInt32(1))))
        {
            if (category is null)
                unclassified = count;
            else
                byCategory[category] = count;
        }
        var used = Convert.ToInt32(db.Scalar("SELECT COUNT(DISTINCT instruction_id) FROM pairs"));
        return new PoolStats(byCategory.Values.Sum() + unclassified, byCategory, unclassified, used);
    });

    public IReadOnlyList<PoolInstruction> Unclassified() =>
        database.Read(db => db.Query("SELECT id, text, category, follow_ups FROM instructions WHERE category IS NULL ORDER BY id", Read));

    /// <summary>
    /// Takes the next unclassified instruction no live lease holds, for <paramref name="iterationId"/> while it runs
    /// (nothing once it is canceled or over); null when there is none to take now.
    /// </summary>
    public PoolInstruction? ClaimUnclassified(string iterationId, ItemLease lease) => database.Claim(db => db.Query($"""
        UPDATE instructions SET lease_owner = @owner, lease_until = {db.Dialect.NowMilliseconds} + @ms
        WHERE id = (SELECT id FROM instructions
                    WHERE category IS NULL AND (lease_until IS NULL OR lease_until < {db.Dialect.NowMilliseconds})
                      AND EXISTS (SELECT 1 FROM iterations WHERE id = @iteration AND status = @running AND cancel_requested = 0)
                    ORDER BY id LIMIT 1{db.Dialect.SkipLocked})
        RETURNING id, text, category, follow_ups
        """, Read, ("@owner", lease.Owner), ("@ms", lease.Milliseconds), ("@iteration", iterationId), ("@running", IterationStatus.Running)).SingleOrDefault());

    public bool AnyUnclassified() => database.Read(db => db.Scalar("SELECT 1 FROM instructions WHERE category IS NULL LIMIT 1") is not null);

    /// <summary>Records an instruction's category unless another replica already did; false then.</summary>
    /// <param name="source">The classification prompt's version.</param>
    /// <param name="by">The model that classified it.</param>
    /// <param name="replica">The replica that recorded it (null on a single instance).</param>
    public bool SetCategory(long instructionId, string category, string source, GeneratorIdentity by, string? replica = null) => database.Write(db => db.Execute("""
        UPDATE instructions SET category = @category, category_source = @source, category_model = @model, classified_by = @replica, lease_owner = NULL, lease_until = NULL
        WHERE id = @id AND category IS NULL
        """, ("@category", category), ("@source", source), ("@model", Db.Json(by)), ("@replica", replica), ("@id", instructionId)) == 1);

    /// <summary>Which model classified an instruction; null when its category came with the import (or before this was recorded).</summary>
    public GeneratorIdentity? ClassifiedBy(long instructionId) => database.Read(db =>
        db.Scalar("SELECT category_model FROM instructions WHERE id = @id", ("@id", instructionId)) is string json ? Db.FromJson<GeneratorIdentity>(json) : null);

    /// <summary>Instructions in <paramref name="categories"/>, leaving out those used by other iterations unless asked.</summary>
    public IReadOnlyList<PoolInstruction> Candidates(IReadOnlyList<string> categories, string iterationId, bool includeUsed) => database.Read(db => db.Query($"""
        SELECT id, text, category, follow_ups FROM instructions
        WHERE category IN {db.Dialect.JsonTextValues("@categories")}
        AND id NOT IN (SELECT instruction_id FROM heldout_pairs)
        AND (@includeUsed OR id NOT IN (SELECT instruction_id FROM pairs WHERE iteration_id <> @iteration))
        ORDER BY id
        """, Read, ("@categories", Db.Json(categories)), ("@includeUsed", includeUsed), ("@iteration", iterationId)));

    /// <summary>How many instructions of <paramref name="categories"/> exist and why they are not selectable: the explanation of an empty selection.</summary>
    public PoolAvailability Availability(IReadOnlyList<string> categories, string iterationId) => database.Read(db => db.Query($"""
        SELECT (SELECT COUNT(*) FROM instructions),
               COUNT(*),
               SUM(CASE WHEN id IN (SELECT instruction_id FROM heldout_pairs) THEN 1 ELSE 0 END),
               SUM(CASE WHEN id NOT IN (SELECT instruction_id FROM heldout_pairs)
                         AND id IN (SELECT instruction_id FROM pairs WHERE iteration_id <> @iteration) THEN 1 ELSE 0 END)
        FROM instructions WHERE category IN {db.Dialect.JsonTextValues("@categories")}
        """, r => new PoolAvailability(r.GetInt32(0), r.GetInt32(1), r.GetNullableInt32(2) ?? 0, r.GetNullableInt32(3) ?? 0),
        ("@categories", Db.Json(categories)), ("@iteration", iterationId)).Single());

    private static PoolInstruction Read(DbDataReader reader) =>
        new(reader.GetInt64(0), reader.GetString(1), reader.GetNullableString(2), reader.GetJson<List<string>>(3));
}
