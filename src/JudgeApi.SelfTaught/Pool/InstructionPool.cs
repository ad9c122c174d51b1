using Microsoft.Data.Sqlite;

namespace JudgeApi.SelfTaught;

public sealed record ImportOutcome(int Added, int Duplicates, IReadOnlyList<ImportRejection> Rejected);

public sealed record PoolStats(int Total, IReadOnlyDictionary<string, int> ByCategory, int Unclassified, int Used);

public sealed record PoolInstruction(long Id, string Text, string? Category);

/// <summary>The instruction pool: imports with hash dedupe, classification results, and selection candidates.</summary>
public sealed class InstructionPool(PipelineDatabase database, TimeProvider time)
{
    /// <summary>Adds the parsed entries that pass validation in one transaction; duplicates (also within the batch) are counted.</summary>
    public ImportOutcome Import(ImportParseResult parsed, int maxLength)
    {
        var rejected = parsed.Rejected.ToList();
        int added = 0, duplicates = 0;
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO instructions (text, hash, category, category_source, created_at)
            VALUES ($text, $hash, $category, CASE WHEN $category IS NULL THEN NULL ELSE 'import' END, $now)
            ON CONFLICT(hash) DO NOTHING
            """;
        var text = insert.Parameters.Add("$text", SqliteType.Text);
        var hash = insert.Parameters.Add("$hash", SqliteType.Text);
        var category = insert.Parameters.Add("$category", SqliteType.Text);
        insert.Parameters.AddWithValue("$now", time.GetUtcNow().ToString("O"));
        foreach (var entry in parsed.Entries)
        {
            if (InstructionText.RejectionReason(entry.Instruction, maxLength) is { } reason)
            {
                rejected.Add(new(entry.Index, reason));
                continue;
            }
            text.Value = entry.Instruction.Trim();
            hash.Value = InstructionText.Hash(entry.Instruction);
            category.Value = (object?)entry.Category ?? DBNull.Value;
            if (insert.ExecuteNonQuery() == 1)
                added++;
            else
                duplicates++;
        }
        transaction.Commit();
        return new(added, duplicates, rejected.OrderBy(r => r.Index).ToList());
    }

    public PoolStats Stats()
    {
        using var connection = database.Open();
        var byCategory = new SortedDictionary<string, int>(StringComparer.Ordinal);
        int total = 0, unclassified = 0;
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT category, COUNT(*) FROM instructions GROUP BY category";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var count = reader.GetInt32(1);
                total += count;
                if (reader.IsDBNull(0))
                    unclassified = count;
                else
                    byCategory[reader.GetString(0)] = count;
            }
        }
        using var used = connection.CreateCommand();
        used.CommandText = "SELECT COUNT(DISTINCT instruction_id) FROM pairs";
        return new(total, byCategory, unclassified, Convert.ToInt32(used.ExecuteScalar()));
    }

    public IReadOnlyList<PoolInstruction> Unclassified()
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, text, category FROM instructions WHERE category IS NULL ORDER BY id";
        return ReadInstructions(command);
    }

    public void SetCategory(long instructionId, string category, string source)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE instructions SET category = $category, category_source = $source WHERE id = $id";
        command.Parameters.AddWithValue("$category", category);
        command.Parameters.AddWithValue("$source", source);
        command.Parameters.AddWithValue("$id", instructionId);
        command.ExecuteNonQuery();
    }

    /// <summary>Instructions in <paramref name="categories"/>, leaving out those used by other iterations unless asked.</summary>
    public IReadOnlyList<PoolInstruction> Candidates(IReadOnlyList<string> categories, string iterationId, bool includeUsed)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        var names = categories.Select((c, i) => $"$c{i}").ToList();
        for (var i = 0; i < categories.Count; i++)
            command.Parameters.AddWithValue(names[i], categories[i]);
        command.Parameters.AddWithValue("$iteration", iterationId);
        command.CommandText = $"""
            SELECT id, text, category FROM instructions
            WHERE category IN ({string.Join(", ", names)})
            AND id NOT IN (SELECT instruction_id FROM heldout_pairs)
            {(includeUsed ? "" : "AND id NOT IN (SELECT instruction_id FROM pairs WHERE iteration_id <> $iteration)")}
            ORDER BY id
            """;
        return ReadInstructions(command);
    }

    private static List<PoolInstruction> ReadInstructions(SqliteCommand command)
    {
        var result = new List<PoolInstruction>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
            result.Add(new(reader.GetInt64(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
        return result;
    }
}
