using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace JudgeApi.Judging;

/// <summary>
/// How every options class of the service is registered: bound to one configuration section, checked once at
/// start-up against its data annotations (and <see cref="IValidatableObject"/>) with messages that name the full key,
/// and with relative paths resolved against the content root in one place.
/// </summary>
public static class OptionsBinding
{
    /// <summary>
    /// Binds <typeparamref name="T"/> to <paramref name="section"/> and validates it at start-up; keys under the
    /// section that are no setting of <typeparamref name="T"/> (or of another bound section) fail start-up too (<see cref="ConfigurationKeys"/>).
    /// </summary>
    public static OptionsBuilder<T> AddSection<T>(this IServiceCollection services, IConfiguration configuration, string section) where T : class
    {
        ConfigurationKeys.Register(services, configuration, section, typeof(T));
        services.AddSingleton<IValidateOptions<T>>(new SectionValidator<T>(section));
        return services.AddOptions<T>().Bind(configuration.GetSection(section)).ValidateOnStart();
    }

    /// <summary>
    /// Declares <paramref name="section"/>'s keys as the settings of <typeparamref name="T"/> without binding it: for a
    /// module's section that this host does not use (an appsettings.json shared by every host may still set it).
    /// </summary>
    public static IServiceCollection AddSettingsOf<T>(this IServiceCollection services, IConfiguration configuration, string section) where T : class
    {
        ConfigurationKeys.Register(services, configuration, section, typeof(T));
        return services;
    }

    /// <summary>A key a release renamed: setting the old one stops start-up with a message naming the new one.</summary>
    public static IServiceCollection AddRenamedKey(this IServiceCollection services, string oldKey, string newKey) =>
        services.AddSingleton(new ConfigurationKeys.Renamed(oldKey, newKey));

    /// <summary>Resolves the options' relative paths against the content root after binding.</summary>
    public static OptionsBuilder<T> ResolvePaths<T>(this OptionsBuilder<T> builder, Action<T, Func<string?, string?>> resolve) where T : class =>
        builder.PostConfigure<IHostEnvironment>((options, environment) => resolve(options, path => ResolvePath(path, environment.ContentRootPath)));

    /// <summary>The one rule for configured paths: empty stays empty, relative is under <paramref name="root"/>.</summary>
    public static string? ResolvePath(string? path, string root) =>
        string.IsNullOrWhiteSpace(path) ? path : Path.GetFullPath(path, root);

    /// <summary>Every failed annotation as "Section:Key is value; it message".</summary>
    private sealed class SectionValidator<T>(string section) : IValidateOptions<T> where T : class
    {
        public ValidateOptionsResult Validate(string? name, T options)
        {
            var results = new List<ValidationResult>();
            Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
            if (results.Count == 0)
                return ValidateOptionsResult.Success;
            return ValidateOptionsResult.Fail(results.SelectMany(r => r.MemberNames.DefaultIfEmpty("").Select(member => Describe(options, member, r.ErrorMessage))));
        }

        private string Describe(T options, string member, string? message)
        {
            if (member.Length == 0)
                return $"{section}: {message}";
            var value = typeof(T).GetProperty(member)?.GetValue(options);
            // A list is shown by its length only: its items may be secrets (API keys).
            var shown = value switch
            {
                null => "empty",
                System.Collections.ICollection list => $"a list of {list.Count}",
                _ => $"'{Convert.ToString(value, CultureInfo.InvariantCulture)}'",
            };
            return $"{section}:{member} is {shown}; it {message}.";
        }
    }
}
