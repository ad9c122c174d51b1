using System.Text;
using JudgeApi.Llama;

namespace JudgeApi.Judging;

/// <summary>Log-probabilities from raw logits (a log-softmax over the vocabulary), as vLLM and OpenAI report them.</summary>
internal static class TokenLogprobs
{
    public static TokenLogprob Of(LlamaModel model, int token, ReadOnlySpan<float> logits, int top)
    {
        var max = float.NegativeInfinity;
        foreach (var l in logits)
            max = Math.Max(max, l);
        var sum = 0.0;
        foreach (var l in logits)
            sum += Math.Exp(l - max);
        var logZ = max + Math.Log(sum);

        // The `top` largest logits, kept in descending order.
        var best = new List<int>(top + 1);
        for (var id = 0; id < logits.Length && top > 0; id++)
        {
            if (best.Count == top && logits[id] <= logits[best[^1]])
                continue;
            var at = best.Count;
            while (at > 0 && logits[best[at - 1]] < logits[id])
                at--;
            best.Insert(at, id);
            if (best.Count > top)
                best.RemoveAt(top);
        }
        var alternatives = new List<TopLogprob>(best.Count);
        foreach (var id in best)
        {
            var (text, bytes) = Piece(model, id);
            alternatives.Add(new TopLogprob(text, logits[id] - logZ, bytes));
        }
        var (tokenText, tokenBytes) = Piece(model, token);
        return new TokenLogprob(tokenText, logits[token] - logZ, tokenBytes, alternatives);
    }

    private static (string Text, byte[]? Bytes) Piece(LlamaModel model, int token)
    {
        var text = model.TokenToPiece(token);
        return (text, text.Contains('\uFFFD') ? null : Encoding.UTF8.GetBytes(text));
    }
}
