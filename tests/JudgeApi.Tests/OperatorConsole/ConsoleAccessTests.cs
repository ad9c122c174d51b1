using JudgeApi.Tests.SelfTaught;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace JudgeApi.Tests.OperatorConsole;

/// <summary>The console by keyboard and at phone width, its empty states, and who may (not) open it.</summary>
public sealed class ConsoleAccessTests(ConsoleBrowser browser) : IClassFixture<ConsoleBrowser>
{
    private static readonly (string Link, string Heading, string Empty)[] Pages =
    [
        ("Iterations", "Iterations", "No iterations yet."),
        ("Plots", "Plots", "Nothing to plot yet."),
        ("Adapters", "Adapters", "No adapters yet."),
        ("Playground", "Playground", "No saved cases yet."),
        ("Pool", "Instruction pool", "The pool is empty."),
    ];

    [Fact]
    public async Task On_a_phone_and_by_keyboard_every_page_reads_without_sideways_scrolling_and_says_what_to_do_when_empty()
    {
        using var data = new TempDirectory();
        await using var server = await ConsoleWalkTests.StartAsync(data.Path);
        await using var tab = await ConsoleTab.OpenAsync(browser.Browser, server.Address, width: 390, height: 844);
        var page = tab.Page;

        // The key field has the focus: type and press Enter.
        await Expect(page.GetByLabel("Operator key")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync(ConsoleWalkTests.OperatorKey);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#nav")).ToBeVisibleAsync();

        foreach (var (link, heading, empty) in Pages)
        {
            await FocusByTabAsync(page, $"#nav a[data-page]:text-is('{link}')");
            await page.Keyboard.PressAsync("Enter");
            await Expect(page.Locator("main h1")).ToHaveTextAsync(heading);
            await Expect(page.Locator(".notice.empty").First).ToContainTextAsync(empty);
            Assert.False(await tab.OverflowsAsync(), $"{heading} scrolls sideways at 390 px");
        }
        await tab.ScreenshotAsync("phone-pool");
        Assert.Empty(tab.Errors);
    }

    [Fact]
    public async Task A_client_key_cannot_open_the_console_and_signing_out_ends_the_session()
    {
        using var data = new TempDirectory();
        await using var server = await ConsoleWalkTests.StartAsync(data.Path);
        await using var tab = await ConsoleTab.OpenAsync(browser.Browser, server.Address);
        var page = tab.Page;

        await page.GetByLabel("Operator key").FillAsync(ConsoleWalkTests.ClientKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("A client key cannot open the console");
        await Expect(page.Locator("#nav")).ToBeHiddenAsync();
        // The refused sign-in is the one error the browser logs (the 403 answer).
        Assert.All(tab.Errors, e => Assert.Contains("status of 403", e));

        await tab.SignInAsync(ConsoleWalkTests.OperatorKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.GetByLabel("Operator key")).ToBeVisibleAsync();
        await page.ReloadAsync();
        await Expect(page.GetByLabel("Operator key")).ToBeVisibleAsync();
        await Expect(page.Locator("#nav")).ToBeHiddenAsync();
        var cookies = await page.Context.CookiesAsync();
        Assert.DoesNotContain(cookies, c => c.Name == Auth.SessionCookie.CookieName);
    }

    [Fact]
    public async Task A_page_that_finishes_loading_after_sign_out_stays_hidden()
    {
        using var data = new TempDirectory();
        await using var server = await ConsoleWalkTests.StartAsync(data.Path);
        await using var tab = await ConsoleTab.OpenAsync(browser.Browser, server.Address);
        var page = tab.Page;

        // The iterations page's list is answered while signed in but reaches the page only after sign-out (CI once
        // clicked Sign out that early and the page drew itself over the sign-in form).
        var held = new TaskCompletionSource<(IRoute Route, IAPIResponse Answer)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await page.RouteAsync("**/iterations", async route => held.TrySetResult((route, await route.FetchAsync())));
        await tab.SignInAsync(ConsoleWalkTests.OperatorKey);
        var (list, answer) = await held.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(200, answer.Status);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.GetByLabel("Operator key")).ToBeVisibleAsync();

        var delivered = page.WaitForResponseAsync(r => r.Url.EndsWith("/iterations", StringComparison.Ordinal));
        await list.FulfillAsync(new() { Response = answer });
        await (await delivered).FinishedAsync();
        // Let the late page's continuation run (one macrotask after the body), then look.
        await page.EvaluateAsync("() => new Promise(done => setTimeout(done, 200))");
        await Expect(page.Locator("main h1")).ToHaveTextAsync("Sign in");
        await Expect(page.Locator("#nav")).ToBeHiddenAsync();
    }

    /// <summary>Presses Tab until the element is focused (at most 40 times), as a keyboard user reaches it.</summary>
    private static async Task FocusByTabAsync(IPage page, string selector)
    {
        for (var i = 0; i < 40; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            if (await page.Locator(selector).EvaluateAsync<bool>("el => el === document.activeElement"))
                return;
        }
        throw new InvalidOperationException($"Tab never reached {selector}.");
    }
}
