using JudgeApi.SelfTaught;
using JudgeApi.Tests.Cli;

namespace JudgeApi.Tests.World;

/// <summary>The equality probe's cases hold exactly one copy of the reference, mostly against a near miss, and are marked by it.</summary>
public sealed class EqualityProbeTests
{
    [Fact]
    public void Exactly_one_answer_is_the_reference_and_the_completion_marks_each_by_equality()
    {
        var cases = EqualityProbe.Cases(digits: 4, count: 2000, new Random(3));

        Assert.Equal(cases, EqualityProbe.Cases(digits: 4, count: 2000, new Random(3)));
        foreach (var c in cases)
        {
            Assert.True(c.A == c.Reference ^ c.B == c.Reference, $"{c.Reference}: {c.A} / {c.B}");
            Assert.InRange(int.Parse(c.Reference), 1, 9999);
            var (a, b) = (c.A == c.Reference ? "right" : "wrong", c.B == c.Reference ? "right" : "wrong");
            Assert.Equal($"A is {a}. B is {b}.", c.Completion);
            Assert.Equal($"Reference: {c.Reference}\nA: {c.A}\nB: {c.B}", Assert.Single(c.Prompt).Content);
            if (c.NearMiss)
            {
                // One more or less, or one digit changed or two neighbours swapped (the same length, at most two positions differ).
                var other = c.A == c.Reference ? c.B : c.A;
                Assert.True(Math.Abs(int.Parse(other) - int.Parse(c.Reference)) == 1
                    || (other.Length == c.Reference.Length && other.Zip(c.Reference).Count(p => p.First != p.Second) <= 2), $"{c.Reference} / {other}");
            }
        }
        Assert.InRange(cases.Average(c => c.A == c.Reference ? 1.0 : 0.0), 0.45, 0.55);
        Assert.InRange(cases.Average(c => c.NearMiss ? 1.0 : 0.0), 0.75, 0.85);
    }

    [Fact]
    public void One_digit_numbers_have_no_near_misses()
    {
        Assert.All(EqualityProbe.Cases(digits: 1, count: 200, new Random(4)), c => Assert.False(c.NearMiss));
    }

    [Fact]
    public async Task The_command_refuses_digits_out_of_range_before_training()
    {
        var (exitCode, errors) = await HostCommand.RunAsync(null, "probe-proof-model", "--digits", "9");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("--digits", errors);
    }
}
