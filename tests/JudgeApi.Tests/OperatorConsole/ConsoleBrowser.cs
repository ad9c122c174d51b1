using Microsoft.Playwright;

namespace JudgeApi.Tests.OperatorConsole;

/// <summary>
/// One headless Chromium for the console tests: Debian's <c>/usr/bin/chromium</c> (./test.sh installs it) driven by
/// Playwright, which downloads no browser of its own. Each test opens its own context, so no cookie or storage is shared.
/// </summary>
public sealed class ConsoleBrowser : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>Where the tests' screenshots go (git-ignored; README's images under docs/ are picked from them).</summary>
    public static string ScreenshotDirectory { get; } = Path.Combine(RepoPaths.Root, "TestResults", "console");

    private IPlaywright? playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"{ChromiumPath} is missing: install Debian's chromium (./test.sh does: apt-get install chromium).");
        Directory.CreateDirectory(ScreenshotDirectory);
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // Playwright gives every launch a fresh temporary profile (--user-data-dir); these keep Chromium off the network and quiet.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
            await Browser.DisposeAsync();
        playwright?.Dispose();
    }
}

/// <summary>A console tab on its own context, which records every console error and uncaught page error it sees.</summary>
public sealed class ConsoleTab : IAsyncDisposable
{
    private readonly IBrowserContext context;
    private readonly List<string> errors = [];

    private ConsoleTab(IBrowserContext context, IPage page)
    {
        this.context = context;
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
                lock (errors)
                    errors.Add($"console {message.Type}: {message.Text} ({message.Location})");
        };
        page.PageError += (_, error) =>
        {
            lock (errors)
                errors.Add("page error: " + error);
        };
    }

    public IPage Page { get; }

    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (errors)
                return errors.ToList();
        }
    }

    public static async Task<ConsoleTab> OpenAsync(IBrowser browser, Uri address, int width = 1280, int height = 900)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = address.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Locale = "en-GB",
        });
        context.SetDefaultTimeout(30_000);
        var tab = new ConsoleTab(context, await context.NewPageAsync());
        await tab.Page.GotoAsync("/");
        return tab;
    }

    public async Task SignInAsync(string key)
    {
        await Page.GetByLabel("Operator key").FillAsync(key);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(Page.Locator("#nav")).ToBeVisibleAsync();
    }

    public async Task GoAsync(string page, string heading)
    {
        await Page.Locator("#nav").GetByRole(AriaRole.Link, new() { Name = page, Exact = true }).ClickAsync();
        await Assertions.Expect(Page.Locator("main h1")).ToHaveTextAsync(heading);
    }

    /// <summary>The whole page, without a passing notice on top of it.</summary>
    public async Task ScreenshotAsync(string name)
    {
        await Page.EvaluateAsync("() => document.getElementById('toast').textContent = ''");
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ConsoleBrowser.ScreenshotDirectory, name + ".png"), FullPage = true });
    }

    /// <summary>True when the page scrolls sideways (something is wider than the viewport).</summary>
    public Task<bool> OverflowsAsync() => Page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth + 1");

    public async ValueTask DisposeAsync() => await context.DisposeAsync();
}
