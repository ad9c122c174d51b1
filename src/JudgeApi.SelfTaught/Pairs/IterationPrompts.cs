namespace JudgeApi.SelfTaught;

/// <summary>
/// The prompts iterations make pairs and classify instructions with. Each has a version stored with what it
/// produced; change the version with the wording.
/// </summary>
public static class IterationPrompts
{
    /// <summary>y_w and y_l are the model's plain answers: the instruction is the whole user turn.</summary>
    public const string ResponseVersion = "respond/v1";

    public const string ModifyVersion = "modify-instruction/v1";

    public const string ClassifyVersion = "classify/v1";

    public static string Response(string instruction) => instruction;

    /// <summary>Asks for x': close to x in topic and form, but asking for something else, so y_l is a worse answer to x.</summary>
    public static string ModifyInstruction(string instruction) => $"""
        Here is an instruction a user gave to an AI assistant:

        <instruction>
        {instruction}
        </instruction>

        Write a different instruction on the same topic and in the same style. It must look similar at a glance but ask for
        something else: change a requirement, a constraint, a quantity or the exact question, so that a perfect answer to
        your instruction would be a noticeably worse answer to the original one. Do not answer either instruction.
        Reply with the new instruction only, with no label, preamble or quotes.
        """;

    public static string Classify(string instruction, IReadOnlyList<string> categories) => $"""
        Which category fits this instruction best? Categories: {string.Join(", ", categories)}.

        <instruction>
        {instruction}
        </instruction>

        Answer with the category name only.
        """;

    /// <summary>GBNF allowing exactly one of the category names (validated as [a-z0-9_-]+ by the options).</summary>
    public static string CategoryGrammar(IReadOnlyList<string> categories) =>
        "root ::= " + string.Join(" | ", categories.Select(c => $"\"{c}\""));
}
