using JudgeApi.Auth;
using JudgeApi.Contracts;
using JudgeApi.Infrastructure;
using JudgeApi.Llama;
using JudgeApi.SelfTaught;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace JudgeApi.Apis;

/// <summary>
/// The adapter registry: list, activate, roll back to the base model, delete, upload an externally trained adapter,
/// and the audit log of every change of the serving weights (operator key or console session).
/// </summary>
public static class AdaptersApi
{
    public static RouteGroupBuilder MapAdaptersApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/adapters").WithTags("Adapters").RequireAuthorization(AuthRoles.OperatorPolicy);
        group.MapGet("/", (AdapterRegistry registry) => TypedResults.Ok(registry.List()))
            .WithSummary("Every stored adapter: iteration, created, base model hash, rank, alpha, metrics, active flag.");
        group.MapPost("/{id}/activate", Activate).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesValidationProblem()
            .WithSummary("Serve this adapter from the next decode batch on; running judgments finish on theirs. Recorded in the audit log (optional body: { note }).");
        group.MapPost("/deactivate", Deactivate).ProducesValidationProblem()
            .WithSummary("Roll back to the base model alone. Recorded in the audit log (optional body: { note }).");
        group.MapDelete("/{id}", Delete).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesValidationProblem()
            .WithSummary("Delete a stored adapter that is not serving (deactivate or activate another first). Recorded in the audit log.");
        group.MapGet("/audit", Audit).AddEndpointFilter<ValidationFilter<PageQuery>>().ProducesValidationProblem()
            .WithSummary("Every activation, deactivation and deletion, newest first: when, by which key's name, from which iteration, why (promotion, operator, startup).");
        group.MapPost("/", UploadAsync)
            .Accepts<IFormFile>("multipart/form-data")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .DisableAntiforgery()
            .WithSummary("Upload a GGUF LoRA adapter (multipart, one file part); checked against the base model before it is stored.");
        return group;
    }

    private static Results<Ok<AdapterView>, ProblemHttpResult, ValidationProblem> Activate(string id, [FromBody] AdapterChangeRequest? request, AdapterRegistry registry,
        HttpContext http)
    {
        if (AdapterChangeRequest.Problems(request) is { } problems)
            return TypedResults.ValidationProblem(problems, title: "The request is not valid.");
        if (registry.Find(id) is null)
            return NotFound(id);
        try
        {
            registry.Activate(id, OperatorChange(http, request));
        }
        catch (LlamaAdapterException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status409Conflict, title: "The adapter cannot be loaded");
        }
        return TypedResults.Ok(registry.Find(id)!);
    }

    private static Results<Ok<IReadOnlyList<AdapterView>>, ValidationProblem> Deactivate([FromBody] AdapterChangeRequest? request, AdapterRegistry registry, HttpContext http)
    {
        if (AdapterChangeRequest.Problems(request) is { } problems)
            return TypedResults.ValidationProblem(problems, title: "The request is not valid.");
        registry.Deactivate(OperatorChange(http, request));
        return TypedResults.Ok(registry.List());
    }

    private static Results<NoContent, ProblemHttpResult, ValidationProblem> Delete(string id, [FromBody] AdapterChangeRequest? request, AdapterRegistry registry, HttpContext http)
    {
        if (AdapterChangeRequest.Problems(request) is { } problems)
            return TypedResults.ValidationProblem(problems, title: "The request is not valid.");
        return registry.Delete(id, OperatorChange(http, request)) switch
        {
            AdapterDeleteOutcome.NotFound => NotFound(id),
            AdapterDeleteOutcome.Active => TypedResults.Problem($"Adapter {id} is serving; deactivate it (or activate another) before deleting it.",
                statusCode: StatusCodes.Status409Conflict, title: "The adapter is active"),
            _ => TypedResults.NoContent(),
        };
    }

    private static Ok<PagedList<AdapterAuditEntry>> Audit([AsParameters] PageQuery query, AdapterAudit audit) =>
        TypedResults.Ok(audit.List(query.PageOrDefault, query.SizeOrDefault));

    /// <summary>An operator's change, named after the key (or session) that asked.</summary>
    private static AdapterChange OperatorChange(HttpContext http, AdapterChangeRequest? request) =>
        new(http.User.Identity?.Name ?? "unknown", AdapterChangeCause.Operator, Note: string.IsNullOrWhiteSpace(request?.Note) ? null : request.Note.Trim());

    private static ProblemHttpResult NotFound(string id) => TypedResults.Problem($"No adapter {id}.", statusCode: StatusCodes.Status404NotFound);

    /// <summary>Streams the first file part of a multipart body to disk (adapters can be large), then checks and stores it.</summary>
    private static async Task<Results<Created<AdapterView>, ProblemHttpResult>> UploadAsync(HttpContext http, AdapterUpload upload, IOptions<AdapterOptions> options, CancellationToken cancellationToken)
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = options.Value.MaxUploadBytes;
        var request = http.Request;
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType) || !contentType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(contentType.Boundary).Value is not { Length: > 0 } boundary)
            return BadUpload("Send the adapter as multipart/form-data with one file part (curl -F file=@adapter.gguf).");

        var reader = new MultipartReader(boundary, request.Body);
        while (true)
        {
            MultipartSection? section;
            try
            {
                section = await reader.ReadNextSectionAsync(cancellationToken);
            }
            catch (Exception e) when (IsMalformedMultipart(e))
            {
                return BadUpload($"The multipart body is malformed: {e.Message}");
            }
            if (section is null)
                return BadUpload("The multipart body has no file part.");
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || !disposition.IsFileDisposition())
                continue;
            try
            {
                var stored = await upload.StoreAsync((file, token) => CopyPartAsync(section.Body, file, token), cancellationToken);
                return TypedResults.Created($"/adapters/{stored.Id}", stored);
            }
            catch (AdapterRejectedException e)
            {
                return BadUpload(e.Message);
            }
            catch (AdapterDuplicateException e)
            {
                return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status409Conflict, title: "Adapter already stored");
            }
        }
    }

    /// <summary>Copies the file part; a part the body ends inside (no closing boundary) is the client's error, not a write failure.</summary>
    private static async Task CopyPartAsync(Stream part, Stream file, CancellationToken cancellationToken)
    {
        var buffer = new byte[1 << 16];
        while (true)
        {
            int read;
            try
            {
                read = await part.ReadAsync(buffer, cancellationToken);
            }
            catch (Exception e) when (IsMalformedMultipart(e))
            {
                throw new AdapterRejectedException($"The multipart body is malformed: the file part {char.ToLowerInvariant(e.Message[0])}{e.Message[1..]}");
            }
            if (read == 0)
                return;
            await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }
    }

    // What MultipartReader throws on a body that breaks the format (no boundary, a part cut off before its closing
    // boundary, a part header over 16 KB or with more than 16 headers). A body over the size limit, or a client gone,
    // is a BadHttpRequestException (an IOException too) and keeps its own status.
    private static bool IsMalformedMultipart(Exception e) => e is InvalidDataException or IOException and not BadHttpRequestException;

    private static ProblemHttpResult BadUpload(string reason) =>
        TypedResults.Problem(reason, statusCode: StatusCodes.Status400BadRequest, title: "Adapter rejected");
}
