using System.Security.Cryptography;
using System.Text;
using JudgeApi.Judging;

namespace JudgeApi.SelfTaught;

/// <summary>Validation, normalisation and the dedupe hash of pool instructions.</summary>
public static class InstructionText
{
    /// <summary>Collapses every whitespace run to one space and trims, so formatting-only variants hash alike.</summary>
    public static string Normalize(string text)
    {
        var builder = new StringBuilder(text.Length);
        var pendingSpace = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                pendingSpace = builder.Length > 0;
                continue;
            }
            if (pendingSpace)
                builder.Append(' ');
            pendingSpace = false;
            builder.Append(c);
        }
        return builder.ToString();
    }

    /// <summary>
    /// The dedupe hash: of the normalised text, or for a multi-turn instruction of all its turns (so that two MT-Bench
    /// questions with the same first turn stay apart, and a single-turn instruction keeps the hash it always had).
    /// </summary>
    public static string Hash(string text, IReadOnlyList<string>? followUps = null) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(followUps is { Count: > 0 }
            ? string.Join(TurnSeparator, followUps.Prepend(text).Select(Normalize))
            : Normalize(text))));

    // A control character never survives validation, so no instruction's text can contain it.
    private const string TurnSeparator = "";

    /// <summary>Why <paramref name="text"/> cannot enter the pool, or null when it can.</summary>
    public static string? RejectionReason(string text, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(text))
            return "empty instruction";
        if (text.Length > maxLength)
            return $"instruction is {text.Length} characters long; the limit is {maxLength} (Judge:SelfTaught:MaxInstructionLength)";
        return ModelText.Problem(text) is { } problem ? "instruction " + problem : null;
    }
}
