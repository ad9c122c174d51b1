using JudgeApi.Judging;

namespace JudgeApi.SelfTaught;

/// <summary>Weights the playground can judge with, by the name an operator picks: "base", "active" or an adapter id.</summary>
/// <param name="Name">"base" or the adapter id ("active" resolved to the one serving).</param>
public sealed record PlaygroundWeights(string Name, JudgeWeights Weights);

/// <summary>
/// Manual testing: judges with chosen weights whatever serves (so base and an iteration's adapter can be compared on
/// the same case), and runs the saved cases against any adapter, keeping every result.
/// </summary>
public sealed class PlaygroundJudge(JudgeService judge, AdapterRegistry registry, ManualCaseStore cases)
{
    public const string Base = "base", Active = "active";

    /// <summary>The weights a name stands for; null when it names no stored adapter (or "active" while the base model serves).</summary>
    public PlaygroundWeights? Resolve(string name)
    {
        if (name == Base)
            return new(Base, JudgeWeights.Base);
        var id = name == Active ? registry.ActiveId() : name;
        return id is not null && registry.Find(id) is not null ? new(id, new JudgeWeights(registry.PathOf(id))) : null;
    }

    /// <summary>One judgment per weights, all at once (the scheduler decodes them side by side); results in the order given.</summary>
    public Task<JudgeResponse[]> JudgeAsync(JudgeParameters request, IReadOnlyList<PlaygroundWeights> weights, bool useCache, CancellationToken cancellationToken) =>
        Task.WhenAll(weights.Select(w => judge.JudgeWithAsync(request, w.Weights, useCache, cancellationToken)));

    /// <summary>Judges each saved case afresh with <paramref name="weights"/> (both orders, greedy) and stores every result.</summary>
    public async Task<IReadOnlyList<ManualCaseRun>> RunCasesAsync(IReadOnlyList<ManualCase> selected, PlaygroundWeights weights, JudgeMode mode, int maxReasoningTokens,
        string runBy, CancellationToken cancellationToken)
    {
        var responses = await Task.WhenAll(selected.Select(c => judge.JudgeWithAsync(
            new JudgeParameters(c.Instruction, c.ResponseA, c.ResponseB, c.Criteria, mode, 1, true, maxReasoningTokens, 0, 0),
            weights.Weights, useCache: false, cancellationToken)));
        return selected.Zip(responses, (c, response) => cases.SaveRun(c, weights.Name, runBy, response)).ToList();
    }
}
