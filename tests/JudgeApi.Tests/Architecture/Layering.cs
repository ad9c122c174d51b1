using System.Text.RegularExpressions;

namespace JudgeApi.Tests.Architecture;

/// <summary>
/// The layer rules of ARCHITECTURE.md as data, and a reader that finds every reference in the source that breaks
/// them: a <c>using</c> (plain, static, alias, global) or a fully qualified name pointing at a layer that is not
/// below, and any cycle among the namespaces (counted, like ../shared/tools/layering.py, by their first two parts).
/// </summary>
internal static partial class Layering
{
    /// <summary>Each layer, the namespace prefix it owns and the layers it may use; the host owns every other JudgeApi namespace.</summary>
    public static readonly IReadOnlyList<Layer> Layers =
    [
        new("JudgeApi.Llama", "JudgeApi.Llama", []),
        new("JudgeApi.Training", "JudgeApi.Training", ["JudgeApi.Llama"]),
        // The generic batched executor knows sequences and tokens, not judgments.
        new("JudgeApi.Judging.Scheduling", "JudgeApi.Judging.Scheduling", ["JudgeApi.Llama"]),
        new("JudgeApi.Judging", "JudgeApi.Judging", ["JudgeApi.Llama", "JudgeApi.Judging.Scheduling"]),
        new("JudgeApi.SelfTaught", "JudgeApi.SelfTaught", ["JudgeApi.Llama", "JudgeApi.Training", "JudgeApi.Judging.Scheduling", "JudgeApi.Judging"]),
        new("JudgeApi", "JudgeApi", ["JudgeApi.Llama", "JudgeApi.Training", "JudgeApi.Judging.Scheduling", "JudgeApi.Judging", "JudgeApi.SelfTaught"]),
    ];

    /// <summary>Namespaces the layers below the host must not use: they know nothing of HTTP.</summary>
    public static readonly IReadOnlyList<string> HttpNamespaces = ["Microsoft.AspNetCore"];

    public sealed record Layer(string Name, string NamespacePrefix, IReadOnlyList<string> MayUse);

    public sealed record SourceFile(string Path, string Text);

    /// <summary>The layer that owns a namespace: the longest prefix match.</summary>
    public static Layer LayerOf(string ns) => Layers
        .Where(l => ns == l.NamespacePrefix || ns.StartsWith(l.NamespacePrefix + ".", StringComparison.Ordinal))
        .MaxBy(l => l.NamespacePrefix.Length)!;

    /// <summary>Every broken rule in the files, one line each; empty when the tree keeps them all.</summary>
    public static IReadOnlyList<string> Violations(IEnumerable<SourceFile> files)
    {
        var violations = new List<string>();
        var edges = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            if (NamespacePattern().Match(file.Text) is not { Success: true } declared)
                continue;
            var ns = declared.Groups[1].Value;
            var layer = LayerOf(ns);
            foreach (var used in References(file.Text))
            {
                if (used.StartsWith("JudgeApi", StringComparison.Ordinal) && used.Split('.')[0] == "JudgeApi")
                {
                    var target = LayerOf(used);
                    if (target != layer && !layer.MayUse.Contains(target.Name))
                        violations.Add($"{file.Path}: {layer.Name} uses {used} ({target.Name} is not below it)");
                    var (from, to) = (Unit(ns), Unit(used));
                    if (from != to)
                        (edges.TryGetValue(from, out var set) ? set : edges[from] = new(StringComparer.Ordinal)).Add(to);
                }
                else if (layer.Name != "JudgeApi" && HttpNamespaces.Any(h => used == h || used.StartsWith(h + ".", StringComparison.Ordinal)))
                {
                    violations.Add($"{file.Path}: {layer.Name} uses {used} (HTTP types belong to the host)");
                }
            }
        }
        violations.AddRange(Cycles(edges).Select(c => "namespace cycle: " + string.Join(" -> ", c)));
        return violations;
    }

    /// <summary>The tree under <paramref name="root"/>/src (build output excluded).</summary>
    public static IEnumerable<SourceFile> Read(string root) =>
        Directory.EnumerateFiles(Path.Combine(root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !p.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .Select(p => new SourceFile(Path.GetRelativePath(root, p), File.ReadAllText(p)));

    // JudgeApi.Llama.Native -> JudgeApi.Llama; JudgeApi.Apis -> JudgeApi.Apis; JudgeApi -> JudgeApi.
    private static string Unit(string ns) => string.Join('.', ns.Split('.').Take(2));

    private static IEnumerable<string> References(string text)
    {
        // Comments may name anything; only code counts.
        var code = CommentPattern().Replace(text, "");
        foreach (Match m in UsingPattern().Matches(code))
            yield return m.Groups["ns"].Value;
        // The file's own namespace is no use of its parent: JudgeApi.Judging.Scheduling would read as a type of JudgeApi.Judging.
        var body = NamespacePattern().Replace(code, "");
        foreach (Match m in QualifiedPattern().Matches(StringPattern().Replace(body, "\"\"")))
            yield return m.Groups[1].Value;
    }

    /// <summary>Strongly connected components with more than one namespace (Tarjan), each listed in order.</summary>
    private static List<List<string>> Cycles(Dictionary<string, SortedSet<string>> edges)
    {
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var onStack = new HashSet<string>();
        var result = new List<List<string>>();
        void Visit(string v)
        {
            index[v] = low[v] = index.Count;
            stack.Push(v);
            onStack.Add(v);
            foreach (var w in edges.GetValueOrDefault(v) ?? [])
            {
                if (!index.ContainsKey(w))
                {
                    Visit(w);
                    low[v] = Math.Min(low[v], low[w]);
                }
                else if (onStack.Contains(w))
                    low[v] = Math.Min(low[v], index[w]);
            }
            if (low[v] != index[v])
                return;
            var component = new List<string>();
            string popped;
            do
            {
                popped = stack.Pop();
                onStack.Remove(popped);
                component.Add(popped);
            } while (popped != v);
            if (component.Count > 1)
                result.Add([.. component.Order(StringComparer.Ordinal)]);
        }
        foreach (var node in edges.Keys.Order(StringComparer.Ordinal).ToList())
            if (!index.ContainsKey(node))
                Visit(node);
        return result;
    }

    [GeneratedRegex(@"^\s*namespace\s+([\w.]+)", RegexOptions.Multiline)]
    private static partial Regex NamespacePattern();

    [GeneratedRegex(@"^\s*(?:global\s+)?using\s+(?:static\s+)?(?:\w+\s*=\s*)?(?<ns>[\w.]+?)(?:<[^;]*>)?\s*;", RegexOptions.Multiline)]
    private static partial Regex UsingPattern();

    [GeneratedRegex(@"(?<![\w.])(JudgeApi(?:\.[A-Z]\w*)+)\.")]
    private static partial Regex QualifiedPattern();

    [GeneratedRegex(@"//[^\n]*|/\*.*?\*/", RegexOptions.Singleline)]
    private static partial Regex CommentPattern();

    [GeneratedRegex(@"""(?:[^""\\\n]|\\.)*""")]
    private static partial Regex StringPattern();
}
