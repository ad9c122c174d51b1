namespace JudgeApi.SelfTaught;

/// <summary>
/// Picks the iteration's instructions, spread over its categories, and records them as pairs to make, all in the
/// stage's commit. Selecting none fails the iteration with what to import: an iteration over nothing has no result to show.
/// </summary>
public sealed class SelectionStage(InstructionPool pool) : IIterationStage
{
    public string Name => IterationStage.Select;

    public Task RunAsync(IterationContext context, CancellationToken cancellationToken)
    {
        var (id, parameters) = (context.Iteration.Id, context.Iteration.Parameters);
        var candidates = pool.Candidates(parameters.Categories, id, parameters.IncludeUsedInstructions);
        var selected = BalancedSelection.Select(candidates, parameters.Categories, parameters.Instructions, parameters.Seed);
        if (selected.Count == 0)
            throw new EmptySelectionException(EmptySelectionReason(pool.Availability(parameters.Categories, id), parameters));
        context.Complete(db => PairStore.SaveSelection(db, id, selected));
        return Task.CompletedTask;
    }

    /// <summary>Why nothing could be selected, and what to import (or allow) so that the next iteration selects something.</summary>
    internal static string EmptySelectionReason(PoolAvailability pool, IterationParameters parameters)
    {
        var categories = string.Join(", ", parameters.Categories);
        var start = $"No instruction could be selected from the pool for categories {categories}: ";
        if (pool.Total == 0)
            return start + "the pool is empty. Import instructions (POST /instructions, or the console's Pool page: JSON, NDJSON or ShareGPT/WildChat) and start the iteration again.";
        if (pool.InCategories == 0)
            return start + $"none of the pool's {pool.Total} instructions is in those categories. Import instructions in one of them, or start the iteration with other categories.";
        var held = pool.HeldOut > 0 ? $"{pool.HeldOut} are held out for evaluation" : null;
        var used = pool.UsedElsewhere > 0 ? $"{pool.UsedElsewhere} were used by earlier iterations" : null;
        var why = string.Join(" and ", new[] { held, used }.Where(s => s is not null));
        var fix = parameters.IncludeUsedInstructions || pool.UsedElsewhere == 0
            ? "Import new instructions in those categories."
            : "Import new instructions in those categories, or start the iteration with includeUsedInstructions: true.";
        return start + $"of the {pool.InCategories} instructions in them, {why}. {fix}";
    }
}

/// <summary>An iteration's selection came out empty; the message says what to import.</summary>
public sealed class EmptySelectionException(string message) : InvalidOperationException(message);
