using JudgeApi.Llama;

namespace JudgeApi.Judging.Scheduling;

/// <summary>
/// Prompt prefixes kept in the KV cache after their jobs end (after SGLang's RadixAttention): a radix tree over
/// tokens, one per set of weights, whose leaves each own one spare sequence id of the context holding the leaf's
/// whole path. Ancestors' cells are shared by every sequence below them (<c>llama_memory_seq_cp</c> in a unified KV
/// cache tags cells, it does not copy them), so each edge's tokens occupy cells once and <see cref="Tokens"/> is what
/// the cache holds. A job copies its longest cached prefix instead of decoding it; its prompt is added once decoded.
/// Least recently used leaves go first when the token budget or the spare sequences run out; a node a running job
/// copied from is pinned until that job leaves.
/// </summary>
/// <param name="spareSequences">Sequence ids of the context no job uses.</param>
internal sealed class PrefixCache(LlamaContext context, IEnumerable<int> spareSequences, int tokenBudget)
{
    private readonly Dictionary<LoraAdapter, Node> _adapterRoots = new(ReferenceEqualityComparer.Instance);
    private readonly Node _baseRoot = Node.Root();
    private readonly Stack<int> _freeSequences = new(spareSequences.Reverse());
    private long _clock;

    /// <summary>Cells the cached prefixes hold.</summary>
    public int Tokens { get; private set; }

    /// <summary>
    /// The longest cached prefix of <paramref name="prompt"/> on <paramref name="adapter"/>'s weights, at most
    /// <paramref name="maxLength"/> tokens, copied into <paramref name="sequence"/> (empty before), and pinned until
    /// <see cref="Unpin"/>; null when nothing is cached.
    /// </summary>
    public Node? CopyLongestPrefix(LoraAdapter? adapter, int[] prompt, int maxLength, int sequence)
    {
        var (node, length) = Walk(RootFor(adapter), prompt.AsSpan(0, Math.Min(maxLength, prompt.Length)));
        if (length == 0)
            return null;
        node = SplitAt(node, length);
        context.CopySequence(HolderOf(node), sequence, 0, length);
        Pin(node, +1);
        return node;
    }

    /// <summary>How many tokens <see cref="CopyLongestPrefix"/> would copy now.</summary>
    public int LongestPrefixLength(LoraAdapter? adapter, int[] prompt, int maxLength) =>
        Walk(RootFor(adapter), prompt.AsSpan(0, Math.Min(maxLength, prompt.Length))).Length;

    public void Unpin(Node node) => Pin(node, -1);

    /// <summary>
    /// Adds <paramref name="prompt"/>, decoded in <paramref name="sequence"/> on <paramref name="adapter"/>'s weights:
    /// the part not cached yet is shared into a spare sequence, evicting least recently used prefixes to make room.
    /// Does nothing when that room cannot be made (every other prefix is pinned).
    /// </summary>
    public void Add(LoraAdapter? adapter, int[] prompt, int sequence)
    {
        var (node, length) = Walk(RootFor(adapter), prompt);
        node = SplitAt(node, length);
        if (length == prompt.Length || prompt.Length - length > tokenBudget)
            return;
        Pin(node, +1); // the path to it must survive the evictions below
        try
        {
            // A leaf's own sequence grows into the new leaf's; elsewhere the new leaf needs a spare one.
            while (Tokens + prompt.Length - length > tokenBudget || ((node.IsRoot || node.Sequence < 0) && _freeSequences.Count == 0))
            {
                if (!EvictLeastRecentlyUsed())
                    return;
            }
            var leaf = new Node(node, prompt[length..]) { LastUsed = ++_clock };
            if (!node.IsRoot && node.Sequence >= 0)
            {
                leaf.Sequence = node.Sequence;
                node.Sequence = -1;
            }
            else
            {
                leaf.Sequence = _freeSequences.Pop();
                if (length > 0)
                    context.CopySequence(HolderOf(node), leaf.Sequence, 0, length);
            }
            context.CopySequence(sequence, leaf.Sequence, length, prompt.Length);
            node.Children[prompt[length]] = leaf;
            Tokens += leaf.Edge.Length;
        }
        finally
        {
            Pin(node, -1);
        }
    }

