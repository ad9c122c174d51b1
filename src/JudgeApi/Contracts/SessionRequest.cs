using FluentValidation;

namespace JudgeApi.Contracts;

/// <summary>Body of <c>POST /session</c>: sign in to the console with an operator key.</summary>
/// <param name="Key">An Auth:OperatorKeys key.</param>
public sealed record SessionRequest(string? Key);

/// <summary>Who is signed in, until when, and the token that state-changing calls must send as <c>X-CSRF-Token</c>.</summary>
/// <param name="Name">The key's name (null when nobody is signed in).</param>
/// <param name="Role">"operator" or "client" (null when nobody is signed in); only operators can use the console.</param>
/// <param name="Via">"session" (cookie), "key" (an API key header), "loopback" (no keys configured: no sign-in needed) or "none" (sign in first).</param>
/// <param name="ExpiresAt">When the session ends (null when not a session).</param>
/// <param name="CsrfToken">Send as the X-CSRF-Token header with every POST/DELETE made with the session cookie (null when not a session).</param>
public sealed record SessionView(string? Name, string? Role, string Via, DateTimeOffset? ExpiresAt, string? CsrfToken);

public sealed class SessionRequestValidator : AbstractValidator<SessionRequest>
{
    public SessionRequestValidator() => RuleFor(r => r.Key).NotEmpty().MaximumLength(4096);
}
