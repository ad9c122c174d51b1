using JudgeApi.Judging;
using JudgeApi.Llama;

namespace JudgeApi.SelfTaught;

/// <summary>
/// Generation on a llama.cpp engine at background priority, so live /judge traffic goes first and background
/// sequences decode reproducibly. The judge's own engine when no generator is configured (then the weights are
/// pinned to the adapter active at the call, and named); or the engine of a GGUF generator (<see cref="LlamaFileGenerator"/>).
/// </summary>
public sealed class JudgeEngineGenerator(IJudgeEngine engine, string kind = GeneratorIdentity.JudgeKind) : IGeneratorModel
{
    public async Task<GeneratedText> GenerateAsync(IReadOnlyList<ChatMessage> messages, GenerationSettings settings, CancellationToken cancellationToken)
    {
        var model = engine.Model;
        var result = await engine.GenerateAsync(messages,
            new GenerationRequest(settings.MaxTokens, settings.Temperature, settings.Seed, settings.Grammar, new JudgeWeights(model.AdapterPath)),
            WorkPriority.Background, cancellationToken);
        return new GeneratedText(result.Text, new GeneratorIdentity(kind, model.Path, model.ContentHash, model.AdapterHash));
    }
}
