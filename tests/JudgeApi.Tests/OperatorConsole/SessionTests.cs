using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using JudgeApi.Auth;
using JudgeApi.Tests.Loop;
using JudgeApi.Tests.SelfTaught;
using JudgeApi.Tests.Service;

namespace JudgeApi.Tests.OperatorConsole;

/// <summary>Console sessions over HTTP: the cookie, who may sign in, CSRF, the event stream, expiry and sign-out; API keys unchanged.</summary>
public sealed class SessionTests
{
    private const string Alice = ConsoleWalkTests.OperatorName, AliceKey = ConsoleWalkTests.OperatorKey, ClientKey = ConsoleWalkTests.ClientKey;
    private const string PlainKey = "second-operator-key-without-name";

    private static Task<JudgeServer> StartAsync(string dataDir, params (string, string)[] more) => JudgeServer.StartAsync(
    [
        ("Judge:DataDir", dataDir), ("Judge:SelfTaught:MaxResponseTokens", "4"), ("Judge:SelfTaught:MaxJudgeReasoningTokens", "4"),
        ("Auth:OperatorKeys:0:Name", Alice), ("Auth:OperatorKeys:0:Key", AliceKey), ("Auth:OperatorKeys:1", PlainKey), ("Auth:ClientKeys:0", ClientKey),
        ("Auth:SessionMinutes", "30"), .. more,
    ]);

    /// <summary>A browser-like client: its own cookie jar, and the CSRF token of its session once signed in.</summary>
    private sealed class Browser(Uri address) : IDisposable
    {
        private readonly HttpClient http = new(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = address };

        public string? CsrfToken { get; private set; }

        public async Task<HttpResponseMessage> SignInAsync(string key)
        {
            var response = await http.PostAsJsonAsync("/session", new { key });
            if (response.IsSuccessStatusCode)
                CsrfToken = (await response.Content.ReadFromJsonAsync<JsonObject>())!["csrfToken"]!.GetValue<string>();
            return response;
        }

        public Task<HttpResponseMessage> GetAsync(string path) => http.GetAsync(path);

        public async Task<JsonObject> SessionAsync() => (await http.GetFromJsonAsync<JsonObject>("/session"))!;

