using FluentValidation;
using JudgeApi.Judging;
using JudgeApi.Llama;

namespace JudgeApi.Contracts;

public sealed class JudgeRequestValidator : AbstractValidator<JudgeRequest>
{
    public const int MaxSamples = 32;
    public const int MaxReasoningTokensLimit = 4096;

    /// <summary>Most messages in one conversation (or one side of two).</summary>
    public const int MaxConversationMessages = 64;

    public JudgeRequestValidator()
    {
        // Exactly one shape: instruction + responses, conversation + responses, or conversationA + conversationB.
        var sides = (JudgeRequest r) => r.ConversationA is not null || r.ConversationB is not null;
        var shared = (JudgeRequest r) => r.Conversation is not null;

        RuleFor(r => r.Instruction).NotEmpty().MustBeTextForTheModel().When(r => !sides(r) && !shared(r));
        RuleFor(r => r.Instruction).Null()
            .WithMessage("'{PropertyName}' must not be given with a conversation: its last user message is what the responses answer.")
            .When(r => sides(r) || shared(r));
        RuleFor(r => r.ResponseA).NotEmpty().MustBeTextForTheModel().When(r => !sides(r));
        RuleFor(r => r.ResponseB).NotEmpty().MustBeTextForTheModel().When(r => !sides(r));
        RuleFor(r => r.ResponseA).Null().WithMessage("'{PropertyName}' must not be given with conversationA and conversationB: each side's last message is its answer.")
            .When(sides);
        RuleFor(r => r.ResponseB).Null().WithMessage("'{PropertyName}' must not be given with conversationA and conversationB: each side's last message is its answer.")
            .When(sides);
        RuleFor(r => r.Conversation).Null().WithMessage("'{PropertyName}' must not be given with conversationA and conversationB.").When(sides);

        RuleFor(r => r.Conversation).Conversation(JudgedConversation.SharedProblem).When(r => shared(r) && !sides(r));
        RuleFor(r => r.ConversationA).NotNull().WithMessage("'{PropertyName}' is required with conversationB.").Conversation(JudgedConversation.SideProblem).When(sides);
        RuleFor(r => r.ConversationB).NotNull().WithMessage("'{PropertyName}' is required with conversationA.").Conversation(JudgedConversation.SideProblem).When(sides);
        RuleFor(r => r.ConversationB).Custom((b, context) =>
        {
            var a = context.InstanceToValidate.ConversationA;
            if (!IsWellFormed(a, JudgedConversation.SideProblem) || !IsWellFormed(b, JudgedConversation.SideProblem))
                return;
            if (JudgedConversation.SidesMismatch(ConversationMessage.ToChat(a!), ConversationMessage.ToChat(b!)) is { } problem)
                context.AddFailure(MessageName(context.PropertyPath, problem), $"'{MessageName(context.PropertyPath, problem)}' {problem.Message}.");
        }).When(sides);

        RuleFor(r => r.Criteria).MustBeTextForTheModel();
        RuleFor(r => r.Mode).Must(JudgeModes.IsValid)
            .WithMessage($"'{{PropertyName}}' must be '{JudgeModes.Reasoning}' or '{JudgeModes.Direct}'.");
        RuleFor(r => r.Samples).InclusiveBetween(1, MaxSamples);
        RuleFor(r => r.MaxReasoningTokens).InclusiveBetween(1, MaxReasoningTokensLimit);
        RuleFor(r => r.Temperature).InclusiveBetween(0, 2);
    }

    /// <summary>Each message present with a known role and text, and the shape <paramref name="problem"/> checks.</summary>
    internal static bool IsWellFormed(List<ConversationMessage?>? messages, Func<IReadOnlyList<ChatMessage>, JudgedConversation.Problem?> problem) =>
        messages is { Count: > 0 and <= MaxConversationMessages }
        && messages.All(m => m is { Role: not null } && !string.IsNullOrWhiteSpace(m.Content) && ModelText.Problem(m.Content) is null)
        && problem(ConversationMessage.ToChat(messages)) is null;

    /// <summary>The field a problem is reported under: the list, one message, or one of its fields.</summary>
    internal static string MessageName(string list, JudgedConversation.Problem problem) =>
        (problem.Index is { } index ? $"{list}[{index}]" : list) + (problem.Field is null ? "" : "." + problem.Field);
}

internal static class TextRules
{
    /// <summary>The model's one text rule (<see cref="ModelText"/>), which instruction imports follow too.</summary>
    public static IRuleBuilderOptions<T, string?> MustBeTextForTheModel<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(text => text is null || ModelText.Problem(text) is null)
            .WithMessage((_, text) => $"'{{PropertyName}}' {ModelText.Problem(text!)}.");

    /// <summary>
    /// A conversation's messages: each one an object with a role and non-empty text (by <see cref="ModelText"/>), at most
    /// <see cref="JudgeRequestValidator.MaxConversationMessages"/> of them, in the order <paramref name="shape"/> asks;
    /// every failure is reported under the message's own name (e.g. conversation[2].role).
    /// </summary>
    public static IRuleBuilderOptionsConditions<T, List<ConversationMessage?>?> Conversation<T>(this IRuleBuilder<T, List<ConversationMessage?>?> rule,
        Func<IReadOnlyList<ChatMessage>, JudgedConversation.Problem?> shape) =>
        rule.Custom((messages, context) =>
        {
            if (messages is null)
                return;
            var name = context.PropertyPath;
            if (messages.Count > JudgeRequestValidator.MaxConversationMessages)
            {
                context.AddFailure(name, $"'{name}' must hold at most {JudgeRequestValidator.MaxConversationMessages} messages; it holds {messages.Count}.");
                return;
            }
            var wellFormed = true;
            for (var i = 0; i < messages.Count; i++)
            {
                var message = messages[i];
                if (message is null)
                {
                    context.AddFailure($"{name}[{i}]", $"'{name}[{i}]' must be a message object with role and content.");
                    wellFormed = false;
                    continue;
                }
                if (message.Role is not (JudgedConversation.User or JudgedConversation.Assistant))
                {
                    context.AddFailure($"{name}[{i}].role", $"'{name}[{i}].role' must be '{JudgedConversation.User}' or '{JudgedConversation.Assistant}'.");
                    wellFormed = false;
                }
                if (string.IsNullOrWhiteSpace(message.Content))
                {
                    context.AddFailure($"{name}[{i}].content", $"'{name}[{i}].content' must be non-empty text.");
                    wellFormed = false;
                }
                else if (ModelText.Problem(message.Content) is { } bad)
                {
                    context.AddFailure($"{name}[{i}].content", $"'{name}[{i}].content' {bad}.");
                    wellFormed = false;
                }
            }
            if (wellFormed && shape(ConversationMessage.ToChat(messages)) is { } problem)
                context.AddFailure(JudgeRequestValidator.MessageName(name, problem), $"'{JudgeRequestValidator.MessageName(name, problem)}' {problem.Message}.");
        });
}
