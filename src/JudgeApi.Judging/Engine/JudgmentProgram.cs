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
/// sequence, the rest is decoded again. In direct mode the job has no sampler: the prompt already ends with the lead.
/// </summary>
internal sealed partial class JudgmentProgram : ISequenceProgram
{
    private const string Marker = JudgePrompt.VerdictOpen;

    private readonly LlamaModel? _model;
    private readonly ChatPrompt? _prompt;
    private readonly int _room;
    private VerdictTokens? _verdict;
    private double? _probabilityA;
    private string _reasoning = "";
    private string _verdictText = JudgePrompt.VerdictLead;
    private int _generated;

    private JudgmentProgram(LlamaModel? model, ChatPrompt? prompt, int room, VerdictTokens? verdict)
    {
        _model = model;
        _prompt = prompt;
        _room = room;
        _verdict = verdict;
    }

    /// <summary>A judgment without reasoning: its prompt ends with <paramref name="verdict"/>'s lead.</summary>
    public static JudgmentProgram Direct(VerdictTokens verdict) => new(null, null, 0, verdict);

    /// <summary>A judgment the model reasons in first, after <paramref name="prompt"/>, within <paramref name="room"/> positions after it.</summary>
    public static JudgmentProgram Reasoning(LlamaModel model, ChatPrompt prompt, int room) => new(model, prompt, room, null);

    public int? StopAfter(Generation generation)
    {
        // Only the text the last token could have completed the marker in.
        var from = Math.Max(0, generation.TextStart(generation.Count - 1) - Marker.Length + 1);
        return generation.TextFrom(from).Contains(Marker, StringComparison.Ordinal) ? generation.Count : null;
    }

    public (int Keep, int[] Input) End(Generation generation, int keep)
    {
        var tokens = generation.Tokens[..keep];
        _generated = keep;
        var written = _model!.PieceText(tokens);
        var open = written.IndexOf(Marker, StringComparison.Ordinal);
        var before = open < 0 ? written : written[..open];
        _reasoning = before[..OwnLeadStart(before)];
        // The model's own "[[" is kept as written; otherwise the lead follows what it wrote, its partial lead cut off.
        _verdictText = open >= 0 ? written[..(open + Marker.Length)] : JudgePrompt.VerdictText(_reasoning);
        _verdict = VerdictTokens.After(_prompt!, _verdictText);
        if (_verdict.Lead.Length == 0)
        {
            _verdictText = JudgePrompt.VerdictText(_reasoning);
            _verdict = VerdictTokens.After(_prompt!, _verdictText);
        }

        // Keep the generated tokens the verdict text tokenizes to; at least one token is decoded for the logits.
        var lead = _verdict.Lead;
        var same = Math.Min(tokens.CommonPrefixLength(lead), lead.Length - 1);
        if (lead.Length <= _room)
            return (same, lead[same..]);
        // Retokenized, the text would overflow the sequence (never seen): keep what was generated and force the lead after it.
        _verdictText = JudgePrompt.VerdictText(written);
        _verdict = VerdictTokens.After(_prompt!, "\n\n" + JudgePrompt.VerdictLead);
        return (keep, _verdict.Lead);
    }

    public void ReadLogits(ReadOnlySpan<float> logits) => _probabilityA = _verdict!.ProbabilityA(logits);

    /// <summary>The judgment, from the scheduler's result for this program's job.</summary>
    public JudgeOnceResult Result(SequenceResult generated, int promptTokens)
    {
        var p = _probabilityA ?? throw new InvalidOperationException("The judgment ended without reading the verdict's logits.");
        return new JudgeOnceResult(_reasoning.Trim(), p >= 0.5 ? JudgePrompt.LabelA : JudgePrompt.LabelB, p,
            _generated, generated.StopReason == GenerationStopReason.MaxTokens, promptTokens, _verdictText);
    }

    /// <summary>Where a verdict lead the model began at the end of <paramref name="text"/> starts; its length when there is none.</summary>
    internal static int OwnLeadStart(string text)
    {
        var trimmed = text.TrimEnd();
        var lead = OwnLead().Match(trimmed);
        return lead.Success ? lead.Index : trimmed.Length;
    }

    /// <summary>
    /// "Final verdict" (or the start of it, cut by the token cap) on its own line or after a sentence, in markdown
    /// bold or as a heading, with its colon, brackets and a bare label if written: the rubric's lead as models write it.
    /// </summary>
    [GeneratedRegex(@"(?<=(?:^|[\r\n.!?)\]:])[ \t]*)(?:#{1,6}[ \t]*)?(?:[*_]{1,2}[ \t]*)?final(?:[ \t]+v(?:e(?:r(?:d(?:i(?:c(?:t)?)?)?)?)?)?)?[*_]{0,2}[ \t]*:?[ \t]*[*_]{0,2}[ \t]*(?:\[{1,2}[ \t]*)?(?:[AB][ \t]*\]{0,2}[*_]{0,2}[ \t]*\.?)?$",
        RegexOptions.IgnoreCase)]
    private static partial Regex OwnLead();
}
