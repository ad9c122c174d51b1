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

    public static string Hash(string text) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Normalize(text))));

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
