using JudgeApi.SelfTaught;

namespace JudgeApi.Tests.SelfTaught;

public sealed class InstructionPoolTests : IDisposable
{
    private static readonly SelfTaughtOptions Limit100 = new() { MaxInstructionLength = 100 };

    private readonly TempDirectory directory = new();
    private readonly InstructionPool pool;

    public InstructionPoolTests() => pool = new InstructionPool(new SelfTaughtDatabase(directory.Path, TimeProvider.System), TimeProvider.System);

    public void Dispose() => directory.Dispose();

    private ImportOutcome Import(params string[] instructions) =>
        pool.Import(new ImportParseResult(instructions.Select((t, i) => new ImportedInstruction(i, t, null)).ToList(), []), Limit100);

    [Fact]
    public void ExactAndWhitespaceVariantsAreDuplicatesWithinAndAcrossImports()
    {
        var first = Import("Explain  recursion.", "Explain recursion.", "  Explain\nrecursion. ", "Explain Recursion.");
        var second = Import("Explain\trecursion.", "Something new");

        Assert.Equal((2, 2), (first.Added, first.Duplicates));
        Assert.Equal((1, 1), (second.Added, second.Duplicates));
        Assert.Equal(3, pool.Stats().Total);
    }

    [Fact]
    public void EmptyOverLongAndBinaryEntriesAreRejectedWithReasons()
    {
        var outcome = Import("ok", "   ", new string('x', 101), "bad\u0001byte", "bad \uFFFD utf8", "tabs\tand\nnewlines are fine");

        Assert.Equal(2, outcome.Added);
        Assert.Equal([1, 2, 3, 4], outcome.Rejected.Select(r => r.Index));
        Assert.Equal("empty instruction", outcome.Rejected[0].Reason);
        Assert.Contains("101 characters", outcome.Rejected[1].Reason);
        Assert.Contains("binary", outcome.Rejected[2].Reason);
        Assert.Contains("binary", outcome.Rejected[3].Reason);
    }

    [Fact]
    public void ParserRejectionsAreReportedInIndexOrderWithValidationOnes()
    {
        var parsed = new ImportParseResult([new ImportedInstruction(0, "", null), new ImportedInstruction(2, "fine", null)], [new ImportRejection(1, "line is not JSON")]);

        var outcome = pool.Import(parsed, Limit100);

        Assert.Equal([0, 1], outcome.Rejected.Select(r => r.Index));
        Assert.Equal(1, outcome.Added);
    }

    [Fact]
    public void StatsCountByCategoryAndUnclassified()
    {
        pool.Import(new ImportParseResult([new(0, "a", "math"), new(1, "b", "math"), new(2, "c", "coding"), new(3, "d", null)], []), Limit100);
        pool.SetCategory(pool.Unclassified().Single().Id, "writing", "test", ScriptedPipelineModel.Identity);
        Import("e");

        var stats = pool.Stats();

        Assert.Equal(5, stats.Total);
        Assert.Equal(1, stats.Unclassified);
        Assert.Equal(new Dictionary<string, int> { ["coding"] = 1, ["math"] = 2, ["writing"] = 1 }, stats.ByCategory);
    }
}
