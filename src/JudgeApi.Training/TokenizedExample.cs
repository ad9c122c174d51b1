namespace JudgeApi.Training;

/// <summary>
/// One training sequence: the rendered prompt followed by the target (assistant content + end of turn). The loss
/// covers the target tokens only: the logits at positions PromptLength-1 .. Tokens.Length-2.
/// </summary>
/// <param name="TruncatedPromptTokens">Prompt tokens dropped from the front to fit the maximum sequence length.</param>
public sealed record TokenizedExample(int[] Tokens, int PromptLength, int TruncatedPromptTokens)
{
    public int TargetLength => Tokens.Length - PromptLength;
}
