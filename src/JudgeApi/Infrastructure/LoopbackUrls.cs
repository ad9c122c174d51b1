using System.Text.RegularExpressions;

namespace JudgeApi.Infrastructure;

/// <summary>Rewrites listen URLs so that every one binds a loopback address (used when no API keys are configured).</summary>
public static partial class LoopbackUrls
{
    public const string Default = "http://localhost:5000";

    /// <summary>Same schemes and ports, hosts replaced by 127.0.0.1 unless already loopback.</summary>
    public static string Restrict(string urls) =>
        string.Join(';', urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(url =>
        {
            var m = UrlPattern().Match(url);
            if (!m.Success)
                throw new InvalidOperationException($"Cannot read the listen URL '{url}'.");
            var host = m.Groups["host"].Value;
            return host is "localhost" or "127.0.0.1" or "[::1]" ? url : $"{m.Groups["scheme"].Value}://127.0.0.1{m.Groups["rest"].Value}";
        }));

    [GeneratedRegex(@"^(?<scheme>https?)://(?<host>\[[^\]]*\]|[^/:]+)(?<rest>.*)$", RegexOptions.IgnoreCase)]
    private static partial Regex UrlPattern();
}
