using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;

namespace JudgeApi.Extensions;

/// <summary>Where the host's settings files are read from.</summary>
public static class ConfigurationExtensions
{
    /// <summary>
    /// The build copies the repository's one appsettings.json next to the binaries, so it is read there: under
    /// <c>dotnet run</c>, a published build and the container alike, wherever the process was started (the content
    /// root, where relative paths resolve, stays the working directory). appsettings.{Environment}.json is read from
    /// the same place. Environment variables and the command line still override both.
    /// </summary>
    public static WebApplicationBuilder ReadSettingsBesideTheBinaries(this WebApplicationBuilder builder)
    {
        var sources = builder.Configuration.Sources;
        var files = new PhysicalFileProvider(AppContext.BaseDirectory);
        for (var i = 0; i < sources.Count; i++)
        {
            if (sources[i] is JsonConfigurationSource { Path: { } path } json && path.StartsWith("appsettings.", StringComparison.OrdinalIgnoreCase))
                sources[i] = new JsonConfigurationSource { FileProvider = files, Path = path, Optional = json.Optional, ReloadOnChange = false };
        }
        return builder;
    }
}
