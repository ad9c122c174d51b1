using Microsoft.Extensions.Options;

namespace JudgeApi.SelfTaught;

/// <summary>
/// The fixed synthetic evaluation set: built once, at the first evaluation, from pool instructions no iteration has
/// used (<c>Judge:Evaluation:HeldOutPairs</c> of them, at most half of those unused), with the same pair synthesis the iterations use; stored, and excluded from every later selection, so every
/// iteration is scored on the same pairs and none is ever trained on.
/// </summary>
public sealed class HeldOutSet(PipelineDatabase database, IIterationModel model, IOptions<SelfTaughtOptions> selfTaught, IOptions<EvaluationOptions> options)
{
    // A fixed seed: the set does not depend on which iteration happens to build it.
    private const long Seed = 20240805;

    public async Task<IReadOnlyList<LabeledPair>> GetOrBuildAsync(CancellationToken cancellationToken)
    {
        if (IsBuilt())
            return ReadPairs();

        var unused = UnusedInstructions();
        // At most half of what is still unused, so later iterations keep fresh instructions to train on.
        var size = Math.Min(options.Value.HeldOutPairs, unused.Count / 2);
        var picked = unused.OrderBy(i => SeedDerivation.Derive(Seed, i.Id, "heldout", 0)).Take(size).ToList();
        var synthesizer = new PairSynthesizer(model, selfTaught.Value.MaxResponseTokens, selfTaught.Value.SynthesisTemperature);
        var pairs = await Task.WhenAll(picked.Select(async instruction =>
            (instruction.Id, instruction.Text, Synthesis: await synthesizer.SynthesizeAsync(Seed, instruction.Id, instruction.Text, cancellationToken))));
        Save(pairs.Where(p => p.Synthesis.DiscardReason is null).Select(p => (p.Id, p.Text, p.Synthesis.Chosen, p.Synthesis.Rejected)).ToList());
        return ReadPairs();
    }

    private bool IsBuilt()
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM heldout_built";
        return Convert.ToInt64(command.ExecuteScalar()) > 0;
    }

    private List<(long Id, string Text)> UnusedInstructions()
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, text FROM instructions WHERE id NOT IN (SELECT instruction_id FROM pairs) ORDER BY id";
        var result = new List<(long, string)>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
            result.Add((reader.GetInt64(0), reader.GetString(1)));
        return result;
    }

    /// <summary>The pairs and the built marker in one transaction: a crash while building rebuilds from scratch.</summary>
    private void Save(IReadOnlyList<(long Id, string Instruction, string Chosen, string Rejected)> pairs)
    {
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO heldout_pairs (instruction_id, instruction, chosen, rejected) VALUES ($id, $instruction, $chosen, $rejected)";
        var id = insert.Parameters.Add("$id", Microsoft.Data.Sqlite.SqliteType.Integer);
        var instruction = insert.Parameters.Add("$instruction", Microsoft.Data.Sqlite.SqliteType.Text);
        var chosen = insert.Parameters.Add("$chosen", Microsoft.Data.Sqlite.SqliteType.Text);
        var rejected = insert.Parameters.Add("$rejected", Microsoft.Data.Sqlite.SqliteType.Text);
        foreach (var pair in pairs)
        {
            (id.Value, instruction.Value, chosen.Value, rejected.Value) = (pair.Id, pair.Instruction, pair.Chosen, pair.Rejected);
            insert.ExecuteNonQuery();
        }
        PipelineDatabase.Execute(connection, $"INSERT INTO heldout_built (singleton, built_at) VALUES (1, '{DateTimeOffset.UtcNow:O}')", transaction);
        transaction.Commit();
    }

    private List<LabeledPair> ReadPairs()
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT instruction, chosen, rejected FROM heldout_pairs ORDER BY instruction_id";
        var result = new List<LabeledPair>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
            result.Add(new LabeledPair(reader.GetString(0), reader.GetString(1), reader.GetString(2), null));
        return result;
    }
}
