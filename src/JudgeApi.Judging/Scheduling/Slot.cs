using System.Runtime.CompilerServices;
using JudgeApi.Llama;

namespace JudgeApi.Judging.Scheduling;

/// <summary>
/// One sequence of the context and the job in it: its <see cref="SlotState"/>, the input still to decode and where
/// that input goes. Each transition checks the state it leaves, so a scheduler bug fails loudly rather than decoding
/// into the wrong place. Touched only by the scheduler thread.
/// </summary>
internal sealed class Slot(int sequence)
{
    private readonly List<Slot> _followers = [];
    private int[] _pending = [];
    private int _pendingOffset;

    public int Sequence { get; } = sequence;

    public SlotState State { get; private set; }

    /// <summary>Set in every state but <see cref="SlotState.Idle"/>.</summary>
    public SequenceJob? Job { get; private set; }

    /// <summary>While <see cref="SlotState.WaitingForLeader"/>: the slot decoding this job's prompt (or its first <see cref="SharedTokens"/>), until it is decoded or abandoned.</summary>
    public Slot? Leader { get; private set; }

    /// <summary>While <see cref="SlotState.WaitingForLeader"/>: how many of the prompt's first tokens the leader's prompt shares.</summary>
    public int SharedTokens { get; private set; }

    /// <summary>While <see cref="SlotState.WaitingForLeader"/>: the leader decodes this exact prompt, and its logits start this job.</summary>
    public bool SharesWholePrompt => SharedTokens == Job!.Prompt.Length;

    /// <summary>Tokens in the sequence: decoded, or in the batch being decoded.</summary>
    public int Position { get; private set; }

    public int PendingCount => _pending.Length - _pendingOffset;

    /// <summary>Where the logits after this slot's last pending token are in the batch being decoded; -1 when they are not in it.</summary>
    public int LogitsIndex { get; private set; } = -1;

    public Generation Generation { get; } = new();

    /// <summary>How generation ended, from <see cref="SlotState.ReadingLogits"/> on; <see cref="SequenceResult.None"/> before.</summary>
    public SequenceResult Generated { get; private set; } = SequenceResult.None;

    /// <summary>While a job runs: the cached prefix it copied (pinned until it leaves), if any.</summary>
    public PrefixCache.Node? Prefix { get; private set; }

    /// <summary>KV cells this job may still add to the cache: its prompt beyond a copied prefix, its generation and forced input.</summary>
    public int ReservedCells { get; private set; }

    /// <param name="leader">Decoding the same prompt, or its first <paramref name="shared"/> tokens: wait and copy them rather than decode them again.</param>
    /// <param name="prefix">A cached prefix of the prompt already copied into this sequence: decoding starts after it.</param>
    /// <param name="shared">Tokens of the prompt the leader's prompt starts with; the whole prompt when omitted.</param>
    /// <param name="reused">Tokens of the prompt the sequence already holds, kept from its last job (<see cref="KeptPrompts"/>).</param>
    public void Start(SequenceJob job, Slot? leader, PrefixCache.Node? prefix = null, int? shared = null, int reused = 0)
    {
        Expect(SlotState.Idle);
        Job = job;
        Prefix = prefix;
        ReservedCells = job.Cells - (prefix?.End ?? reused);
        if (leader is null)
        {
            Prefill(prefix?.End ?? reused);
            return;
        }
        Leader = leader;
        SharedTokens = shared ?? job.Prompt.Length;
        leader._followers.Add(this);
        State = SlotState.WaitingForLeader;
    }

    /// <summary>Slots waiting for this one's prompt (<see cref="SlotState.WaitingForLeader"/>).</summary>
    public IReadOnlyList<Slot> Followers => _followers;

    /// <summary>The followers, detached: the prompt is decoded (or abandoned) and each goes its own way.</summary>
    public List<Slot> TakeFollowers()
    {
        var followers = _followers.ToList();
        _followers.Clear();
        followers.ForEach(f => f.Leader = null); // SharedTokens stays until the follower's copy
        return followers;
    }

    public void RemoveFollower(Slot follower) => _followers.Remove(follower);

    /// <summary>The leader left before its prompt was decoded: this slot decodes the prompt itself.</summary>
    public void DecodeOwnPrompt()
    {
        Expect(SlotState.WaitingForLeader);
        Prefill(0);
    }

    /// <summary>
    /// The leader's KV cache, <paramref name="position"/> prompt tokens, was copied into this sequence: the prompt is
    /// decoded as if here, with nothing left pending, and the leader's logits move this slot on.
    /// </summary>
    public void PromptCopied(int position)
    {
        Expect(SlotState.WaitingForLeader);
        Position = position;
        State = SlotState.Prefilling;
    }

    /// <summary>The leader's first <paramref name="shared"/> tokens were copied into this sequence: it decodes the rest of its prompt.</summary>
    public void PrefixCopied(int shared)
    {
        Expect(SlotState.WaitingForLeader);
        Prefill(shared);
    }

    /// <summary>Adds as many pending tokens as the batch has room for, asking for logits only after the last pending one.</summary>
    public void AddPendingTo(LlamaBatch batch)
    {
        var take = Math.Min(batch.Capacity - batch.Count, PendingCount);
        for (var i = 0; i < take; i++)
        {
            var last = i == take - 1 && take == PendingCount;
            var index = batch.Add(_pending[_pendingOffset + i], Position + i, Sequence, last);
            if (last)
                LogitsIndex = index;
        }
        _pendingOffset += take;
        Position += take;
    }

    /// <summary>The batch was decoded: where this slot's logits are, now that it takes them.</summary>
    public int TakeLogitsIndex()
    {
        var index = LogitsIndex;
        LogitsIndex = -1;
        return index;
    }

    /// <summary>A token was sampled: it is decoded next, for the logits of the one after.</summary>
    public void Generate(int token)
    {
        Expect(SlotState.Prefilling, SlotState.Generating);
        SetPending([token]);
        State = SlotState.Generating;
    }

    /// <summary>
    /// Generation ended as <paramref name="generated"/>; the sequence holds <paramref name="position"/> tokens (the
    /// caller may have removed some), and <paramref name="input"/> is decoded before the logits are read.
    /// </summary>
    public void ReadLogitsAfter(int[] input, int position, SequenceResult generated)
    {
        Expect(SlotState.Prefilling, SlotState.Generating);
        Generated = generated;
        Position = position;
        SetPending(input);
        State = SlotState.ReadingLogits;
    }

    /// <summary>Back to <see cref="SlotState.Idle"/>; the caller has emptied the sequence and detached any leader and followers.</summary>
    public void Reset()
    {
        State = SlotState.Idle;
        Job = null;
        Leader = null;
        SharedTokens = 0;
        Prefix = null;
        ReservedCells = 0;
        SetPending([]);
        Position = 0;
        LogitsIndex = -1;
        Generation.Clear();
        Generated = SequenceResult.None;
    }

    private void Prefill(int from)
    {
        SetPending(Job!.Prompt, from);
        Position = from;
        State = SlotState.Prefilling;
    }

    private void SetPending(int[] tokens, int from = 0)
    {
        _pending = tokens;
        _pendingOffset = from;
    }

    private void Expect(SlotState expected, SlotState? orElse = null, [CallerMemberName] string transition = "")
    {
        if (State != expected && State != orElse)
            throw new InvalidOperationException(
                $"Sequence {Sequence} is {State}; {transition} needs {expected}{(orElse is { } other ? $" or {other}" : "")}.");
    }
}
