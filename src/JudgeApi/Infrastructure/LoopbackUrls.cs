using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace JudgeApi.Infrastructure;

/// <summary>
/// Keeps a service without API keys on loopback: the listen URLs (<c>--urls</c>, <c>ASPNETCORE_URLS</c>) are rewritten
/// to loopback, and every endpoint Kestrel is about to bind, whatever configured it (<c>Kestrel:Endpoints</c> included),
/// is checked, so one that would listen beyond loopback stops the start with a message that says why.
/// </summary>
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

    /// <summary>
    /// Kestrel applies this to every endpoint before binding it (<see cref="KestrelServerOptions.ConfigureEndpointDefaults"/>):
    /// a loopback address, a Unix socket or a named pipe passes; anything else is refused.
    /// </summary>
    public static void RequireLoopback(ListenOptions endpoint)
    {
        var local = endpoint.EndPoint switch
        {
            IPEndPoint ip => IPAddress.IsLoopback(ip.Address),
            UnixDomainSocketEndPoint or Microsoft.AspNetCore.Connections.NamedPipeEndPoint => true,
            _ => false,
        };
        if (!local)
            throw new InvalidOperationException(
                $"Refusing to listen on {endpoint}: no API keys are configured (Auth:ClientKeys, Auth:OperatorKeys), and without keys " +
                "the service accepts every caller, so it listens on loopback only. Configure a key, or listen on a loopback address " +
                "(check --urls, ASPNETCORE_URLS and Kestrel:Endpoints:*:Url).");
    }

    [GeneratedRegex(@"^(?<scheme>https?)://(?<host>\[[^\]]*\]|[^/:]+)(?<rest>.*)$", RegexOptions.IgnoreCase)]
    private static partial Regex UrlPattern();
}
