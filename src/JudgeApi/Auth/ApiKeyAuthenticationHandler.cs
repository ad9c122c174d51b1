using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace JudgeApi.Auth;

/// <summary>
/// Authenticates <c>Authorization: Bearer &lt;key&gt;</c> or <c>X-API-Key: &lt;key&gt;</c> against Auth:ClientKeys and
/// Auth:OperatorKeys (constant-time, over SHA-256 digests so lengths do not leak). With no keys configured the
/// service listens on loopback only and every caller is an operator.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    IOptions<AuthOptions> authOptions) : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, loggerFactory, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-API-Key";

    /// <summary>Claim naming which key called (the first 16 hex digits of its SHA-256, never the key): rate limits are per key.</summary>
    public const string KeyIdClaim = "judgeapi:key-id";

    private readonly byte[][] _clientDigests = Digests(authOptions.Value.ClientKeys);
    private readonly byte[][] _operatorDigests = Digests(authOptions.Value.OperatorKeys);

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!authOptions.Value.Enabled)
            return Task.FromResult(Success("loopback", AuthRoles.Operator, "loopback"));

        var presented = PresentedKey();
        if (presented is null)
            return Task.FromResult(AuthenticateResult.NoResult());

        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        // Check every key without stopping early, so timing says nothing about which list matched.
        var isOperator = Matches(_operatorDigests, digest);
        var isClient = Matches(_clientDigests, digest);
        var keyId = Convert.ToHexStringLower(digest, 0, 8);
        return Task.FromResult(
            isOperator ? Success("operator", AuthRoles.Operator, keyId)
            : isClient ? Success("client", AuthRoles.Client, keyId)
            : AuthenticateResult.Fail("The API key is not valid."));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        return base.HandleChallengeAsync(properties);
    }

    private string? PresentedKey()
    {
        if (Request.Headers.TryGetValue(HeaderName, out var apiKey) && !string.IsNullOrEmpty(apiKey.ToString()))
            return apiKey.ToString();
        var authorization = Request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization["Bearer ".Length..].Trim() : null;
    }

    private AuthenticateResult Success(string name, string role, string keyId)
    {
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, role), new Claim(KeyIdClaim, keyId)], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    private static bool Matches(byte[][] digests, byte[] digest)
    {
        var match = false;
        foreach (var candidate in digests)
            match |= CryptographicOperations.FixedTimeEquals(candidate, digest);
        return match;
    }

    private static byte[][] Digests(IEnumerable<string> keys) =>
        keys.Where(k => k.Length > 0).Select(k => SHA256.HashData(Encoding.UTF8.GetBytes(k))).ToArray();
}
