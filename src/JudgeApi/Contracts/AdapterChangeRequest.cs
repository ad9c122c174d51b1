namespace JudgeApi.Contracts;

/// <summary>Optional body of <c>POST /adapters/{id}/activate</c>, <c>/adapters/deactivate</c> and <c>DELETE /adapters/{id}</c>: why, for the audit log.</summary>
/// <param name="Note">Up to 500 characters, e.g. "iteration 3 is worse on coding".</param>
public sealed record AdapterChangeRequest(string? Note)
{
    public const int MaxNote = 500;

    /// <summary>The problem with the body, if any: it is optional, so the validation filter (which needs one) does not apply.</summary>
    public static IDictionary<string, string[]>? Problems(AdapterChangeRequest? request) => request?.Note is { Length: > MaxNote }
        ? new Dictionary<string, string[]> { ["note"] = [$"'note' must be {MaxNote} characters or fewer."] }
        : null;
}
