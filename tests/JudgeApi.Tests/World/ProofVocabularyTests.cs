using System.Text.RegularExpressions;
using JudgeApi.Judging;
using JudgeApi.Llama;
using JudgeApi.Llama.Gguf;
using JudgeApi.SelfTaught;
using JudgeApi.Tests.SelfTaught;

namespace JudgeApi.Tests.World;

/// <summary>The generated vocabulary as llama.cpp reads it: the ids it gives are the ones BPE with our merges gives, and digits are tokens of their own.</summary>
public sealed partial class ProofVocabularyTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly ByteLevelBpe _bpe = ProofVocabulary.Learn(seed: 11);
    private readonly LlamaModel _model;

    public ProofVocabularyTests()
    {
        var vocabPath = Path.Combine(_dir.Path, "vocab.gguf");
        _bpe.WriteVocabFile(vocabPath);
        var modelPath = Path.Combine(_dir.Path, "model.gguf");
        TestModelWriter.Write(ProofModel.Preset(vocabPath) with { LayerCount = 1 }, new TestModelSpec(), modelPath);
        _model = LlamaModel.Load(modelPath, new ModelOptions { VocabOnly = true });
    }

    public void Dispose()
    {
        _model.Dispose();
        _dir.Dispose();
    }

    /// <summary>Textbook BPE: pre-tokenize as GPT-2 does, then merge the lowest-ranked adjacent pair until none is left.</summary>
    private int[] Reference(string text)
    {
        var ranks = _bpe.Merges.Select((m, i) => (m, i)).ToDictionary(x => x.m, x => x.i);
        var ids = _bpe.Tokens.Select((t, i) => (t, i)).ToDictionary(x => x.t, x => x.i);
        var result = new List<int>();
        foreach (Match piece in GptPieces().Matches(text))
        {
            var symbols = ByteLevelBpe.Spell(piece.Value).Select(c => c.ToString()).ToList();
            while (true)
            {
                var best = Enumerable.Range(0, symbols.Count - 1)
                    .Select(i => (i, rank: ranks.GetValueOrDefault(symbols[i] + " " + symbols[i + 1], int.MaxValue)))
                    .DefaultIfEmpty((i: -1, rank: int.MaxValue)).MinBy(x => x.rank);
                if (best.rank == int.MaxValue)
                    break;
                symbols[best.i] += symbols[best.i + 1];
                symbols.RemoveAt(best.i + 1);
            }
            result.AddRange(symbols.Select(s => ids[s]));
        }
        return [.. result];
    }

    [GeneratedRegex(@"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+")]
    private static partial Regex GptPieces();

    public static TheoryData<string> Texts() =>
    [
        "What is 47 + 38?",
        "Sort these numbers from smallest to largest: 52, 17, 38.",
        "How many minutes are in 17 hours?",
        "What is the capital of Varnia? Tolbek, 9000 and 0.5 apples; naïve café",
        JudgePrompt.Render(new JudgedTexts("What is 7 * 23?", "161", "162"))[0].Content,
        JudgePrompt.Render(new JudgedTexts("What is 7 * 23?", "161", "162"))[1].Content,
        IterationPrompts.ModifyInstruction("Write the digits of 5821 in reverse order."),
        IterationPrompts.Classify("What is 83 - 27?", ProofWorld.Categories),
        JudgePrompt.Completion(JudgePrompt.VerdictText("The correct answer is 161."), "A"),
    ];

    [Theory]
    [MemberData(nameof(Texts))]
    public void Llama_cpp_tokenizes_as_the_merges_say_and_detokenizes_back(string text)
    {
        var tokens = _model.Tokenize(text, addSpecial: false, parseSpecial: false);

        Assert.Equal(Reference(text), tokens);
        Assert.Equal(text, _model.Detokenize(tokens));
    }

    [Fact]
    public void Every_digit_is_a_token_of_its_own()
    {
        var tokens = _model.Tokenize("What is 1234567890 + 47?", addSpecial: false, parseSpecial: false);
        var pieces = tokens.Select(t => _model.TokenToPiece(t)).ToList();

        Assert.All(pieces.Where(p => p.Any(char.IsAsciiDigit)), p => Assert.Matches("^[0-9]$", p));
        Assert.Equal(12, pieces.Count(p => p.Any(char.IsAsciiDigit)));
    }

    [Fact]
    public void The_fixed_prompts_are_about_a_token_a_word_and_chat_markers_are_control_tokens()
    {
        var rubric = JudgePrompt.Render(new JudgedTexts("q", "a", "b"))[0].Content;
        var words = rubric.Split(' ').Length;

        Assert.InRange(_model.Tokenize(rubric, addSpecial: false, parseSpecial: false).Length, words, 1.4 * words);
        Assert.Single(_model.Tokenize("<|im_start|>", addSpecial: false, parseSpecial: true));
        Assert.True(_model.Tokenize("<|im_start|>", addSpecial: false, parseSpecial: false).Length > 1);
        Assert.InRange(_model.VocabSize, 256 + ProofVocabulary.Merges / 2, 256 + ProofVocabulary.Merges + 3);
    }

    [Fact]
    public void A_careful_judgment_and_its_verdict_lead_fit_the_reasoning_budget_the_seed_judge_runs_with()
    {
        // A reasoning cut short by the budget gets its verdict forced before it names the winner: the judge would guess.
        var longest = SeedCorpus.Build(seed: 11, new SeedRecipe(Answers: 0, Modifications: 0, Classifications: 0, Judgments: 2000, CarefulShare: 1, Drills: 0))
            .Max(e => _model.Tokenize(e.Messages[^1].Content[..(e.Messages[^1].Content.LastIndexOf(JudgePrompt.VerdictOpen, StringComparison.Ordinal) + 2)],
                addSpecial: false, parseSpecial: false).Length);

        Assert.InRange(longest, 30, ProofModel.ReasoningTokens - 8);
    }
}
