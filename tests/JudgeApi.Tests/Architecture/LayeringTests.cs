using System.Xml.Linq;

namespace JudgeApi.Tests.Architecture;

/// <summary>The layers of ARCHITECTURE.md hold in src/: references point only down, and no namespaces form a cycle.</summary>
public sealed class LayeringTests
{
    private static readonly IReadOnlyList<Layering.SourceFile> Tree = [.. Layering.Read(RepoPaths.Root)];

    [Fact]
    public void Every_reference_in_src_points_down_and_no_namespaces_form_a_cycle()
    {
        Assert.True(Tree.Count > 100, $"Read only {Tree.Count} files under src/.");
        var violations = Layering.Violations(Tree);
        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
    }

    [Theory]
    [InlineData("using JudgeApi.SelfTaught;", "JudgeApi.Judging uses JudgeApi.SelfTaught")]
    [InlineData("using static JudgeApi.Apis.AdaptersApi;", "JudgeApi.Judging uses JudgeApi.Apis.AdaptersApi")]
    [InlineData("using Registry = JudgeApi.SelfTaught.AdapterRegistry;", "JudgeApi.Judging uses JudgeApi.SelfTaught.AdapterRegistry")]
    [InlineData("internal sealed class Injected { object? x = default(JudgeApi.SelfTaught.AdapterRegistry); }", "JudgeApi.Judging uses JudgeApi.SelfTaught")]
    [InlineData("using Microsoft.AspNetCore.Http;", "HTTP types belong to the host")]
    public void An_upward_reference_added_to_the_judge_is_caught(string line, string expected)
    {
        var injected = new Layering.SourceFile("src/JudgeApi.Judging/Injected.cs", $"{line}\n\nnamespace JudgeApi.Judging;\n");
        var violations = Layering.Violations([.. Tree, injected]);
        Assert.Contains(violations, v => v.StartsWith("src/JudgeApi.Judging/Injected.cs", StringComparison.Ordinal) && v.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void A_reference_back_up_from_the_engine_is_caught_as_upward_and_as_a_cycle()
    {
        var injected = new Layering.SourceFile("src/JudgeApi.Llama/Injected.cs", "using JudgeApi.Training;\n\nnamespace JudgeApi.Llama;\n");
        var violations = Layering.Violations([.. Tree, injected]);
        Assert.Contains(violations, v => v.Contains("JudgeApi.Llama uses JudgeApi.Training", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.StartsWith("namespace cycle:", StringComparison.Ordinal) && v.Contains("JudgeApi.Llama") && v.Contains("JudgeApi.Training"));
    }

    [Fact]
    public void The_scheduler_knows_nothing_of_judgments()
    {
        var injected = new Layering.SourceFile("src/JudgeApi.Judging/Scheduling/Injected.cs", "using JudgeApi.Judging;\n\nnamespace JudgeApi.Judging.Scheduling;\n");
        Assert.Contains(Layering.Violations([.. Tree, injected]), v => v.Contains("JudgeApi.Judging.Scheduling uses JudgeApi.Judging ", StringComparison.Ordinal));
    }

    [Fact]
    public void Project_references_follow_the_layers()
    {
        var allowed = new Dictionary<string, string[]>
        {
            ["JudgeApi.Llama"] = [],
            ["JudgeApi.Training"] = ["JudgeApi.Llama"],
            ["JudgeApi.Judging"] = ["JudgeApi.Llama"],
            ["JudgeApi.SelfTaught"] = ["JudgeApi.Judging", "JudgeApi.Training"],
            ["JudgeApi"] = ["JudgeApi.Judging", "JudgeApi.SelfTaught"],
        };
        var projects = Directory.GetFiles(Path.Combine(RepoPaths.Root, "src"), "*.csproj", SearchOption.AllDirectories);
        Assert.Equal(allowed.Keys.Order(), projects.Select(Path.GetFileNameWithoutExtension).Order());
        foreach (var project in projects)
        {
            var references = XDocument.Load(project).Descendants("ProjectReference")
                .Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value)).Order().ToArray();
            Assert.Equal(allowed[Path.GetFileNameWithoutExtension(project)!].Order(), references);
        }
    }
}
