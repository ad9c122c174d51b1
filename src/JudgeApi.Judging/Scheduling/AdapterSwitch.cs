using JudgeApi.Llama;

namespace JudgeApi.Judging.Scheduling;

/// <summary>
/// Adapter switching: the context holds one set of weights at a time, and they change only between batches while no
/// sequence is busy, so running work keeps the weights it started on.
/// </summary>
/// <param name="applied">The adapter already set on <paramref name="context"/>, if any.</param>
internal sealed class AdapterSwitch(LlamaContext context, LoraAdapter? applied)
{
    private LoraAdapter? _applied = applied;

    /// <summary>Whether work on <paramref name="adapter"/> (null: the base model) may start now: the context has those weights, or every sequence is idle and they are set now.</summary>
    /// <exception cref="LlamaException">llama.cpp refused the adapter.</exception>
    public bool TryUse(LoraAdapter? adapter, bool sequencesIdle)
    {
        if (adapter == _applied)
            return true;
        if (!sequencesIdle)
            return false;
        context.SetLoraAdapters(adapter is null ? [] : [(adapter, 1f)]);
        _applied = adapter;
        return true;
    }
}
