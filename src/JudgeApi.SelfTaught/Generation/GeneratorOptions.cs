using System.ComponentModel.DataAnnotations;

namespace JudgeApi.SelfTaught;

/// <summary>
/// The <c>Judge:Generator</c> section: a second model that writes the iterations' texts (classification, x', y_w and
/// y_l), as the paper had a strong generator write the pairs its judge was trained on. Either a GGUF file, loaded
/// beside the judge with its own context, or an OpenAI-compatible endpoint. Neither: the judge model writes them.
/// </summary>
public sealed class GeneratorOptions : IValidatableObject
{
    public const string Section = "Judge:Generator";

    /// <summary>A GGUF model file to generate with, loaded (on the first iteration) beside the judge.</summary>
    public string? ModelPath { get; set; }

    /// <summary>An OpenAI-compatible API base URL (the part before <c>/chat/completions</c>, e.g. <c>http://host:8080/v1</c>).</summary>
    public string? Endpoint { get; set; }

    /// <summary>Sent as <c>Authorization: Bearer</c> to <see cref="Endpoint"/>.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The model id asked of <see cref="Endpoint"/>; empty: the first one its <c>/models</c> lists.</summary>
    public string? Model { get; set; }

    /// <summary>Tokens per generation of the GGUF generator (prompt + answer), capped at the model's training context.</summary>
    [Range(64, int.MaxValue, ErrorMessage = "must be at least 64")]
    public int ContextSize { get; set; } = 4096;

    /// <summary>Sequences the GGUF generator decodes together.</summary>
    [Range(1, int.MaxValue, ErrorMessage = "must be at least 1")]
    public int Sequences { get; set; } = 4;

    /// <summary>CPU threads of the GGUF generator; 0: the judge's (<c>Judge:Threads</c>).</summary>
    [Range(0, int.MaxValue, ErrorMessage = "must not be negative (0 uses Judge:Threads)")]
    public int Threads { get; set; }

    /// <summary>Layers of the GGUF generator offloaded to the GPU (the judge's <c>Judge:Backend</c>).</summary>
    [Range(0, int.MaxValue, ErrorMessage = "must not be negative")]
    public int GpuLayers { get; set; }

    /// <summary>How long one call to <see cref="Endpoint"/> may take.</summary>
    [Range(1, int.MaxValue, ErrorMessage = "must be at least 1")]
    public int TimeoutSeconds { get; set; } = 300;

    public bool UsesFile => !string.IsNullOrWhiteSpace(ModelPath);

    public bool UsesEndpoint => !string.IsNullOrWhiteSpace(Endpoint);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (UsesFile && UsesEndpoint)
            yield return new ValidationResult("names both a model file and an endpoint; set one of Judge:Generator:ModelPath or Judge:Generator:Endpoint",
                [nameof(Endpoint)]);
        if (UsesFile && !File.Exists(ModelPath))
            yield return new ValidationResult("must name an existing GGUF file", [nameof(ModelPath)]);
        if (UsesEndpoint && !(Uri.TryCreate(Endpoint, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            yield return new ValidationResult("must be an absolute http or https URL such as http://localhost:8080/v1", [nameof(Endpoint)]);
        if (!UsesEndpoint && !string.IsNullOrWhiteSpace(ApiKey))
            yield return new ValidationResult("is only used with Judge:Generator:Endpoint, which is not set", [nameof(ApiKey)]);
        if (!UsesEndpoint && !string.IsNullOrWhiteSpace(Model))
            yield return new ValidationResult("is only used with Judge:Generator:Endpoint, which is not set", [nameof(Model)]);
    }
}
