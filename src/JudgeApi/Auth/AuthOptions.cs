using System.ComponentModel.DataAnnotations;

namespace JudgeApi.Auth;

/// <summary>The <c>Auth</c> configuration section: API keys and console sessions. With no keys the service binds to loopback only.</summary>
public sealed class AuthOptions : IValidatableObject
{
    public const string Section = "Auth";

    /// <summary>Keys that may call the judge endpoints.</summary>
    public List<ApiKey> ClientKeys { get; set; } = [];

    /// <summary>Keys that may call every endpoint, operator endpoints included, and sign in to the console.</summary>
    public List<ApiKey> OperatorKeys { get; set; } = [];

    /// <summary>How long a console session lasts after sign-in, in minutes (then the operator signs in again).</summary>
    [Range(1, 7 * 24 * 60, ErrorMessage = "must be between 1 and 10080 minutes")]
    public int SessionMinutes { get; set; } = 8 * 60;

    public bool Enabled => Keys().Any();

    /// <summary>Every non-empty key with its name: given, or the list's role and the 1-based position.</summary>
    public IEnumerable<NamedKey> Keys() =>
        Named(OperatorKeys, AuthRoles.Operator).Concat(Named(ClientKeys, AuthRoles.Client));

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Keys().GroupBy(k => k.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } duplicate)
            yield return new ValidationResult(
                $"the key name '{duplicate.Key}' is given to more than one key of Auth:OperatorKeys and Auth:ClientKeys; each key needs its own name (the audit log shows it)");
    }

    private static IEnumerable<NamedKey> Named(List<ApiKey> keys, string role) =>
        keys.Select((k, i) => (k, i)).Where(e => e.k.Key.Length > 0)
            .Select(e => new NamedKey(string.IsNullOrWhiteSpace(e.k.Name) ? $"{role}-{e.i + 1}" : e.k.Name.Trim(), e.k.Key, role));
}
