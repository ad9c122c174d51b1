using JudgeApi.SelfTaught;
using JudgeApi.Tests.Cli;

namespace JudgeApi.Tests.World;

/// <summary>The answer probe trains on right answers of the named families only, none of them a question of the labeled or dev half.</summary>
public sealed class AnswerProbeTests
{
    [Fact]
    public void Cases_are_right_answers_of_the_named_families_in_turn_and_never_a_labeled_question()
    {
        var families = new[] { "addition", "multiplication" }.Select(ProofWorld.Family).ToList();
        var examples = AnswerProbe.Examples(families, 600, new Random(5));
        var labeledOnly = ProofWorld.LabeledSet(seed: 2, count: 600).Select(p => p.Prompt)
            .Concat(ProofWorld.DevQuestions(seed: 2, count: 400).Select(q => q.Instruction)).ToHashSet();

        Assert.Equal(600, examples.Count);
        for (var i = 0; i < examples.Count; i++)
        {
            var (user, assistant) = (examples[i].Messages[0], examples[i].Messages[1]);
            Assert.Equal(("user", "assistant"), (user.Role, assistant.Role));
            Assert.Equal(ProofWorldTests.Solve(user.Content), assistant.Content);
            Assert.Equal(i % 2 == 0 ? "+" : "*", user.Content.Contains('+') ? "+" : user.Content.Contains('*') ? "*" : "?");
            Assert.DoesNotContain(user.Content, labeledOnly);
        }
    }

    [Fact]
    public async Task The_command_refuses_an_unknown_family_before_training()
    {
        var (exitCode, errors) = await HostCommand.RunAsync(null, "probe-proof-model", "--task", "answers", "--families", "addition,poetry");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("poetry", errors);
    }
}