        public Task<HttpResponseMessage> PostAsync(string path, string? csrf, params (string Name, string Value)[] headers)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, path);
            if (csrf is not null)
                request.Headers.Add(CsrfProtection.HeaderName, csrf);
            foreach (var (name, value) in headers)
                request.Headers.Add(name, value);
            return http.SendAsync(request);
        }

        public void Dispose() => http.Dispose();
    }

    [Fact]
    public async Task Signing_in_with_an_operator_key_sets_an_HttpOnly_SameSite_Strict_cookie_that_expires_and_names_the_key()
    {
        using var data = new TempDirectory();
        await using var server = await StartAsync(data.Path);
        using var browser = new Browser(server.Address);

        using var signIn = await browser.SignInAsync(AliceKey);

        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        var cookie = Assert.Single(signIn.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith(SessionCookie.CookieName + "=", cookie);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        var expires = DateTimeOffset.Parse(cookie.Split(';').Select(p => p.Trim()).Single(p => p.StartsWith("expires=", StringComparison.OrdinalIgnoreCase))["expires=".Length..]);
        Assert.InRange(expires - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(28), TimeSpan.FromMinutes(31));
        var session = await browser.SessionAsync();
        Assert.Equal((Alice, "operator", "session"), (session["name"]!.GetValue<string>(), session["role"]!.GetValue<string>(), session["via"]!.GetValue<string>()));
        Assert.Equal(browser.CsrfToken, session["csrfToken"]!.GetValue<string>());
        using var adapters = await browser.GetAsync("/adapters");
        Assert.Equal(HttpStatusCode.OK, adapters.StatusCode);
    }

    [Fact]
    public async Task A_client_key_a_wrong_key_or_no_key_cannot_sign_in()
    {
        using var data = new TempDirectory();
        await using var server = await StartAsync(data.Path);
        using var browser = new Browser(server.Address);

        using var client = await browser.SignInAsync(ClientKey);
        using var wrong = await browser.SignInAsync("not-a-key");
        using var empty = await browser.SignInAsync("");

        Assert.Equal(HttpStatusCode.Forbidden, client.StatusCode);
        Assert.Contains("A client key cannot open the console", await client.Content.ReadAsStringAsync());
        Assert.False(client.Headers.Contains("Set-Cookie"));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Contains("key", (await empty.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject().Select(e => e.Key));
        Assert.Equal("none", (await browser.SessionAsync())["via"]!.GetValue<string>());
        using var adapters = await browser.GetAsync("/adapters");
        Assert.Equal(HttpStatusCode.Unauthorized, adapters.StatusCode);
    }

    [Fact]
    public async Task State_changing_calls_with_a_session_need_its_CSRF_token_while_API_keys_work_as_before()
    {
        using var data = new TempDirectory();
        await using var server = await StartAsync(data.Path);
        using var browser = new Browser(server.Address);
        (await browser.SignInAsync(AliceKey)).EnsureSuccessStatusCode();
        using var keyed = WithKey(server, AliceKey);
        using var plain = new HttpClient { BaseAddress = server.Address };
        plain.DefaultRequestHeaders.Add("Authorization", "Bearer " + PlainKey);

        using var noToken = await browser.PostAsync("/adapters/deactivate", null);
        using var wrongToken = await browser.PostAsync("/adapters/deactivate", "wrong" + browser.CsrfToken![5..]);
        using var withToken = await browser.PostAsync("/adapters/deactivate", browser.CsrfToken);
        using var crossSite = await browser.PostAsync("/adapters/deactivate", browser.CsrfToken, ("Sec-Fetch-Site", "cross-site"));
        using var sameOrigin = await browser.PostAsync("/adapters/deactivate", browser.CsrfToken, ("Sec-Fetch-Site", "same-origin"));
        using var byKey = await keyed.PostAsync("/adapters/deactivate", null);
        using var byPlainKey = await plain.PostAsync("/adapters/deactivate", null);
        var foreign = new HttpRequestMessage(HttpMethod.Post, "/adapters/deactivate");
        foreign.Headers.Add("Origin", "http://elsewhere.example");
        using var byKeyFromElsewhere = await keyed.SendAsync(foreign);

        Assert.Equal(HttpStatusCode.Forbidden, noToken.StatusCode);
        Assert.Contains(CsrfProtection.HeaderName, await noToken.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, wrongToken.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withToken.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, crossSite.StatusCode);
        Assert.Equal(HttpStatusCode.OK, sameOrigin.StatusCode);
        Assert.Equal(HttpStatusCode.OK, byKey.StatusCode);
        Assert.Equal(HttpStatusCode.OK, byPlainKey.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, byKeyFromElsewhere.StatusCode);
        // Four rollbacks went through; each is in the audit log under the key's name (a plain string key is named by position).
        var audit = (await keyed.GetFromJsonAsync<JsonObject>("/adapters/audit"))!["items"]!.AsArray().Select(e => e!["actor"]!.GetValue<string>());
        Assert.Equal(["operator-2", Alice, Alice, Alice], audit);
    }

    [Fact]
    public async Task The_event_stream_authenticates_with_the_session_cookie()
    {
        using var data = new TempDirectory();
        await using var server = await StartAsync(data.Path);
        using var keyed = WithKey(server, AliceKey);
        await LoopTestApi.ImportInstructionsAsync(keyed, 4);
        using var queued = await keyed.PostAsJsonAsync("/iterations", new { instructions = 2, judgmentsPerPair = 1, train = false, seed = 1 });
        var id = (await queued.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
        using var browser = new Browser(server.Address);
        using (var anonymous = await browser.GetAsync($"/iterations/{id}/events"))
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        (await browser.SignInAsync(AliceKey)).EnsureSuccessStatusCode();

        using var events = await browser.GetAsync($"/iterations/{id}/events");

        Assert.Equal(HttpStatusCode.OK, events.StatusCode);
        Assert.Equal("text/event-stream", events.Content.Headers.ContentType!.MediaType);
        // The stream ends when the iteration does, its last state the finished one.
        var lines = (await events.Content.ReadAsStringAsync()).Split('\n');
        Assert.Equal("event: snapshot", lines.First(l => l.StartsWith("event: ")));
        Assert.Contains("\"status\":\"succeeded\"", lines.Last(l => l.StartsWith("data: ")));
    }

    [Fact]
    public async Task A_session_survives_a_restart_ends_when_its_key_is_removed_and_ends_at_sign_out()
    {
        using var data = new TempDirectory();
        string cookieHeader;
        await using (var server = await StartAsync(data.Path))
        {
            using var browser = new Browser(server.Address);
            using var signIn = await browser.SignInAsync(AliceKey);
            cookieHeader = signIn.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
        }

        // Same key, same data directory (its data-protection keys): the cookie still opens the session.
        await using (var same = await StartAsync(data.Path))
        {
            using var again = await WithCookieAsync(same.Address, cookieHeader, "/session");
            Assert.Equal("session", (await again.Content.ReadFromJsonAsync<JsonObject>())!["via"]!.GetValue<string>());
        }

        // Alice's key replaced: her cookie no longer opens anything.
        await using (var replaced = await JudgeServer.StartAsync(("Judge:DataDir", data.Path), ("Auth:OperatorKeys:0:Name", Alice), ("Auth:OperatorKeys:0:Key", "a-new-key")))
        {
            using var session = await WithCookieAsync(replaced.Address, cookieHeader, "/session");
            Assert.Equal("none", (await session.Content.ReadFromJsonAsync<JsonObject>())!["via"]!.GetValue<string>());
            using var adapters = await WithCookieAsync(replaced.Address, cookieHeader, "/adapters");
            Assert.Equal(HttpStatusCode.Unauthorized, adapters.StatusCode);
        }

        await using (var server = await StartAsync(data.Path))
        {
            using var browser = new Browser(server.Address);
            (await browser.SignInAsync(AliceKey)).EnsureSuccessStatusCode();
            using var withoutToken = await browser.PostAsync("/session/sign-out", null);
            Assert.Equal(HttpStatusCode.Forbidden, withoutToken.StatusCode);
            using var signOut = await browser.PostAsync("/session/sign-out", browser.CsrfToken);
            Assert.Equal(HttpStatusCode.NoContent, signOut.StatusCode);
            Assert.Equal("none", (await browser.SessionAsync())["via"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Without_keys_the_console_needs_no_sign_in_and_other_sites_cannot_post()
    {
        using var data = new TempDirectory();
        await using var server = await JudgeServer.StartAsync(("Judge:DataDir", data.Path));
        var session = (await server.Client.GetFromJsonAsync<JsonObject>("/session"))!;
        var foreign = new HttpRequestMessage(HttpMethod.Post, "/adapters/deactivate");
        foreign.Headers.Add("Origin", "http://elsewhere.example");

        using var fromElsewhere = await server.Client.SendAsync(foreign);
        using var local = await server.Client.PostAsync("/adapters/deactivate", null);

        Assert.Equal(("loopback", "operator"), (session["via"]!.GetValue<string>(), session["role"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.Forbidden, fromElsewhere.StatusCode);
        Assert.Equal(HttpStatusCode.OK, local.StatusCode);
    }

    private static HttpClient WithKey(JudgeServer server, string key)
    {
        var client = new HttpClient { BaseAddress = server.Address };
        client.DefaultRequestHeaders.Add("X-API-Key", key);
        return client;
    }

    private static async Task<HttpResponseMessage> WithCookieAsync(Uri address, string cookie, string path)
    {
        using var http = new HttpClient { BaseAddress = address };
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", cookie);
        return await http.SendAsync(request);
    }
}
