using System.Globalization;
using JudgeApi.Contracts;
using JudgeApi.Judging;
using JudgeApi.SelfTaught;
using Microsoft.AspNetCore.Authorization;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace JudgeApi.Infrastructure;

/// <summary>
/// What the document says beyond what the endpoints' types tell Swashbuckle, so generated clients can trust it:
/// every operation has an id and a description; the errors each can answer (401/403 from its policy, 429/503 with
/// Retry-After from admission); the fixed vocabularies as enums and the validators' limits as minimum/maximum.
/// </summary>
internal sealed class OpenApiConventions : IOperationFilter, ISchemaFilter, IDocumentFilter
{
    /// <summary>Endpoint metadata: a 200 body streamed as <paramref name="ContentType"/> (SSE, NDJSON), each event or line one <paramref name="Item"/>.</summary>
    public sealed record Streamed(string ContentType, Type Item);

    private static readonly Dictionary<(Type Type, string Property), string[]> Enums = new()
    {
        [(typeof(JudgeResponse), nameof(JudgeResponse.Winner))] = ["A", "B", "tie"],
        [(typeof(JudgeResponse), nameof(JudgeResponse.Mode))] = [JudgeModes.Reasoning, JudgeModes.Direct],
        [(typeof(JudgeRequest), nameof(JudgeRequest.Mode))] = [JudgeModes.Reasoning, JudgeModes.Direct],
        [(typeof(IterationView), nameof(IterationView.Status))] = Statuses,
        [(typeof(IterationQueued), nameof(IterationQueued.Status))] = Statuses,
        [(typeof(IterationView), nameof(IterationView.Stage))] = [IterationStage.Pending, .. IterationStage.InOrder, IterationStage.Done],
        [(typeof(IterationRequest), nameof(IterationRequest.Data))] = [TrainingData.Iteration, TrainingData.Cumulative],
    };

    private static string[] Statuses => [IterationStatus.Queued, IterationStatus.Running, IterationStatus.Succeeded, IterationStatus.Failed, IterationStatus.Canceled];