    /// <summary>Evicts least recently used prefixes until at most <paramref name="tokens"/> stay cached; false when the pinned ones alone hold more.</summary>
    public bool TryShrinkTo(int tokens)
    {
        while (Tokens > tokens)
        {
            if (!EvictLeastRecentlyUsed())
                return false;
        }
        return true;
    }

    private Node RootFor(LoraAdapter? adapter)
    {
        if (adapter is null)
            return _baseRoot;
        if (!_adapterRoots.TryGetValue(adapter, out var root))
            _adapterRoots[adapter] = root = Node.Root();
        return root;
    }

    /// <summary>The deepest node whose path starts <paramref name="tokens"/>, and how many tokens match (into its edge, maybe partly).</summary>
    private (Node Node, int Length) Walk(Node root, ReadOnlySpan<int> tokens)
    {
        var node = root;
        var length = 0;
        while (length < tokens.Length && node.Children.TryGetValue(tokens[length], out var child))
        {
            var common = child.Edge.AsSpan().CommonPrefixLength(tokens[length..]);
            node = child;
            length += common;
            node.LastUsed = ++_clock;
            if (common < child.Edge.Length)
                break;
        }
        return (node, length);
    }

    /// <summary>The node whose path is exactly the first <paramref name="length"/> tokens of <paramref name="node"/>'s path, splitting its edge if needed.</summary>
    private static Node SplitAt(Node node, int length)
    {
        if (node.IsRoot || length == node.End)
            return node;
        var parent = node.Parent!;
        var keep = length - node.Start;
        var upper = new Node(parent, node.Edge[..keep]) { Pins = node.Pins, LastUsed = node.LastUsed };
        parent.Children[upper.Edge[0]] = upper;
        node.Reparent(upper, node.Edge[keep..]);
        upper.Children[node.Edge[0]] = node;
        return upper;
    }

    /// <summary>A sequence holding every cell of <paramref name="node"/>'s path: the one of any leaf below it.</summary>
    private static int HolderOf(Node node)
    {
        while (node.Sequence < 0)
            node = node.Children.Values.First();
        return node.Sequence;
    }

    private static void Pin(Node node, int change)
    {
        for (var n = node; !n.IsRoot; n = n.Parent!)
            n.Pins += change;
    }

    /// <summary>Drops the least recently used unpinned leaf; false when there is none.</summary>
    private bool EvictLeastRecentlyUsed()
    {
        var victim = _adapterRoots.Values.Prepend(_baseRoot).SelectMany(Leaves).Where(l => l.Pins == 0).MinBy(l => l.LastUsed);
        if (victim is null)
            return false;
        var parent = victim.Parent!;
        parent.Children.Remove(victim.Edge[0]);
        Tokens -= victim.Edge.Length;
        if (!parent.IsRoot && parent.Children.Count == 0)
        {
            // The parent becomes a leaf: the victim's sequence keeps the parent's path and lets go of the rest.
            context.RemoveTokens(victim.Sequence, parent.End);
            parent.Sequence = victim.Sequence;
        }
        else
        {
            context.RemoveTokens(victim.Sequence);
            _freeSequences.Push(victim.Sequence);
        }
        return true;
    }

    private static IEnumerable<Node> Leaves(Node node) =>
        node.Children.Count == 0 ? (node.IsRoot ? [] : [node]) : node.Children.Values.SelectMany(Leaves);

    /// <summary>A run of tokens after its parent's path; a leaf owns the sequence holding its whole path.</summary>
    internal sealed class Node
    {
        public Node(Node? parent, int[] edge)
        {
            Parent = parent;
            Edge = edge;
            Start = parent?.End ?? 0;
        }

        public static Node Root() => new(null, []);

        public Node? Parent { get; private set; }
        public int[] Edge { get; private set; }

        /// <summary>Tokens of the path before this edge.</summary>
        public int Start { get; private set; }

        public int End => Start + Edge.Length;
        public bool IsRoot => Parent is null;
        public Dictionary<int, Node> Children { get; } = [];

        /// <summary>The sequence holding this node's path: set on leaves, -1 elsewhere.</summary>
        public int Sequence { get; set; } = -1;

        /// <summary>Running jobs that copied this node's path or a longer one.</summary>
        public int Pins { get; set; }

        public long LastUsed { get; set; }

        public void Reparent(Node parent, int[] edge)
        {
            Parent = parent;
            Edge = edge;
            Start = parent.End;
        }
    }
}
