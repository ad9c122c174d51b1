using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using JudgeApi.Llama;

namespace JudgeApi.Judging;

/// <summary>
/// Everything besides the model, the adapter and the request that decides a judge's answer: the prompt (its text as
/// rendered, not only its name), the sampling settings, how each sample's seed is derived, how the verdict is read,
/// what counts as a tie, and the loaded model's template choices. <see cref="Version"/> names all of it; it is part of
/// every cache key, every /judge answer and every stored judgment and training example, so a change to any of it is
/// never answered from the cache or mistaken for the judge that wrote older records.
/// </summary>
/// <param name="Template">The chat template prompts are rendered with (<see cref="ChatTemplate.Description"/>) and how it thinks.</param>
/// <param name="MaxThinkingTokens">Tokens a thinking model may think before its answer.</param>
public sealed record JudgeBehavior(string Template = "", int MaxThinkingTokens = 0)
{
    /// <summary>Nucleus mass when sampling at temperature &gt; 0.</summary>
    public float TopP { get; init; } = 0.95f;

    /// <summary>Tokens less likely than this fraction of the most likely one are never sampled.</summary>
    public float MinP { get; init; } = 0.05f;

    /// <summary>probabilityA within this distance of 0.5 is a tie.</summary>
    public double TieEpsilon { get; init; } = 0.01;

    /// <summary>The prompt: its name and a digest of its text rendered with placeholders, lead and labels included.</summary>
    public string Prompt { get; init; } = JudgePrompt.Version + ":" + Digest(string.Join("\u0000",
        JudgePrompt.Render("{instruction}", "{first}", "{second}", "{criteria}").Select(m => m.Role + "\u0000" + m.Content)
            .Append(JudgePrompt.VerdictText("{reasoning}") + JudgePrompt.LabelA + JudgePrompt.LabelB)));

    /// <summary>How each sample and order gets its seed (<see cref="SampleSeed"/>); change the name with the formula.</summary>
    public string SeedDerivation { get; init; } = "seed*2654435761+(2*sample+swapped)*40503+1";

    /// <summary>How the label is read (<see cref="JudgmentProgram"/>); change the name with the method.</summary>
    public string VerdictReading { get; init; } = JudgmentProgram.Reading;

    /// <summary>The behaviour of code and settings as they are, before a model is loaded.</summary>
    public static JudgeBehavior Default { get; } = new();

    /// <summary>"judge-v1.&lt;12 hex digits&gt;": the prompt's name and a digest of everything in this record.</summary>
    [JsonIgnore]
    public string Version => JudgePrompt.Version + "." + Digest(JsonSerializer.Serialize(this, JsonSerializerOptions.Web))[..12];

    /// <summary>Each sample and order of a request draws from its own seed, derived from the request's.</summary>
    public static uint SampleSeed(int seed, int sample, bool swapped) =>
        unchecked((uint)seed * 2654435761u + (uint)(2 * sample + (swapped ? 1 : 0)) * 40503u + 1u);

    /// <summary>The sampler of one judgment or generation: greedy at temperature 0, else seeded with <see cref="TopP"/> and <see cref="MinP"/>.</summary>
    public SamplingOptions Sampling(float temperature, uint seed, string? grammar) =>
        temperature <= 0
            ? new SamplingOptions { Grammar = grammar }
            : new SamplingOptions { Temperature = temperature, TopP = TopP, MinP = MinP, Seed = seed, Grammar = grammar };

    /// <summary>"A", "B" or "tie" for a mean P(A).</summary>
    public string Winner(double probabilityA) => Math.Abs(probabilityA - 0.5) <= TieEpsilon ? "tie" : probabilityA > 0.5 ? "A" : "B";

    private static string Digest(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
