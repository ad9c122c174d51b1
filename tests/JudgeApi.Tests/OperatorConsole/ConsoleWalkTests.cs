using System.Text.Json;
using JudgeApi.Tests.Loop;
using JudgeApi.Tests.SelfTaught;
using JudgeApi.Tests.Service;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace JudgeApi.Tests.OperatorConsole;

/// <summary>
/// The console in a real browser against the live service on the generated tiny model: an operator signs in, fills
/// the pool, runs an iteration and watches it finish, reads the plots, a pair and its judgments, rolls an adapter
/// back and forward and finds both in the audit log, and judges a case side by side; no page logs an error.
/// </summary>
public sealed class ConsoleWalkTests(ConsoleBrowser browser) : IClassFixture<ConsoleBrowser>
{
    public const string OperatorName = "alice", OperatorKey = "console-operator-key", ClientKey = "console-client-key";

    public static Task<JudgeServer> StartAsync(string dataDir) => JudgeServer.StartAsync(
    [
        .. LoopTestApi.TinySettings(dataDir, promotionMargin: -1),
        // Small batches over a few epochs, so the loss curve has several steps.
        ("Judge:Training:BatchSize", "1"),
        ("Judge:Training:Epochs", "3"),
        ("Auth:OperatorKeys:0:Name", OperatorName),
        ("Auth:OperatorKeys:0:Key", OperatorKey),
        ("Auth:ClientKeys:0", ClientKey),
    ]);

    [Fact]
    public async Task An_operator_runs_inspects_rolls_back_and_tests_an_iteration_in_the_browser()
    {
        using var data = new TempDirectory();
        await using var server = await StartAsync(data.Path);
        await using var tab = await ConsoleTab.OpenAsync(browser.Browser, server.Address);
        var page = tab.Page;
        await tab.SignInAsync(OperatorKey);
        await Expect(page.Locator("#who")).ToContainTextAsync($"Signed in as {OperatorName}");

        // The pool: a JSON file through the file picker, each entry's outcome, the counts.
        await tab.GoAsync("Pool", "Instruction pool");
        var file = Path.Combine(data.Path, "instructions.json");
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(Enumerable.Range(1, 14).Select(i => $"Write a two-line poem about the number {i}.").Append("")));
        await page.GetByLabel("File").SetInputFilesAsync(file);
        await page.GetByRole(AriaRole.Button, new() { Name = "Import", Exact = true }).ClickAsync();
        await Expect(page.GetByText("14 added · 0 duplicates skipped · 1 rejected")).ToBeVisibleAsync();
        await Expect(page.Locator("table", new() { HasText = "Rejected entries" })).ToContainTextAsync("14");
        await Expect(page.Locator("dl.counts.big")).ToContainTextAsync("14");
        await tab.ScreenshotAsync("pool");

        // An iteration started from the form, watched live until it finishes.
        await tab.GoAsync("Iterations", "Iterations");
        await page.GetByLabel("Instructions to select").FillAsync("4");
        await page.GetByLabel("Judgments per pair (N)").FillAsync("2");
        await page.GetByLabel("Seed").FillAsync("3");
        await page.GetByRole(AriaRole.Button, new() { Name = "Start iteration" }).ClickAsync();
        await Expect(page.Locator("#live .timeline li[aria-current=step]")).ToBeVisibleAsync(new() { Timeout = 120_000 });
        var firstRow = page.Locator("table tbody tr").First;
        await Expect(firstRow.Locator(".status")).ToHaveTextAsync("succeeded", new() { Timeout = 300_000 });
        await Expect(page.Locator("#toast")).ToContainTextAsync("Iteration 1 succeeded.");
        await Expect(firstRow).ToContainTextAsync("yes");
        Assert.False(await tab.OverflowsAsync());
        await tab.ScreenshotAsync("iterations");

        // Its pairs, one kept pair and its judgments with the kept one marked.
        await firstRow.GetByRole(AriaRole.Link, new() { Name = "Iteration 1" }).ClickAsync();
        await Expect(page.Locator("main h1")).ToHaveTextAsync("Iteration 1");
        await Expect(page.Locator("figure.chart g.series[data-points]")).ToHaveCountAsync(1);
        await page.GetByLabel("State").SelectOptionAsync("kept");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Expect(page.Locator("#pairs-title ~ div table caption")).ToContainTextAsync("Pairs 1–");
        await page.Locator("a[data-pair]").First.ClickAsync();
        var pair = page.Locator("#pair-detail");
        await Expect(pair.GetByRole(AriaRole.Heading, new() { Name = "Instruction x", Exact = true })).ToBeVisibleAsync();
        await Expect(pair.GetByRole(AriaRole.Heading, new() { Name = "y_w: answer to x (better)" })).ToBeVisibleAsync();
        await Expect(pair.Locator("tbody tr")).ToHaveCountAsync(2);
        await Expect(pair.Locator(".outcome.kept")).ToHaveCountAsync(1);
        await tab.ScreenshotAsync("iteration");

