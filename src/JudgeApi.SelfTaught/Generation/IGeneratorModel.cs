using System.Text.Json.Serialization;
using JudgeApi.Llama;

namespace JudgeApi.SelfTaught;

/// <summary>
/// The model that writes an iteration's texts: classifications, modified instructions and both responses. The judge
/// model itself unless <c>Judge:Generator</c> names another (<see cref="GeneratorOptions"/>). Calls are background work.
/// </summary>
public interface IGeneratorModel
{
    /// <summary>
    /// The assistant's reply to <paramref name="messages"/> (user and assistant turns), and who wrote it. Throws
    /// <see cref="GeneratorUnavailableException"/> when the generator cannot work (then the iteration fails with it).
    /// </summary>
    Task<GeneratedText> GenerateAsync(IReadOnlyList<ChatMessage> messages, GenerationSettings settings, CancellationToken cancellationToken);
}

/// <param name="By">The model that wrote <paramref name="Text"/>, as recorded with what it wrote.</param>
public sealed record GeneratedText(string Text, GeneratorIdentity By);

/// <summary>
/// Which model wrote a text: <see cref="JudgeKind"/> (the judge model, with its adapter when one was active),
/// <see cref="FileKind"/> (a GGUF generator: path and content hash) or <see cref="EndpointKind"/> (endpoint and model id).
/// </summary>
public sealed record GeneratorIdentity(
    string Kind,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Path = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Sha256 = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? AdapterSha256 = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Endpoint = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Model = null)
{
    public const string JudgeKind = "judge", FileKind = "gguf", EndpointKind = "endpoint";
}

/// <summary>The generator cannot work (its model failed to load, its endpoint refused a call); the iteration fails with this message.</summary>
public sealed class GeneratorUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
