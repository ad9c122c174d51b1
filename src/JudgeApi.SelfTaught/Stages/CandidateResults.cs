using System.Text.Json.Serialization;

namespace JudgeApi.SelfTaught;

/// <summary>What the train, evaluate and promote stages recorded of an iteration's candidate adapter (each null until that stage has run).</summary>
public sealed record CandidateResults(TrainingReport? Training, EvaluationReport? Evaluation, PromotionDecision? Promotion);

/// <summary>Training progress, reported after every optimizer step, and its outcome once the adapter is stored.</summary>
/// <param name="Data">"iteration" or "cumulative".</param>
/// <param name="AdapterId">The registered adapter; null while training.</param>
public sealed record TrainingReport(
    string Data,
    int Examples,
    int Step,
    int TotalSteps,
    double Loss,
    double? InitialLoss,
    double TokensPerSecond,
    double ElapsedSeconds,
    double EtaSeconds,
    string? AdapterId);

/// <summary>Accuracy of one set of weights over pairs judged in both orders.</summary>
/// <param name="Accuracy">Share of judgments that pick the chosen side, over the pairs that have one (not those labeled a tie).</param>
/// <param name="Judgments">Two per pair with a chosen side (chosen shown first, then second).</param>
/// <param name="Skipped">Pairs not judged because their prompt does not fit the judge's context.</param>
/// <param name="Subsets">The same per subset (labeled sets only).</param>
/// <param name="Outcomes">
/// Per pair, in set order, how many of its two orders were judged right ('0', '1', '2'; '-' skipped): what the
/// promotion test pairs candidate and serving weights on. Null on subsets.
/// </param>
public sealed record AccuracyScore(double? Accuracy, int Correct, int Judgments, int Skipped = 0, IReadOnlyDictionary<string, AccuracyScore>? Subsets = null,
    string? Outcomes = null)
{
    public static AccuracyScore Of(int correct, int judgments) => new(judgments == 0 ? null : (double)correct / judgments, correct, judgments);

    /// <summary>Agreement with labels that include ties; only for sets that hold some (absent otherwise).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public TieAgreement? TieAware { get; init; }
}

/// <summary>
/// Agreement with labels that include ties, as MT-Bench reports it: per pair, the judge's verdict in both orders
/// combined (a side wins only when both orders pick it, otherwise a tie), compared with the label.
/// </summary>
/// <param name="Agreement">Agreed pairs over judged pairs, ties included (MT-Bench's "with tie").</param>
/// <param name="AgreementWithoutTies">The same over pairs where neither the label nor the combined verdict is a tie ("without tie").</param>
/// <param name="LabeledTies">Judged pairs labeled a tie.</param>
/// <param name="JudgedTies">Judged pairs whose combined verdict is a tie.</param>
public sealed record TieAgreement(double? Agreement, int Agreed, int Pairs, double? AgreementWithoutTies, int AgreedWithoutTies, int PairsWithoutTies,
    int LabeledTies, int JudgedTies)
{
    /// <param name="pairs">Each judged pair's label (tie or not) and combined verdict.</param>
    public static TieAgreement Of(IReadOnlyCollection<(bool LabeledTie, Verdict Combined)> pairs)
    {
        static bool Agrees((bool LabeledTie, Verdict Combined) p) => p.LabeledTie ? p.Combined == Verdict.Tie : p.Combined == Verdict.Chosen;
        var decisive = pairs.Where(p => !p.LabeledTie && p.Combined != Verdict.Tie).ToList();
        int agreed = pairs.Count(Agrees), agreedDecisive = decisive.Count(Agrees);
        return new(pairs.Count == 0 ? null : (double)agreed / pairs.Count, agreed, pairs.Count,
            decisive.Count == 0 ? null : (double)agreedDecisive / decisive.Count, agreedDecisive, decisive.Count,
            pairs.Count(p => p.LabeledTie), pairs.Count(p => p.Combined == Verdict.Tie));
    }
}

/// <summary>Base model, the adapter active when evaluating (null: none was) and the candidate, on one evaluation set.</summary>
public sealed record EvaluationSetResult(int Pairs, AccuracyScore Base, AccuracyScore? Active, AccuracyScore Candidate);

/// <param name="ActiveAdapterId">The adapter that was active during evaluation; null: the base model was serving.</param>
/// <param name="HeldOut">The fixed synthetic held-out pairs.</param>
/// <param name="Labeled">The Judge:Evaluation:LabeledSetPath set (RewardBench format), when configured.</param>
public sealed record EvaluationReport(string? ActiveAdapterId, string Mode, EvaluationSetResult HeldOut, EvaluationSetResult? Labeled);

/// <param name="Promoted">The candidate became the active adapter.</param>
/// <param name="Reason">Why it was or was not promoted, with the numbers compared.</param>
/// <param name="Test">The paired significance test on the held-out pairs; null when there was nothing to compare.</param>
/// <param name="Overridden">Promoted by the iteration's <c>"promotion": "always"</c> whatever the test said.</param>
public sealed record PromotionDecision(bool Promoted, string Reason, string AdapterId, string? PreviousAdapterId, double Margin,
    PairedTest? Test = null, bool Overridden = false);
