using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace JudgeApi.Auth;

/// <summary>
/// Console sessions: signing in with an operator key sets an HttpOnly, SameSite=Strict cookie (encrypted by ASP.NET
/// Core data protection) that names the key, expires after <see cref="AuthOptions.SessionMinutes"/>, and ends as soon
/// as its key is no longer configured. Each session carries its own CSRF token (<see cref="CsrfProtection"/>).
/// </summary>
public static class SessionCookie
{
    public const string Scheme = "Session";

    /// <summary>The default scheme: an API key when the request carries one (or no keys are configured), else the session cookie.</summary>
    public const string KeyOrSession = "KeyOrSession";

    public const string CookieName = "judgeapi-session";

    private const string FingerprintClaim = "judgeapi:key", CsrfClaim = "judgeapi:csrf", ExpiresClaim = "judgeapi:expires";

    public static AuthenticationBuilder AddSessionCookie(this AuthenticationBuilder builder)
    {
        builder.AddPolicyScheme(KeyOrSession, "API key or console session", o =>
        {
            o.ForwardDefaultSelector = context =>
                !context.RequestServices.GetRequiredService<KeyRing>().Enabled || ApiKeyAuthenticationHandler.HasKey(context.Request)
                    ? ApiKeyAuthenticationHandler.SchemeName
                    : Scheme;
            // Challenges and refusals answer as they always have: 401 with WWW-Authenticate: Bearer, or 403; never a redirect.
            o.ForwardChallenge = ApiKeyAuthenticationHandler.SchemeName;
            o.ForwardForbid = ApiKeyAuthenticationHandler.SchemeName;
        });
        builder.AddCookie(Scheme);
        builder.Services.AddOptions<CookieAuthenticationOptions>(Scheme).Configure<IOptions<AuthOptions>>((o, auth) =>
        {
            o.Cookie.Name = CookieName;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.Cookie.Path = "/";
            o.ExpireTimeSpan = TimeSpan.FromMinutes(auth.Value.SessionMinutes);
            o.SlidingExpiration = false;
            o.Events.OnValidatePrincipal = ValidateAsync;
        });
        return builder;
    }

    /// <summary>Signs the operator in: a fresh CSRF token, the key's fingerprint and the expiry go into the cookie.</summary>
    public static async Task<(DateTimeOffset ExpiresAt, string CsrfToken)> SignInAsync(HttpContext http, NamedKey key, TimeSpan lifetime)
    {
        var expiresAt = DateTimeOffset.UtcNow.Add(lifetime);
        var csrf = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var identity = new ClaimsIdentity(
        [
            new Claim(ClaimTypes.Name, key.Name),
            new Claim(ClaimTypes.Role, AuthRoles.Operator),
            new Claim(FingerprintClaim, KeyRing.Fingerprint(key)),
            new Claim(CsrfClaim, csrf),
            new Claim(ExpiresClaim, expiresAt.ToString("O")),
        ], Scheme);
        await http.SignInAsync(Scheme, new ClaimsPrincipal(identity),
            new AuthenticationProperties { IsPersistent = true, ExpiresUtc = expiresAt, AllowRefresh = false });
        return (expiresAt, csrf);
    }

    /// <summary>True when the caller was authenticated by a session cookie (not a key header).</summary>
    public static bool IsSession(ClaimsPrincipal user) => user.Identity is { IsAuthenticated: true, AuthenticationType: Scheme };

    public static string? CsrfToken(ClaimsPrincipal user) => user.FindFirstValue(CsrfClaim);

    public static DateTimeOffset? ExpiresAt(ClaimsPrincipal user) =>
        user.FindFirstValue(ExpiresClaim) is { } value ? DateTimeOffset.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : null;

    /// <summary>Ends a session whose key was removed or replaced in the configuration since sign-in.</summary>
    private static Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var user = context.Principal;
        var keys = context.HttpContext.RequestServices.GetRequiredService<KeyRing>();
        if (user?.Identity?.Name is not { } name || user.FindFirstValue(FingerprintClaim) is not { } fingerprint
            || keys.OperatorByFingerprint(name, fingerprint) is null)
            context.RejectPrincipal();
        return Task.CompletedTask;
    }
}
