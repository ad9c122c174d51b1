using System.ComponentModel.DataAnnotations;

namespace JudgeApi.Auth;

/// <summary>The <c>Auth</c> configuration section: API keys. With none configured the service binds to loopback only.</summary>
public sealed class AuthOptions : IValidatableObject
{
    public const string Section = "Auth";

    /// <summary>Keys that may call the judge endpoints.</summary>
    public List<string> ClientKeys { get; set; } = [];

    /// <summary>Keys that may call every endpoint, operator endpoints included.</summary>
    public List<string> OperatorKeys { get; set; } = [];

    public bool Enabled => ClientKeys.Any(k => k.Length > 0) || OperatorKeys.Any(k => k.Length > 0);

    /// <summary>A key that could never match (blank, or spaces a Bearer header trims away), or one in both lists (which role?), is a mistake to report.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (list, keys) in new[] { (nameof(ClientKeys), ClientKeys), (nameof(OperatorKeys), OperatorKeys) })
        {
            for (var i = 0; i < keys.Count; i++)
            {
                if (string.IsNullOrWhiteSpace(keys[i]))
                    yield return new ValidationResult($"has an empty entry {i}; remove it or set a key", [list]);
                else if (keys[i].Trim() != keys[i])
                    yield return new ValidationResult($"has entry {i} starting or ending with white space, which a Bearer header cannot carry", [list]);
            }
        }
        if (ClientKeys.Intersect(OperatorKeys, StringComparer.Ordinal).Any(k => k.Length > 0))
            yield return new ValidationResult("has a key that is also in Auth:ClientKeys; give each key one role", [nameof(OperatorKeys)]);
    }
}
