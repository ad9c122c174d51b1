namespace JudgeApi.Judging;

/// <summary>
/// The one rule for text given to the model, whoever sends it (a judge request's fields, an instruction import): a
/// NUL would cut it where the tokenizer reads NUL-terminated UTF-8, and control characters, noncharacters
/// (U+FFFE, U+FFFF, U+FDD0–U+FDEF), U+FFFD (what invalid UTF-8 decodes to) and unpaired surrogates are binary
/// data, not text. Tabs and line breaks are text.
/// </summary>
public static class ModelText
{
    /// <summary>What is wrong with <paramref name="text"/> (to follow the field's name), or null when it is text.</summary>
    public static string? Problem(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                // U+nFFFE and U+nFFFF are noncharacters in every plane.
                if ((char.ConvertToUtf32(c, text[i + 1]) & 0xFFFE) == 0xFFFE)
                    return $"contains binary data: the noncharacter U+{char.ConvertToUtf32(c, text[i + 1]):X} at character {i}";
                i++;
                continue;
            }
            var problem = c switch
            {
                '\t' or '\n' or '\r' => null,
                '\0' => "contains a NUL character",
                _ when char.IsSurrogate(c) => $"contains an unpaired surrogate U+{(int)c:X4}",
                _ when char.IsControl(c) => $"contains binary data: the control character U+{(int)c:X4}",
                '\uFFFD' => "contains binary data or invalid UTF-8: U+FFFD",
                '\uFFFE' or '\uFFFF' or (>= '\uFDD0' and <= '\uFDEF') => $"contains binary data: the noncharacter U+{(int)c:X4}",
                _ => null,
            };
            if (problem is not null)
                return $"{problem} at character {i}";
        }
        return null;
    }
}
