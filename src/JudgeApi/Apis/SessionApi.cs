using JudgeApi.Auth;
using JudgeApi.Contracts;
using JudgeApi.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace JudgeApi.Apis;

/// <summary>Console sign-in with an operator key, who is signed in, and sign-out (see <see cref="SessionCookie"/>).</summary>
public static class SessionApi
{
    public static RouteGroupBuilder MapSessionApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/session").WithTags("Session");
        group.MapPost("/", SignInAsync).AllowAnonymous().AddEndpointFilter<ValidationFilter<SessionRequest>>().ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("Sign in to the console with an operator key: sets an HttpOnly, SameSite=Strict session cookie; the answer holds the CSRF token.");
        // Anonymous, so that the console can ask before signing in without its first request failing.
        group.MapGet("/", Current).AllowAnonymous()
            .WithSummary("Who is signed in (via \"none\" when nobody is), until when, and the X-CSRF-Token that state-changing calls with the cookie must send.");
        group.MapPost("/sign-out", (Func<HttpContext, Task<NoContent>>)SignOutAsync).AllowAnonymous()
            .WithSummary("End the console session (the cookie is cleared).");
        return group;
    }

    private static async Task<Results<Ok<SessionView>, ProblemHttpResult>> SignInAsync(SessionRequest request, KeyRing keys, IOptions<AuthOptions> options,
        HttpContext http)
    {
        if (!keys.Enabled)
            return TypedResults.Ok(Loopback);
        switch (keys.Match(request.Key!))
        {
            case null:
                return TypedResults.Problem("The key is not valid.", statusCode: StatusCodes.Status401Unauthorized, title: "Sign-in failed");
            case { Role: not AuthRoles.Operator }:
                return TypedResults.Problem("A client key cannot open the console: sign in with an operator key (Auth:OperatorKeys).",
                    statusCode: StatusCodes.Status403Forbidden, title: "Sign-in refused");
            case { } key:
                var (expiresAt, csrf) = await SessionCookie.SignInAsync(http, key, TimeSpan.FromMinutes(options.Value.SessionMinutes));
                return TypedResults.Ok(new SessionView(key.Name, AuthRoles.Operator, "session", expiresAt, csrf));
        }
    }

    private static Ok<SessionView> Current(HttpContext http, KeyRing keys)
    {
        var user = http.User;
        var role = user.IsInRole(AuthRoles.Operator) ? AuthRoles.Operator : user.IsInRole(AuthRoles.Client) ? AuthRoles.Client : null;
        return TypedResults.Ok(
            !keys.Enabled ? Loopback
            : user.Identity is not { IsAuthenticated: true, Name: { } name } ? new SessionView(null, null, "none", null, null)
            : SessionCookie.IsSession(user) ? new SessionView(name, role, "session", SessionCookie.ExpiresAt(user), SessionCookie.CsrfToken(user))
            : new SessionView(name, role, "key", null, null));
    }

    private static async Task<NoContent> SignOutAsync(HttpContext http)
    {
        await http.SignOutAsync(SessionCookie.Scheme);
        return TypedResults.NoContent();
    }

    private static SessionView Loopback { get; } = new(ApiKeyAuthenticationHandler.LoopbackName, AuthRoles.Operator, "loopback", null, null);
}
