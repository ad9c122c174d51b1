using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace JudgeApi.Judging;

/// <summary>
/// Every key under a bound section's root (<c>Judge</c>, <c>Auth</c>) must be a setting of some options class, so a
/// misspelled or renamed key stops the service at start-up with a message naming it, instead of being silently
/// ignored. Checked once at start-up with the options (see <see cref="OptionsBinding.AddSection{T}"/>).
/// </summary>
public sealed class ConfigurationKeys
{
    /// <summary>A section bound to an options class.</summary>
    public sealed record Bound(string Section, Type Options);

    /// <summary>A key that a release renamed: the old one gets a message naming the new one.</summary>
    public sealed record Renamed(string OldKey, string NewKey);

    internal static void Register(IServiceCollection services, IConfiguration configuration, string section, Type options)
    {
        services.AddSingleton(new Bound(section, options));
        if (services.Any(d => d.ServiceType == typeof(IValidateOptions<ConfigurationKeys>)))
            return;
        services.AddSingleton<IValidateOptions<ConfigurationKeys>>(sp => new Validator(configuration, sp.GetServices<Bound>(), sp.GetServices<Renamed>()));
        services.AddOptions<ConfigurationKeys>().ValidateOnStart();
    }

    /// <summary>Every problem with the keys, one line each; empty when all are settings.</summary>
    public static List<string> Problems(IConfiguration configuration, IReadOnlyCollection<Bound> bound, IReadOnlyCollection<Renamed> renamed)
    {
        var problems = new List<string>();
        foreach (var root in bound.Select(b => b.Section.Split(':')[0]).Distinct(StringComparer.OrdinalIgnoreCase))
            Walk(configuration.GetSection(root), bound, renamed, problems);
        return problems;
    }

    private static void Walk(IConfigurationSection section, IReadOnlyCollection<Bound> bound, IReadOnlyCollection<Renamed> renamed, List<string> problems)
    {
        var options = bound.FirstOrDefault(b => string.Equals(b.Section, section.Path, StringComparison.OrdinalIgnoreCase))?.Options;
        foreach (var child in section.GetChildren())
        {
            if (bound.Any(b => string.Equals(b.Section, child.Path, StringComparison.OrdinalIgnoreCase)))
                Walk(child, bound, renamed, problems);
            else if (options is not null && Settings(options).Contains(child.Key, StringComparer.OrdinalIgnoreCase))
                continue; // a value, or the items of a list: the binder's to read
            else if (renamed.FirstOrDefault(r => string.Equals(r.OldKey, child.Path, StringComparison.OrdinalIgnoreCase)) is { } rename)
                problems.Add($"{child.Path} is no longer read: it was renamed {rename.NewKey}.");
            else if (bound.Any(b => b.Section.StartsWith(child.Path + ":", StringComparison.OrdinalIgnoreCase)))
                Walk(child, bound, renamed, problems);
            else
                problems.Add($"{child.Path} is not a setting{(options is null ? "" : $"; {section.Path} has {string.Join(", ", Settings(options))}")}.");
        }
    }

    private static IEnumerable<string> Settings(Type options) =>
        options.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true }).Select(p => p.Name);

    private sealed class Validator(IConfiguration configuration, IEnumerable<Bound> bound, IEnumerable<Renamed> renamed) : IValidateOptions<ConfigurationKeys>
    {
        public ValidateOptionsResult Validate(string? name, ConfigurationKeys options)
        {
            var problems = Problems(configuration, bound.ToList(), renamed.ToList());
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}
