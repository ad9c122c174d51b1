using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace JudgeApi.Auth;

/// <summary>
/// The configured keys, compared in constant time over SHA-256 digests (so neither timing nor length says which key,
/// or which list, matched). An operator key wins when the same key is in both lists.
/// </summary>
public sealed class KeyRing(IOptions<AuthOptions> options)
{
    private readonly (NamedKey Key, byte[] Digest)[] keys = options.Value.Keys().Select(k => (k, Digest(k.Key))).ToArray();

    /// <summary>False: no keys are configured, the service listens on loopback only and every caller is an operator.</summary>
    public bool Enabled { get; } = options.Value.Enabled;

    public NamedKey? Match(string presented)
    {
        var digest = Digest(presented);
        NamedKey? operatorMatch = null, clientMatch = null;
        // Every key is compared, without stopping at a match.
        foreach (var (key, candidate) in keys)
        {
            if (!CryptographicOperations.FixedTimeEquals(candidate, digest))
                continue;
            if (key.Role == AuthRoles.Operator)
                operatorMatch ??= key;
            else
                clientMatch ??= key;
        }
        return operatorMatch ?? clientMatch;
    }

    /// <summary>
    /// What a console session remembers of its key: a digest that changes when the key does, so a session ends when
    /// its key is removed or replaced in the configuration.
    /// </summary>
    public static string Fingerprint(NamedKey key) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"judgeapi-session\n{key.Name}\n{key.Role}\n{key.Key}")));

    /// <summary>The operator key a session fingerprint belongs to, if it is still configured.</summary>
    public NamedKey? OperatorByFingerprint(string name, string fingerprint)
    {
        var expected = Encoding.ASCII.GetBytes(fingerprint);
        NamedKey? found = null;
        foreach (var (key, _) in keys)
            if (key.Role == AuthRoles.Operator && key.Name == name && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Fingerprint(key)), expected))
                found ??= key;
        return found;
    }

    private static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
