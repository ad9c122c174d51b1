namespace JudgeApi.Llama;

/// <summary>A piece of a prompt to tokenize: raw text, or (when <see cref="Special"/> is set) one special token.</summary>
internal readonly record struct PromptFragment(string Text, SpecialToken? Special)
{
    public static PromptFragment Raw(string text) => new(text, null);
}

/// <summary>
/// Splits a chat template's own text at the special tokens in it, as llama.cpp's tokenizer does when it parses special
/// tokens (<c>tokenizer_st_partition</c>: each token in turn, longest first, at every occurrence, stripping the
/// whitespace beside tokens marked lstrip/rstrip). Only template text goes through here; message contents never do,
/// so no message can write a control token.
/// </summary>
internal static class TemplateFragments
{
    public static List<PromptFragment> Split(string text, IReadOnlyList<SpecialToken> specials)
    {
        var fragments = new List<PromptFragment> { PromptFragment.Raw(text) };
        foreach (var special in specials)
        {
            if (!text.Contains(special.Text, StringComparison.Ordinal))
                continue;
            for (var i = 0; i < fragments.Count; i++)
            {
                if (fragments[i].Special is not null)
                    continue;
                var parts = SplitAt(fragments[i].Text, special);
                if (parts is null)
                    continue;
                fragments.RemoveAt(i);
                fragments.InsertRange(i, parts);
                i += parts.Count - 1;
            }
        }
        return fragments;
    }

    /// <summary>Raw text split at every occurrence of one special token; null when it has none.</summary>
    private static List<PromptFragment>? SplitAt(string raw, SpecialToken special)
    {
        var found = raw.IndexOf(special.Text, StringComparison.Ordinal);
        if (found < 0)
            return null;
        var parts = new List<PromptFragment>();
        var rest = raw;
        while (found >= 0)
        {
            var left = rest[..found];
            if (special.LeftStrip)
                left = left.TrimEnd(CWhitespace);
            if (left.Length > 0)
                parts.Add(PromptFragment.Raw(left));
            parts.Add(new PromptFragment(special.Text, special));
            rest = rest[(found + special.Text.Length)..];
            if (special.RightStrip)
                rest = rest.TrimStart(CWhitespace);
            found = rest.IndexOf(special.Text, StringComparison.Ordinal);
        }
        if (rest.Length > 0)
            parts.Add(PromptFragment.Raw(rest));
        return parts;
    }

    /// <summary>
    /// Joins neighbouring raw fragments (template text and message contents tokenize together, in one pass, as in the
    /// rendered text) and strips the whitespace a neighbouring lstrip/rstrip token eats.
    /// </summary>
    public static List<PromptFragment> Merge(IEnumerable<PromptFragment> fragments)
    {
        var merged = new List<PromptFragment>();
        foreach (var fragment in fragments)
        {
            if (fragment.Special is null && merged.Count > 0 && merged[^1].Special is null)
                merged[^1] = PromptFragment.Raw(merged[^1].Text + fragment.Text);
            else
                merged.Add(fragment);
        }
        for (var i = 0; i < merged.Count; i++)
        {
            if (merged[i].Special is not null)
                continue;
            var text = merged[i].Text;
            if (i > 0 && merged[i - 1].Special!.RightStrip)
                text = text.TrimStart(CWhitespace);
            if (i + 1 < merged.Count && merged[i + 1].Special!.LeftStrip)
                text = text.TrimEnd(CWhitespace);
            merged[i] = PromptFragment.Raw(text);
        }
        merged.RemoveAll(f => f.Special is null && f.Text.Length == 0);
        return merged;
    }

    /// <summary>What C's isspace calls whitespace (llama.cpp strips with it).</summary>
    public static readonly char[] CWhitespace = [' ', '\t', '\n', '\v', '\f', '\r'];
}
