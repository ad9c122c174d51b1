namespace JudgeApi.Judging;

/// <summary>
/// A turn before the judged one in a multi-turn judgment: the user's message and each side's answer to it. When the
/// two sides share the conversation up to the judged turn, both answers are the same text.
/// </summary>
/// <param name="AnswerA">The answer of the side shown (or labeled) A; in an engine request, the first-shown side.</param>
public sealed record EarlierTurn(string User, string AnswerA, string AnswerB)
{
    /// <summary>The same turn with the sides exchanged (the swapped order of a judgment).</summary>
    public EarlierTurn Swapped() => new(User, AnswerB, AnswerA);
}
