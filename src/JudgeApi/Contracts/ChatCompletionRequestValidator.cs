using FluentValidation;
using JudgeApi.Judging;

namespace JudgeApi.Contracts;

/// <summary>OpenAI's limits on a chat completion request; errors name the snake_case field, as OpenAI's <c>param</c> does.</summary>
public sealed class ChatCompletionRequestValidator : AbstractValidator<ChatCompletionRequest>
{
    public const int MaxChoices = 8;
    public const int MaxStops = 4;
    public static readonly string[] Roles = ["system", "developer", "user", "assistant"];

    public ChatCompletionRequestValidator()
    {
        RuleFor(r => r.Model).NotEmpty().OverridePropertyName("model");
        RuleFor(r => r.Messages).NotEmpty().OverridePropertyName("messages");
        RuleForEach(r => r.Messages).ChildRules(message =>
        {
            message.RuleFor(m => m).NotNull().WithMessage("must be a message object").OverridePropertyName("");
            message.RuleFor(m => m!.Role).Must(role => Roles.Contains(role)).WithMessage($"must be one of {string.Join(", ", Roles)}")
                .OverridePropertyName("role").When(m => m is not null);
            message.RuleFor(m => m!.Content).NotNull().MustBeTextForTheModel().OverridePropertyName("content").When(m => m is not null);
        }).OverridePropertyName("messages");
        RuleFor(r => r.MaxTokens).GreaterThanOrEqualTo(1).OverridePropertyName("max_tokens");
        RuleFor(r => r.MaxCompletionTokens).GreaterThanOrEqualTo(1).OverridePropertyName("max_completion_tokens");
        RuleFor(r => r.Temperature).InclusiveBetween(0, 2).OverridePropertyName("temperature");
        RuleFor(r => r.TopP).GreaterThan(0).LessThanOrEqualTo(1).OverridePropertyName("top_p");
        RuleFor(r => r.N).InclusiveBetween(1, MaxChoices).OverridePropertyName("n");
        RuleFor(r => r.Stop!.Count).LessThanOrEqualTo(MaxStops).OverridePropertyName("stop").When(r => r.Stop is not null);
        RuleForEach(r => r.Stop).NotEmpty().MustBeTextForTheModel().OverridePropertyName("stop");
        RuleFor(r => r.TopLogprobs).InclusiveBetween(0, CompletionRequest.MaxTopLogprobs).OverridePropertyName("top_logprobs");
        RuleFor(r => r.TopLogprobs).Null().When(r => r.Logprobs != true).WithMessage("needs logprobs: true").OverridePropertyName("top_logprobs");
    }
}
