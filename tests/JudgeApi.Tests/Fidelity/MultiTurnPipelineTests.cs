using System.Collections.Concurrent;
using System.Text.Json;
using JudgeApi.Llama;
using JudgeApi.SelfTaught;
using JudgeApi.Tests.SelfTaught;

namespace JudgeApi.Tests.Fidelity;

/// <summary>MT-Bench questions into the pool and multi-turn pairs out of an iteration, on the scripted model.</summary>
public sealed class MultiTurnPipelineTests : IDisposable
{
    private readonly PipelineFixture fixture = new();

    public void Dispose() => fixture.Dispose();

    private static string MtBenchQuestions(int count) => string.Join('\n', Enumerable.Range(1, count).Select(i => JsonSerializer.Serialize(new
    {
        question_id = 80 + i,
        category = i % 2 == 0 ? "math" : "writing",
        turns = new[] { $"Question {i}?", $"Follow-up {i}." },
    })));

    [Fact]
    public void MT_Bench_questions_import_with_their_follow_ups_and_bad_turns_are_refused()
    {
        var parsed = InstructionImportParser.ParseNdjson(MtBenchQuestions(2) + """

            {"question_id": 1, "turns": []}
            {"question_id": 2, "turns": ["ok", 3]}
            {"question_id": 3, "category": "Roleplay", "turns": ["Only one turn."]}
            """);

        Assert.Equal(["Question 1?", "Question 2?", "Only one turn."], parsed.Entries.Select(e => e.Instruction));
        Assert.Equal(["Follow-up 1."], parsed.Entries[0].FollowUps);
        Assert.Equal(("writing", "math", "roleplay"), (parsed.Entries[0].Category, parsed.Entries[1].Category, parsed.Entries[2].Category));
        Assert.Null(parsed.Entries[2].FollowUps);
        Assert.Equal([2, 3], parsed.Rejected.Select(r => r.Index));
        Assert.All(parsed.Rejected, r => Assert.Contains("\"turns\"", r.Reason));
    }

    [Fact]
    public void The_same_first_turn_with_other_follow_ups_is_another_instruction_and_single_turn_hashes_stay()
    {
        var outcome = fixture.Pool.Import(new ImportParseResult(
        [
            new(0, "Write a poem.", null, ["Shorter."]),
            new(1, "Write a poem.", null, ["Longer."]),
            new(2, "Write  a poem.", null, ["Shorter."]),
            new(3, "Write a poem.", null),
            new(4, "Write a poem.", null, [new string('x', 2000)]),
        ], []), new SelfTaughtOptions { MaxInstructionLength = 1000 });

        Assert.Equal((3, 1), (outcome.Added, outcome.Duplicates));
        Assert.Contains("follow-up 1", Assert.Single(outcome.Rejected).Reason);
        var pool = fixture.Pool.Unclassified();
        Assert.Equal(new string[]?[] { ["Shorter."], ["Longer."], null }, pool.Select(i => i.FollowUps?.ToArray()));
        Assert.Equal("Shorter.", pool[0].JudgedInstruction);
        Assert.Equal(InstructionText.Hash("Write a poem."), InstructionText.Hash("Write a poem.", []));
    }

    [Fact]
    public async Task The_generator_answers_the_earlier_turns_first_and_both_responses_continue_that_conversation()
    {
        var asked = new ConcurrentQueue<IReadOnlyList<ChatMessage>>();
        var model = new ScriptedPipelineModel { OnGenerate = asked.Enqueue };

        var synthesis = await new PairSynthesizer(model, 64, 0.7f, modifyAttempts: 1).SynthesizeAsync(5, 11, "Question?", ["Follow-up."], CancellationToken.None);

        Assert.Null(synthesis.DiscardReason);
        Assert.Equal([new HistoryTurn("Question?", "Answer to: Question?")], synthesis.History);
        Assert.Equal(("Variant of: Follow-up.", "Answer to: Follow-up.", "Answer to: Variant of: Follow-up."),
            (synthesis.ModifiedInstruction, synthesis.Chosen, synthesis.Rejected));
        string[] history = ["user: Question?", "assistant: Answer to: Question?"];
        var conversations = asked.Select(m => m.Select(x => $"{x.Role}: {x.Content}").ToArray()).ToList();
        Assert.Contains(conversations, c => c.SequenceEqual([.. history, "user: Follow-up."]));
        Assert.Contains(conversations, c => c.SequenceEqual([.. history, "user: Variant of: Follow-up."]));
        Assert.Contains(conversations, c => c.SequenceEqual(["user: Question?"]));
        Assert.Single(synthesis.Provenance.HistorySeeds!);
        Assert.Equal([ScriptedPipelineModel.Identity], synthesis.Provenance.Generators);
    }

    [Fact]
    public async Task An_iteration_over_MT_Bench_questions_judges_the_last_turn_with_the_shared_history()
    {
        fixture.Pool.Import(InstructionImportParser.ParseNdjson(MtBenchQuestions(6)), new SelfTaughtOptions { MaxInstructionLength = 1000 });
        var judged = new ConcurrentBag<PairToJudge>();
        var model = new ScriptedPipelineModel { JudgeIsWrong = (pair, seed) => { judged.Add(pair); return seed % 4 == 0; } };
        var iteration = fixture.Queue(instructions: 6, judgmentsPerPair: 2);

        await fixture.RunAsync(model, iteration.Id);

        var view = fixture.Store.View(iteration.Id)!;
        Assert.Equal(IterationStage.Done, view.Stage);
        Assert.Equal(6, view.Progress.Pairs);
        Assert.Equal(12, judged.Count);
        Assert.All(judged, pair =>
        {
            Assert.StartsWith("Follow-up ", pair.Instruction);
            var turn = Assert.Single(pair.Earlier!);
            Assert.Equal(pair.Instruction.Replace("Follow-up ", "Question ").Replace(".", "?"), turn.User);
            Assert.Equal(($"Answer to: {turn.User}", $"Answer to: {turn.User}"), (turn.AnswerA, turn.AnswerB));
        });
        Assert.Equal([ScriptedPipelineModel.Identity], view.Generators);
    }
}
