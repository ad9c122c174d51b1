using JudgeApi.Llama.Native;

namespace JudgeApi.Llama.Gguf;

/// <summary>
/// What <see cref="TestModelWriter"/> generates: an architecture (llama, qwen2, qwen3), a preset of dimensions
/// (<see cref="TestModelPreset"/>), a weight type (F32, F16, Q8_0, Q4_K) and the seed of the random weights.
/// </summary>
/// <param name="Vocab">The tokenizer: a vocab file of the llama.cpp bundle (its name next to the binaries, or a path);
/// null: the preset's.</param>
/// <param name="ChatTemplate">The <c>tokenizer.chat_template</c> to write (Jinja source); null: ChatML; empty: none.</param>
public sealed record TestModelSpec(string Architecture = "llama", string Preset = "tiny", GgmlType Type = GgmlType.F32, int Seed = 42,
    string? Vocab = null, string? ChatTemplate = null)
{
    public static IReadOnlyList<string> Architectures { get; } = ["llama", "qwen2", "qwen3"];

    public static IReadOnlyList<GgmlType> Types { get; } = [GgmlType.F32, GgmlType.F16, GgmlType.Q8_0, GgmlType.Q4_K];

    /// <summary>Throws <see cref="ArgumentException"/> naming the allowed values when a field is not supported.</summary>
    public void Validate()
    {
        if (!Architectures.Contains(Architecture))
            throw new ArgumentException($"Architecture '{Architecture}' is not supported; use one of: {string.Join(", ", Architectures)}.", nameof(Architecture));
        if (TestModelPreset.Find(Preset) is null)
            throw new ArgumentException($"Preset '{Preset}' is not known; use one of: {string.Join(", ", TestModelPreset.All.Select(p => p.Name))}.", nameof(Preset));
        if (!Types.Contains(Type))
            throw new ArgumentException($"Type {Type} is not supported; use one of: {string.Join(", ", Types)}.", nameof(Type));
    }
}