        // Plots drawn with data: every series of every chart has points, the loss curve several.
        await tab.GoAsync("Plots", "Plots");
        foreach (var title in new[] { "Self-accuracy (judgments that pick y_w)", "Held-out accuracy", "Kept rate (kept pairs over pairs made)", "Training loss per step", "Training speed" })
        {
            var chart = page.Locator("figure.chart", new() { Has = page.Locator("figcaption", new() { HasTextString = title }) });
            await Expect(chart.Locator("svg[role=img]")).ToBeVisibleAsync();
            Assert.True(await chart.Locator("circle").CountAsync() >= 1, $"{title}: no point drawn");
        }
        var loss = page.Locator("figure.chart", new() { Has = page.Locator("figcaption", new() { HasTextString = "Training loss per step" }) });
        Assert.True(int.Parse((await loss.Locator("g.series").First.GetAttributeAsync("data-points"))!) >= 2, "the loss curve has fewer than two steps");
        await tab.ScreenshotAsync("plots");

        // Roll back to the base model, activate the iteration's adapter again, find both (and the promotion) in the audit log.
        await tab.GoAsync("Adapters", "Adapters");
        await Expect(page.Locator("table", new() { HasText = "Stored adapters" })).ToContainTextAsync("active");
        await page.GetByRole(AriaRole.Button, new() { Name = "Roll back to the base model" }).ClickAsync();
        var dialog = page.Locator("dialog[open]");
        await dialog.GetByLabel("Note for the audit log (optional)").FillAsync("checking the base model");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Roll back" }).ClickAsync();
        var audit = page.Locator("table", new() { HasText = "Changes of the serving weights" });
        await Expect(audit.Locator("tbody tr").First).ToContainTextAsync("deactivate");
        await Expect(audit.Locator("tbody tr").First).ToContainTextAsync(OperatorName);
        await Expect(audit.Locator("tbody tr").First).ToContainTextAsync("checking the base model");
        await page.Locator("button[data-action=activate][data-adapter=iteration-1]").ClickAsync();
        await page.Locator("dialog[open]").GetByRole(AriaRole.Button, new() { Name = "Activate" }).ClickAsync();
        await Expect(audit.Locator("tbody tr").First).ToContainTextAsync("activate");
        await Expect(audit.Locator("tbody tr").First).ToContainTextAsync("iteration-1");
        await Expect(audit.Locator("tbody tr")).ToHaveCountAsync(3);
        await Expect(audit.Locator("tbody tr").Last).ToContainTextAsync("promotion");
        await tab.ScreenshotAsync("adapters");

        // The same case judged by the base model and the iteration's adapter side by side, saved and re-run.
        await tab.GoAsync("Playground", "Playground");
        await page.GetByLabel("Instruction", new() { Exact = true }).FillAsync("Name the capital of France in one sentence.");
        await page.GetByLabel("Response A").FillAsync("The capital of France is Paris.");
        await page.GetByLabel("Response B").FillAsync("France's capital is Lyon.");
        await page.GetByLabel("Mode").SelectOptionAsync("direct");
        await page.GetByLabel("Left weights").SelectOptionAsync("base");
        await page.GetByLabel("Right weights").SelectOptionAsync("iteration-1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Judge side by side" }).ClickAsync();
        foreach (var weights in new[] { "base", "iteration-1" })
        {
            var result = page.Locator($"article.result[data-weights='{weights}']");
            await Expect(result.Locator(".verdict")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^(A is better|B is better|Tie)$"));
            await Expect(result).ToContainTextAsync("P(A is better)");
            await Expect(result).ToContainTextAsync("Prompt tokens");
            await Expect(result).ToContainTextAsync(" ms");
        }
        await Expect(page.Locator("article.result[data-weights='iteration-1']")).ToContainTextAsync("iteration-1.gguf");
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("capital of France");
        await page.GetByLabel("Better response").SelectOptionAsync("A");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save case" }).ClickAsync();
        var cases = page.Locator("table", new() { HasText = "Saved cases and their newest result" });
        await Expect(cases).ToContainTextAsync("capital of France");
        await page.GetByLabel("Run every case with").SelectOptionAsync("iteration-1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Run cases" }).ClickAsync();
        await Expect(cases.Locator("thead")).ToContainTextAsync("iteration-1");
        await Expect(cases.Locator("tbody tr").First).ToContainTextAsync("P(A)");
        await tab.ScreenshotAsync("playground");

        Assert.Empty(tab.Errors);
    }
}
