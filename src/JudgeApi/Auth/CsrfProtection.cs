using Microsoft.AspNetCore.Mvc;

namespace JudgeApi.Auth;

/// <summary>
/// Guards state-changing calls (every method but GET, HEAD, OPTIONS, TRACE) against cross-site request forgery:
/// a browser request from another origin is refused whatever its credentials (Sec-Fetch-Site, else Origin), and a call
/// made with a console session cookie must also send that session's token as <c>X-CSRF-Token</c>. Callers with an
/// API key header send no cookie, so nothing changes for them.
/// </summary>
public static class CsrfProtection
{
    public const string HeaderName = "X-CSRF-Token";

    public static IApplicationBuilder UseCsrfProtection(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (!IsStateChanging(context.Request.Method))
        {
            await next(context);
            return;
        }
        var refusal = CrossSite(context.Request)
            ? "A page from another site cannot call this service: open the console from this service's own address."
            : SessionCookie.IsSession(context.User) && !TokenMatches(context)
                ? $"A call made with a console session must send the session's {HeaderName} header (GET /session returns it); sign in again if the page is old."
                : null;
        if (refusal is null)
        {
            await next(context);
            return;
        }
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = StatusCodes.Status403Forbidden, Title = "Cross-site request refused", Detail = refusal },
        });
    });

    private static bool IsStateChanging(string method) =>
        !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method));

    /// <summary>What the browser says about where the request comes from; a client that says nothing (curl, an SDK) is not a browser page.</summary>
    private static bool CrossSite(HttpRequest request)
    {
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0)
            return site is not ("same-origin" or "none");
        var origin = request.Headers.Origin.ToString();
        return origin.Length > 0 && (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || !string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase));
    }

    private static bool TokenMatches(HttpContext context)
    {
        var expected = SessionCookie.CsrfToken(context.User);
        var sent = context.Request.Headers[HeaderName].ToString();
        return expected is not null && sent.Length == expected.Length
            && System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(sent), System.Text.Encoding.ASCII.GetBytes(expected));
    }
}
