namespace JudgeApi.SelfTaught;

/// <summary>One page of a long list: its items, the page asked for (from 1), its size and how many items the whole list has.</summary>
public sealed record PagedList<T>(IReadOnlyList<T> Items, int Page, int PageSize, int Total);
