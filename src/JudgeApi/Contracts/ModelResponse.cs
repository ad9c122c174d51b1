namespace JudgeApi.Contracts;

/// <summary>GET /model answer.</summary>
/// <param name="ContextSize">Tokens one judgment may use.</param>
/// <param name="Sequences">Judgments decoded together.</param>
/// <param name="IsDemo">True for the generated random-weight demo model (random verdicts).</param>
/// <param name="ChatTemplate">The built-in chat template used instead of the model's own (<c>Judge:ChatTemplate</c>); null: the model's.</param>
/// <param name="BehaviorVersion">The judge behaviour (prompt, sampling, verdict reading, template) every answer carries.</param>
public sealed record ModelResponse(
    string Path,
    string FileName,
    string Sha256,
    string Architecture,
    string Description,
    long Parameters,
    long SizeBytes,
    int ContextSize,
    int Sequences,
    string Backend,
    ModelAdapter? Adapter,
    string PromptVersion,
    bool IsDemo,
    string? ChatTemplate,
    string BehaviorVersion);

public sealed record ModelAdapter(string Path, string FileName, string Sha256);
