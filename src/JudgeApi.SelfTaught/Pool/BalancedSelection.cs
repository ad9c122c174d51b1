namespace JudgeApi.SelfTaught;

/// <summary>Picks an iteration's instructions: as even a spread over the chosen categories as the pool allows.</summary>
public static class BalancedSelection
{
    /// <summary>
    /// Shuffles each category by seed, then takes one from each category in turn until <paramref name="count"/> are
    /// chosen; a category that runs out leaves its share to the others.
    /// </summary>
    public static IReadOnlyList<PoolInstruction> Select(IReadOnlyList<PoolInstruction> candidates, IReadOnlyList<string> categories, int count, long seed)
    {
        var queues = categories
            .Distinct()
            .Order(StringComparer.Ordinal)
            .Select(category => new Queue<PoolInstruction>(candidates
                .Where(c => c.Category == category)
                .OrderBy(c => SeedDerivation.Derive(seed, c.Id, "select", 0))
                .ThenBy(c => c.Id)))
            .Where(q => q.Count > 0)
            .ToList();
        var selected = new List<PoolInstruction>(count);
        while (selected.Count < count && queues.Count > 0)
        {
            foreach (var queue in queues)
            {
                if (selected.Count == count)
                    break;
                selected.Add(queue.Dequeue());
            }
            queues.RemoveAll(q => q.Count == 0);
        }
        return selected;
    }
}
