using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using JudgeApi.SelfTaught;

namespace JudgeApi.Tests.ScaleOut;

/// <summary>
/// compose.yaml cannot be run here (no Docker), so it is read: every setting it gives the replicas is one the service
/// reads, the replicas get the connection strings that make them share state, and nginx sends traffic to the port
/// they listen on.
/// </summary>
public sealed partial class ComposeFileTests
{
    private static readonly string Compose = File.ReadAllText(Path.Combine(RepoPaths.Root, "compose.yaml"));

    [Fact]
    public void Every_setting_compose_gives_the_replicas_is_a_key_the_service_reads()
    {
        var settings = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "appsettings.json")))!;
        var keys = EnvironmentKey().Matches(Compose).Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.Contains($"ConnectionStrings__{SelfTaughtServiceCollectionExtensions.PostgresConnection}", keys);
        Assert.Contains("ConnectionStrings__Redis", keys);
        Assert.Contains("Auth__OperatorKeys__0", keys);
        foreach (var key in keys)
        {
            // Section__Key__0 is the first entry of the array at Section:Key.
            var path = key.Split("__").Where(part => !part.All(char.IsAsciiDigit)).ToArray();
            var node = path.Aggregate<string, JsonNode?>(settings, (at, part) => at?[part]);
            Assert.True(node is not null, $"compose.yaml sets {key}, but appsettings.json has no {string.Join(':', path)}: the service would ignore it.");
        }
    }

    [Fact]
    public void Nginx_forwards_to_the_port_the_replicas_listen_on_and_three_replicas_share_postgres_and_redis()
    {
        var nginx = File.ReadAllText(Path.Combine(RepoPaths.Root, "deploy", "nginx.conf"));
        var port = Regex.Match(Compose, @"ASPNETCORE_URLS: http://\+:(\d+)").Groups[1].Value;
        Assert.Matches($@"server judge:{port}\b", nginx);
        Assert.Matches(@"replicas: 3\b", Compose);
        Assert.Contains("./deploy/nginx.conf:/etc/nginx/nginx.conf", Compose);
        Assert.Matches(@"Host=postgres;", Compose);
        Assert.Matches(@"ConnectionStrings__Redis: redis:6379", Compose);
        Assert.Contains("proxy_buffering off", nginx);
    }

    [GeneratedRegex(@"^\s+([A-Za-z][A-Za-z0-9]*(?:__[A-Za-z0-9]+)+):", RegexOptions.Multiline)]
    private static partial Regex EnvironmentKey();
}