    private static readonly Dictionary<(Type Type, string Property), (double Min, double Max)> Limits = new()
    {
        [(typeof(JudgeRequest), nameof(JudgeRequest.Samples))] = (1, JudgeRequestValidator.MaxSamples),
        [(typeof(JudgeRequest), nameof(JudgeRequest.MaxReasoningTokens))] = (1, JudgeRequestValidator.MaxReasoningTokensLimit),
        [(typeof(JudgeRequest), nameof(JudgeRequest.Temperature))] = (0, 2),
        [(typeof(IterationRequest), nameof(IterationRequest.Instructions))] = (1, IterationRequestValidator.MaxInstructions),
        [(typeof(IterationRequest), nameof(IterationRequest.JudgmentsPerPair))] = (1, IterationRequestValidator.MaxJudgmentsPerPair),
        [(typeof(IterationRequest), nameof(IterationRequest.Temperature))] = (0, 2),
    };

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var metadata = context.ApiDescription.ActionDescriptor.EndpointMetadata;
        operation.OperationId ??= OperationId(context.ApiDescription);
        if (string.IsNullOrEmpty(operation.Description))
            operation.Description = operation.Summary;
        foreach (var streamed in metadata.OfType<Streamed>())
            AddStream(operation, streamed);
        FileUploadAsFormField(operation);
        var openAi = context.ApiDescription.RelativePath?.StartsWith("v1/", StringComparison.Ordinal) == true;
        var policies = metadata.OfType<IAuthorizeData>().Select(a => a.Policy).ToList();
        if (policies.Count > 0)
            Add(operation, context, StatusCodes.Status401Unauthorized, "No valid API key.", openAi);
        if (policies.Contains(Auth.AuthRoles.OperatorPolicy))
            Add(operation, context, StatusCodes.Status403Forbidden, "The key is not an operator key.", openAi);
        if (metadata.OfType<Microsoft.AspNetCore.RateLimiting.EnableRateLimitingAttribute>().Any())
        {
            Add(operation, context, StatusCodes.Status429TooManyRequests, "This API key has Judge:MaxQueuePerKey requests in progress; retry after Retry-After seconds.", openAi, retryAfter: true);
            Add(operation, context, StatusCodes.Status503ServiceUnavailable, "The judge is busy (Judge:MaxQueue) or its model is loading; retry after Retry-After seconds.", openAi, retryAfter: true);
        }
    }

    /// <summary>The health endpoints are ASP.NET Core health checks, which the API explorer does not see; they are documented here.</summary>
    public void Apply(OpenApiDocument document, DocumentFilterContext context)
    {
        var health = context.SchemaGenerator.GenerateSchema(typeof(HealthResponse), context.SchemaRepository);
        OpenApiResponse Answer(string description) => new()
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = health } },
        };
        document.Tags ??= new HashSet<OpenApiTag>();
        document.Tags.Add(new OpenApiTag { Name = "Health" });
        // The SSE results' item schemas: streamed bodies are documented as binary (AddStream), so nothing refers to them.
        foreach (var sseItem in context.SchemaRepository.Schemas.Keys.Where(k => k.EndsWith("SseItem", StringComparison.Ordinal)).ToList())
            document.Components?.Schemas?.Remove(sseItem);
        document.Paths ??= new OpenApiPaths();
        document.Paths["/health/live"] = HealthPath(document, "GetHealthLive", "Liveness: the process answers.",
            "Liveness: the process answers; no key needed.", new OpenApiResponses { ["200"] = Answer("The process is running.") });
        document.Paths["/health/ready"] = HealthPath(document, "GetHealthReady", "Readiness: the model is loaded and the store reads.",
            "Readiness: 200 (Healthy, or Degraded while a configured Redis is down) once the judge model is loaded and the state store (SQLite or PostgreSQL) reads; 503 otherwise. No key needed.",
            new OpenApiResponses { ["200"] = Answer("Ready (Healthy or Degraded)."), ["503"] = Answer("Not ready: the model is loading or failed to load, or the store cannot be read.") });
    }

    /// <summary>A health route (MapHealthChecks is no minimal API endpoint, so the explorer does not see it): anonymous, one GET.</summary>
    private static OpenApiPathItem HealthPath(OpenApiDocument document, string id, string summary, string description, OpenApiResponses responses) => new()
    {
        Operations = new Dictionary<HttpMethod, OpenApiOperation>
        {
            [HttpMethod.Get] = new()
            {
                OperationId = id,
                Summary = summary,
                Description = description,
                Tags = new HashSet<OpenApiTagReference> { new("Health", document) },
                Security = [],
                Responses = responses,
            },
        },
    };

    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (schema is not OpenApiSchema { Properties: { } properties })
            return;
        foreach (var (name, property) in properties)
        {
            var key = (context.Type, char.ToUpperInvariant(name[0]) + name[1..]);
            if (property is not OpenApiSchema concrete)
                continue;
            // A nullable reference is allOf [$ref] + nullable; OpenAPI 3.0 wants a type beside nullable.
            if (concrete.AllOf is { Count: > 0 } && concrete.Type == JsonSchemaType.Null)
                concrete.Type = JsonSchemaType.Object | JsonSchemaType.Null;
            if (Enums.TryGetValue(key, out var values))
                concrete.Enum = [.. values.Select(v => (System.Text.Json.Nodes.JsonNode)System.Text.Json.Nodes.JsonValue.Create(v)!)];
            if (Limits.TryGetValue(key, out var limit))
            {
                concrete.Minimum = limit.Min.ToString(CultureInfo.InvariantCulture);
                concrete.Maximum = limit.Max.ToString(CultureInfo.InvariantCulture);
            }
        }
    }

    /// <summary>
    /// A streamed body is a binary stream to a generated client (it reads it itself, event by event or line by line);
    /// the description names what each item is.
    /// </summary>
    private static void AddStream(OpenApiOperation operation, Streamed streamed)
    {
        operation.Responses ??= new OpenApiResponses();
        if (!operation.Responses.TryGetValue("200", out var existing) || existing is not OpenApiResponse ok)
            operation.Responses["200"] = ok = new OpenApiResponse { Description = "OK" };
        ok.Content ??= new Dictionary<string, OpenApiMediaType>();
        ok.Content[streamed.ContentType] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } };
        ok.Description = $"{ok.Description}; as {streamed.ContentType}, each {(streamed.ContentType == "text/event-stream" ? "event's data" : "line")} is one {streamed.Item.Name}.";
    }

    /// <summary>A file upload is a multipart form with one binary field "file" (what curl -F file=@… sends).</summary>
    private static void FileUploadAsFormField(OpenApiOperation operation)
    {
        if (operation.RequestBody?.Content is not { } content || !content.TryGetValue("multipart/form-data", out var form)
            || form.Schema is not OpenApiSchema { Format: "binary" })
            return;
        form.Schema = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Properties = new Dictionary<string, IOpenApiSchema> { ["file"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } },
            Required = new HashSet<string> { "file" },
        };
    }

    /// <summary>The endpoint's name when it has one, else the method and the route in Pascal case (GET /iterations/{id} → GetIterationsById).</summary>
    private static string OperationId(Microsoft.AspNetCore.Mvc.ApiExplorer.ApiDescription api)
    {
        if (api.ActionDescriptor.EndpointMetadata.OfType<IEndpointNameMetadata>().FirstOrDefault() is { } name)
            return name.EndpointName;
        var words = (api.RelativePath ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries)
            .Select(part => part.StartsWith('{') ? "By" + Pascal(part.Trim('{', '}').Split(':', '?')[0]) : Pascal(part)); // {caseId:long} → ByCaseId
        return Pascal(api.HttpMethod!.ToLowerInvariant()) + string.Concat(words);
    }

    private static string Pascal(string word) =>
        string.Concat(word.Split('-', '_').Where(w => w.Length > 0).Select(w => char.ToUpperInvariant(w[0]) + w[1..]));

    private static void Add(OpenApiOperation operation, OperationFilterContext context, int status, string description, bool openAi, bool retryAfter = false)
    {
        operation.Responses ??= new OpenApiResponses();
        var code = status.ToString(CultureInfo.InvariantCulture);
        if (operation.Responses.ContainsKey(code) && !retryAfter)
            return;
        var schema = context.SchemaGenerator.GenerateSchema(openAi ? typeof(OpenAiErrorResponse) : typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), context.SchemaRepository);
        var response = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType> { [openAi ? "application/json" : "application/problem+json"] = new() { Schema = schema } },
        };
        if (retryAfter)
            response.Headers = new Dictionary<string, IOpenApiHeader>
            {
                ["Retry-After"] = new OpenApiHeader { Description = "Seconds to wait before retrying.", Schema = new OpenApiSchema { Type = JsonSchemaType.Integer } },
            };
        operation.Responses[code] = response;
    }
}
