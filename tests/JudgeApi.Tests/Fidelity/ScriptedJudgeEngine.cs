using JudgeApi.Judging;
using JudgeApi.Llama;

namespace JudgeApi.Tests.Fidelity;

/// <summary>
/// An <see cref="IJudgeEngine"/> whose verdicts a test writes as a rule, for what is computed from verdicts (combining
/// orders and samples, agreement): every request it is handed is recorded.
/// </summary>
internal sealed class ScriptedJudgeEngine(Func<JudgeOnceRequest, JudgeOnceResult> judge) : IJudgeEngine
{
    private readonly List<JudgeOnceRequest> requests = [];

    public IReadOnlyList<JudgeOnceRequest> Requests
    {
        get
        {
            lock (requests)
                return [.. requests];
        }
    }

    public bool IsReady => true;

    public string? LoadFailure => null;

    public JudgeModelInfo Model { get; } = new("/models/scripted.gguf", "0123abcd", "llama", "scripted", 1, 1, 1024, 1, "Cpu", null, null, false, null, JudgeBehavior.Default.Version);

    public Task<JudgeOnceResult> JudgeOnceAsync(JudgeOnceRequest request, WorkPriority priority, CancellationToken cancellationToken) =>
        Task.FromResult(Record(request));

    public Task<JudgeOnceResult[]> JudgeManyAsync(IReadOnlyList<JudgeOnceRequest> requests, WorkPriority priority, CancellationToken cancellationToken) =>
        Task.FromResult(requests.Select(Record).ToArray());

    public Task<GenerationResult> GenerateAsync(IReadOnlyList<ChatMessage> messages, GenerationRequest request, WorkPriority priority, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("The scripted engine only judges.");

    public Task<CompletionResult> CompleteAsync(CompletionRequest request, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("The scripted engine only judges.");

    public void ActivateAdapter(string? adapterPath) => throw new InvalidOperationException("The scripted engine has no adapters.");

    public Task CheckAdapterAsync(string adapterPath, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("The scripted engine has no adapters.");

    private JudgeOnceResult Record(JudgeOnceRequest request)
    {
        lock (requests)
            requests.Add(request);
        return judge(request);
    }

    /// <summary>A result with these label probabilities (tie null: ties not offered) and the verdict the engine would read from them.</summary>
    public static JudgeOnceResult Result(double a, double b, double? tie = null)
    {
        var label = tie is { } t && t > Math.Max(a, b) ? JudgePrompt.LabelTie : a >= b ? JudgePrompt.LabelA : JudgePrompt.LabelB;
        return new JudgeOnceResult("reasoning", label, a, 4, false, 100, JudgePrompt.VerdictText("reasoning"), ProbabilityTie: tie);
    }
}
