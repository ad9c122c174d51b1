using JudgeApi.Auth;
using JudgeApi.Tests.Service;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace JudgeApi.Tests.OperatorConsole;

/// <summary>Keys as <c>{ Name, Key }</c> objects or plain strings (as before names existed), and what their names must be.</summary>
public sealed class NamedKeyTests
{
    [Fact]
    public void Keys_bind_from_objects_and_from_plain_strings_which_are_named_by_list_and_position()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Auth:OperatorKeys:0:Name"] = "alice",
            ["Auth:OperatorKeys:0:Key"] = "key-of-alice",
            ["Auth:OperatorKeys:1"] = "plain-operator-key",
            ["Auth:OperatorKeys:2"] = "",
            ["Auth:ClientKeys:0"] = "plain-client-key",
            ["Auth:ClientKeys:1:Key"] = "unnamed-object-key",
        }).Build();

        var options = configuration.GetSection(AuthOptions.Section).Get<AuthOptions>()!;

        Assert.Equal(
        [
            new NamedKey("alice", "key-of-alice", AuthRoles.Operator),
            new NamedKey("operator-2", "plain-operator-key", AuthRoles.Operator),
            new NamedKey("client-1", "plain-client-key", AuthRoles.Client),
            new NamedKey("client-2", "unnamed-object-key", AuthRoles.Client),
        ], options.Keys());
        var ring = new KeyRing(Options.Create(options));
        Assert.Equal("operator-2", ring.Match("plain-operator-key")?.Name);
        Assert.Equal(AuthRoles.Client, ring.Match("unnamed-object-key")?.Role);
        Assert.Null(ring.Match(""));
    }

    [Fact]
    public async Task Two_keys_with_one_name_stop_the_service_with_a_message_naming_the_setting()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => JudgeServer.StartAsync(
            ("Auth:OperatorKeys:0:Name", "alice"), ("Auth:OperatorKeys:0:Key", "one"), ("Auth:ClientKeys:0:Name", "alice"), ("Auth:ClientKeys:0:Key", "two")));
        Assert.Contains("Auth: the key name 'alice' is given to more than one key", error.Message);
    }
}
