using System.Text.RegularExpressions;
using JudgeApi.Judging.Scheduling;
using JudgeApi.Llama;

namespace JudgeApi.Judging;

/// <summary>
/// One judgment as the scheduler runs it. With reasoning, the model writes until it opens the verdict itself ("[["),
/// ends its turn or reaches its token cap. The label is then read where the verdict opens: right after the model's own
/// "[[" when it wrote one, else after its text and the verdict lead (<see cref="JudgePrompt.VerdictText"/>), with any
/// lead of its own it had begun ("Final verdict", "**Final verdict:**") cut off first, so no lead is ever doubled.
/// Either way the tokens before the label are those that text tokenizes to after the prompt
/// (<see cref="ChatPrompt.Continue"/>, the tokenization training uses): generated tokens that match stay in the
/// sequence, the rest is decoded again. A model that always thinks first thinks until "&lt;/think&gt;" within its own
/// budget, and "[[" means nothing inside the thought (it may quote the format there); the thought is closed for it
/// when the budget runs out. In direct mode the job has no sampler: the prompt already ends with the lead.
/// The labels' logits give P(A), and P(tie) too when the prompt offers the tie label.
/// </summary>
internal sealed partial class JudgmentProgram : ISequenceProgram
{
    private const string Marker = JudgePrompt.VerdictOpen;
    private const string ThoughtStart = "<think>";
    private const string ThoughtEnd = "</think>";

    /// <summary>
    /// "Final verdict" (or the start of it, cut by the token cap) on its own line or after a sentence, in markdown
    /// bold or as a heading, with its colon, brackets and a bare label if written: the rubric's lead as models write it.
    /// With ties offered, the bare label may be the tie's C too.
    /// </summary>
    private const string OwnLeadUpToLabel =
        @"(?<=(?:^|[\r\n.!?)\]:])[ \t]*)(?:#{1,6}[ \t]*)?(?:[*_]{1,2}[ \t]*)?final(?:[ \t]+v(?:e(?:r(?:d(?:i(?:c(?:t)?)?)?)?)?)?)?[*_]{0,2}[ \t]*:?[ \t]*[*_]{0,2}[ \t]*(?:\[{1,2}[ \t]*)?(?:";
    private const string OwnLeadAfterLabel = @"[ \t]*\]{0,2}[*_]{0,2}[ \t]*\.?)?$";
    private const string OwnLeadPattern = OwnLeadUpToLabel + "[AB]" + OwnLeadAfterLabel;
    private const string OwnLeadWithTiePattern = OwnLeadUpToLabel + "[ABC]" + OwnLeadAfterLabel;

    /// <summary>How the label is read, for <see cref="JudgeBehavior"/>: change it with the reading.</summary>
    public const string Reading = "after own [[ (outside a thought) or an appended lead; one-pass lead tokens; own lead cut by " + OwnLeadPattern;

    /// <summary>The same with the tie label offered, for <see cref="JudgeBehavior.VersionFor"/>.</summary>
    public const string ReadingWithTie = Reading + "; with a tie, own lead cut by " + OwnLeadWithTiePattern + ", labels read A, B and C";

    private readonly LlamaModel? _model;
    private readonly ChatPrompt? _prompt;
    private readonly int _thinkingTokens;
    private readonly int _reasoningTokens;
    private readonly int _room;
    private readonly bool _withTie;
    private VerdictTokens? _verdict;
    private VerdictProbabilities? _probabilities;
    private int _answerText;   // where the answer starts in the generation's text; -1 while the model thinks
    private int _answerToken;  // tokens generated before the answer
    private bool _cut;
    private string _reasoning = "";
    private string? _thinking;
    private string _verdictText = JudgePrompt.VerdictLead;
    private int _generated;

    private JudgmentProgram(LlamaModel? model, ChatPrompt? prompt, int thinkingTokens, int reasoningTokens, int room, bool withTie, VerdictTokens? verdict)
    {
        _model = model;
        _prompt = prompt;
        _thinkingTokens = thinkingTokens;
        _reasoningTokens = reasoningTokens;
        _room = room;
        _withTie = withTie;
        _verdict = verdict;
        _answerText = thinkingTokens > 0 ? -1 : 0;
    }

    /// <summary>A judgment without reasoning: its prompt ends with <paramref name="verdict"/>'s lead.</summary>
    public static JudgmentProgram Direct(VerdictTokens verdict) => new(null, null, 0, 0, 0, verdict.LabelTie is not null, verdict);

    /// <summary>
    /// A judgment the model reasons in first, after <paramref name="prompt"/>: it thinks for up to
    /// <paramref name="thinkingTokens"/> (0: a model that does not think), then reasons for up to
    /// <paramref name="reasoningTokens"/>, within <paramref name="room"/> positions after the prompt.
    /// </summary>
    /// <param name="withTie">The prompt offers the tie label, which is read beside A and B.</param>
    public static JudgmentProgram Reasoning(LlamaModel model, ChatPrompt prompt, int thinkingTokens, int reasoningTokens, int room, bool withTie = false) =>
        new(model, prompt, thinkingTokens, reasoningTokens, room, withTie, null);

    /// <summary>When the first token was sampled (<see cref="System.Diagnostics.Stopwatch"/> ticks); 0 before, and in direct mode.</summary>
    public long FirstTokenAt { get; private set; }

