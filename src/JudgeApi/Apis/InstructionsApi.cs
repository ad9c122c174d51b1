using System.Text;
using System.Text.Json;
using JudgeApi.Auth;
using JudgeApi.SelfTaught;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace JudgeApi.Apis;

/// <summary><c>POST /instructions</c> (import into the pool) and <c>GET /instructions/stats</c>.</summary>
public static class InstructionsApi
{
    public static RouteGroupBuilder MapInstructionsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/instructions").WithTags("Instructions").RequireAuthorization(AuthRoles.OperatorPolicy);
        group.MapPost("/", ImportAsync)
            .Accepts<string[]>("application/json", "application/x-ndjson", "application/jsonl")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .WithSummary("Add instructions: a JSON array of strings or { instruction, category? }, or NDJSON (also ShareGPT/WildChat conversations).");
        group.MapGet("/stats", (InstructionPool pool) => TypedResults.Ok(pool.Stats())).WithSummary("Pool size by category, unclassified and used counts.");
        return group;
    }

    private static async Task<Results<Ok<ImportOutcome>, ProblemHttpResult>> ImportAsync(HttpRequest request, InstructionPool pool, IOptions<SelfTaughtOptions> options,
        CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        // Decoding replaces invalid UTF-8 with U+FFFD, which validation then rejects entry by entry as binary.
        var text = Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        ImportParseResult parsed;
        if (IsNdjson(request.ContentType))
            parsed = InstructionImportParser.ParseNdjson(text);
        else
        {
            try
            {
                parsed = InstructionImportParser.ParseJsonArray(text);
            }
            catch (JsonException e)
            {
                return TypedResults.Problem(
                    $"The body must be a JSON array of strings or of {{ \"instruction\", \"category\"? }} objects, or NDJSON sent as application/x-ndjson: {e.Message}",
                    statusCode: StatusCodes.Status400BadRequest, title: "Unreadable instruction import");
            }
        }
        return TypedResults.Ok(pool.Import(parsed, options.Value));
    }

    private static bool IsNdjson(string? contentType) =>
        contentType is not null && (contentType.StartsWith("application/x-ndjson", StringComparison.OrdinalIgnoreCase)
            || contentType.StartsWith("application/jsonl", StringComparison.OrdinalIgnoreCase));
}
