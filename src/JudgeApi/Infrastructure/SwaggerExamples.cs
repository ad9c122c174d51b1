using System.Text.Json;
using JudgeApi.Contracts;
using JudgeApi.Judging;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace JudgeApi.Infrastructure;

/// <summary>Puts an example on every request and response schema of the Swagger document.</summary>
internal sealed class SwaggerExamples : ISchemaFilter
{
    private static readonly JudgeRequest Request = new()
    {
        Instruction = "Name the capital of France in one sentence.",
        ResponseA = "The capital of France is Paris.",
        ResponseB = "France's capital is Lyon.",
        Criteria = "Factual accuracy matters most.",
        Mode = JudgeModes.Reasoning,
        Samples = 1,
        Swap = true,
        MaxReasoningTokens = 256,
        Seed = 7,
    };

    private static readonly JudgeResponse Response = new("4c1f2b0e9d8a4f7b9e3a6d5c2b1a0f9e", "A", 0.93, 0.93,
        "Response A names Paris, which is correct; response B names Lyon, which is wrong.", null, new JudgeVotes(2, 0),
        new JudgeModelRef("qwen2.5-0.5b-instruct-q8_0.gguf", null), false, 812.5, JudgeModes.Reasoning, Judging.JudgePrompt.Version,
        Judging.JudgeBehavior.Default.Version, 96, false, 512);

    private static readonly Dictionary<Type, object> Examples = new()
    {
        [typeof(JudgeRequest)] = Request,
        [typeof(JudgeResponse)] = Response,
        [typeof(JudgeBatchRequest)] = new JudgeBatchRequest { Items = [Request, Request with { Mode = JudgeModes.Direct }] },
        [typeof(JudgeBatchResponse)] = new JudgeBatchResponse([
            new JudgeBatchItem(0, 200, Response, null),
            new JudgeBatchItem(1, 400, null, new JudgeBatchError("The request is not valid.", null,
                new Dictionary<string, string[]> { ["responseB"] = ["'responseB' must not be empty."] })),
        ]),
        [typeof(ModelResponse)] = new ModelResponse("/models/qwen2.5-0.5b-instruct-q8_0.gguf", "qwen2.5-0.5b-instruct-q8_0.gguf",
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "qwen2", "qwen2 1B Q8_0", 494032768, 531068928,
            4096, 16, "Cpu", null, Judging.JudgePrompt.Version, false, null, Judging.JudgeBehavior.Default.Version),
        [typeof(HealthResponse)] = new HealthResponse("Healthy", "The judge model is loaded."),
    };

    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (schema is OpenApiSchema concrete && Examples.TryGetValue(context.Type, out var example))
            concrete.Example = JsonSerializer.SerializeToNode(example, context.Type, JsonSerializerOptions.Web);
    }
}