    public int Room => _room;

    public int? StopAfter(Generation generation)
    {
        if (FirstTokenAt == 0)
            FirstTokenAt = System.Diagnostics.Stopwatch.GetTimestamp();
        if (_answerText < 0)
        {
            var end = Find(generation, ThoughtEnd, 0);
            if (end < 0)
                return (_cut = generation.Count >= _thinkingTokens) ? generation.Count : null;
            _answerText = end + ThoughtEnd.Length;
            _answerToken = generation.Count;
        }
        if (Find(generation, Marker, _answerText) >= 0)
            return generation.Count;
        // A thinking model's reasoning has its own cap; the scheduler's is the thought's and the reasoning's together.
        return (_cut = _thinkingTokens > 0 && generation.Count - _answerToken >= _reasoningTokens) ? generation.Count : null;
    }

    /// <summary>Where <paramref name="text"/> is in the generation at or after <paramref name="from"/>, looking only where the last token could have completed it; -1 if not.</summary>
    private static int Find(Generation generation, string text, int from)
    {
        var start = Math.Max(from, generation.TextStart(generation.Count - 1) - text.Length + 1);
        var found = generation.TextFrom(start).IndexOf(text, StringComparison.Ordinal);
        return found < 0 ? -1 : start + found;
    }

    public (int Keep, int[] Input) End(Generation generation, int keep)
    {
        var tokens = generation.Tokens[..keep];
        _generated = keep;
        var written = _model!.PieceText(tokens);
        var (thought, answer) = Split(written);
        var open = answer.IndexOf(Marker, StringComparison.Ordinal);
        var before = open < 0 ? answer : answer[..open];
        _reasoning = before[..OwnLeadStart(before, _withTie)];
        // The model's own "[[" is kept as written; otherwise the lead follows what it wrote, its partial lead cut off.
        _verdictText = open >= 0 ? thought + answer[..(open + Marker.Length)] : JudgePrompt.VerdictText(thought + _reasoning);
        _verdict = VerdictTokens.After(_prompt!, _verdictText, _withTie);
        if (_verdict.Lead.Length == 0)
        {
            _verdictText = JudgePrompt.VerdictText(thought + _reasoning);
            _verdict = VerdictTokens.After(_prompt!, _verdictText, _withTie);
        }

        // Keep the generated tokens the verdict text tokenizes to; at least one token is decoded for the logits.
        var lead = _verdict.Lead;
        var same = Math.Min(tokens.CommonPrefixLength(lead), lead.Length - 1);
        if (lead.Length <= _room)
            return (same, lead[same..]);
        // Retokenized, the text would overflow the sequence (never seen): keep what was generated and force the lead after it.
        _verdictText = JudgePrompt.VerdictText(written);
        _verdict = VerdictTokens.After(_prompt!, "\n\n" + JudgePrompt.VerdictLead, _withTie);
        return (keep, _verdict.Lead);
    }

    /// <summary>A thinking model's text as its thought (closed for it when it ran out of budget) and its answer.</summary>
    private (string Thought, string Answer) Split(string written)
    {
        if (_thinkingTokens == 0)
            return ("", written);
        var close = written.IndexOf(ThoughtEnd, StringComparison.Ordinal);
        var thought = close < 0 ? written.TrimEnd() + "\n" + ThoughtEnd : written[..(close + ThoughtEnd.Length)];
        var inner = thought[..^ThoughtEnd.Length].Trim();
        _thinking = (inner.StartsWith(ThoughtStart, StringComparison.Ordinal) ? inner[ThoughtStart.Length..] : inner).Trim();
        return (thought, close < 0 ? "" : written[(close + ThoughtEnd.Length)..]);
    }

    public void ReadLogits(ReadOnlySpan<float> logits) => _probabilities = _verdict!.Probabilities(logits);

    /// <summary>The judgment, from the scheduler's result for this program's job.</summary>
    public JudgeOnceResult Result(SequenceResult generated, int promptTokens)
    {
        var p = _probabilities ?? throw new InvalidOperationException("The judgment ended without reading the verdict's logits.");
        if (!double.IsFinite(p.A) || p.Tie is { } tie && !double.IsFinite(tie))
            throw new JudgeOutputException($"The model's verdict scores are not finite (P(A) is {p.A}): the weights it judges with produce NaN or infinite logits.");
        return new JudgeOnceResult(_reasoning.Trim(), p.Label, p.A, _generated, _cut || generated.StopReason == GenerationStopReason.MaxTokens, promptTokens,
            _verdictText, _thinking, p.Tie);
    }

    /// <summary>Where a verdict lead the model began at the end of <paramref name="text"/> starts; its length when there is none.</summary>
    internal static int OwnLeadStart(string text, bool withTie = false)
    {
        var trimmed = text.TrimEnd();
        var lead = (withTie ? OwnLeadWithTie() : OwnLead()).Match(trimmed);
        return lead.Success ? lead.Index : trimmed.Length;
    }

    [GeneratedRegex(OwnLeadPattern, RegexOptions.IgnoreCase)]
    private static partial Regex OwnLead();

    [GeneratedRegex(OwnLeadWithTiePattern, RegexOptions.IgnoreCase)]
    private static partial Regex OwnLeadWithTie();
}
