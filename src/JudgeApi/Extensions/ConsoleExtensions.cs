using JudgeApi.Judging;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;

namespace JudgeApi.Extensions;

/// <summary>
/// The operator console: static files compiled into the host (<c>Console/</c>, no build step, nothing fetched at
/// run time) served at <c>/</c> and <c>/console/*</c> under a strict Content-Security-Policy, and the data-protection
/// keys that encrypt session cookies, kept under Judge:DataDir so sessions survive a restart.
/// </summary>
public static class ConsoleExtensions
{
    private const string ResourcePrefix = "JudgeApi.Console";

    /// <summary>Only the console's own files; no inline script or style, no other origin, no framing.</summary>
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; " +
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static IServiceCollection AddConsole(this IServiceCollection services)
    {
        services.AddDataProtection().SetApplicationName("JudgeApi");
        services.AddOptions<KeyManagementOptions>().Configure<IOptions<JudgeOptions>, ILoggerFactory>((o, judge, logs) =>
            o.XmlRepository = new FileSystemXmlRepository(new DirectoryInfo(Path.Combine(judge.Value.DataDir, "keys")), logs));
        return services;
    }

    public static WebApplication UseConsole(this WebApplication app)
    {
        var files = new EmbeddedFileProvider(typeof(ConsoleExtensions).Assembly, ResourcePrefix);
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            RequestPath = "/console",
            ContentTypeProvider = new FileExtensionContentTypeProvider(),
            OnPrepareResponse = context => Secure(context.Context.Response),
        });
        app.MapGet("/", (HttpContext http) =>
        {
            Secure(http.Response);
            return TypedResults.Stream(files.GetFileInfo("index.html").CreateReadStream(), "text/html; charset=utf-8");
        }).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    private static void Secure(HttpResponse response)
    {
        var headers = response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        // Revalidated on every load (ETag), so a new release's files are never mixed with an old one's.
        headers.CacheControl = "no-cache";
    }
}
