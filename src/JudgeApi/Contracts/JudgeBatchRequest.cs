using JudgeApi.Judging;

namespace JudgeApi.Contracts;

/// <summary>POST /judge/batch body: up to <see cref="JudgeBatchRequestValidator.MaxItems"/> judge requests.</summary>
public sealed record JudgeBatchRequest
{
    public List<JudgeRequest?>? Items { get; init; }
}

/// <summary>Results in request order; each item has either a result or an error.</summary>
public sealed record JudgeBatchResponse(IReadOnlyList<JudgeBatchItem> Items);

/// <param name="Status">HTTP status this item would have had on POST /judge.</param>
public sealed record JudgeBatchItem(int Index, int Status, JudgeResponse? Result, JudgeBatchError? Error);

/// <param name="Errors">Validation errors keyed by field, when the item was invalid.</param>
public sealed record JudgeBatchError(string Title, string? Detail, IDictionary<string, string[]>? Errors);
