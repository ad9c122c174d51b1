namespace JudgeApi.Auth;

/// <summary>The <c>Auth</c> configuration section: API keys. With none configured the service binds to loopback only.</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>Keys that may call the judge endpoints.</summary>
    public List<string> ClientKeys { get; set; } = [];

    /// <summary>Keys that may call every endpoint, operator endpoints included.</summary>
    public List<string> OperatorKeys { get; set; } = [];

    public bool Enabled => ClientKeys.Any(k => k.Length > 0) || OperatorKeys.Any(k => k.Length > 0);
}
