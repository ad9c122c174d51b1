using System.Collections;
using System.Reflection;
using System.Text.Json;

namespace JudgeApi.Contracts;

/// <summary>
/// Turns what System.Text.Json throws while reading a request body into what a client can act on: the field, by
/// its JSON name, and a plain message saying what it must be, never a .NET type name. A body that is not JSON at
/// all has no field; its message keeps the reader's line and position.
/// </summary>
public static class JsonBodyErrors
{
    /// <param name="Field">The field the error is about (<c>samples</c>, <c>items</c>), null for the body as a whole.</param>
    public sealed record BodyError(string? Field, string Message);

    /// <param name="subject">What was read, for messages about it as a whole: "The body", "The item".</param>
    public static BodyError Describe(JsonException error, Type? bodyType, string subject = "The body")
    {
        if (IsSyntaxError(error))
            return new(null, $"{subject} is not valid JSON: {error.Message}");
        var path = Segments(error.Path);
        if (path.Count == 0)
            return new(null, $"{subject} must be {Expected(bodyType)}.");
        var field = string.Join('.', path);
        if (IsTextError(error))
            return new(field, $"'{field}' must be valid text: it holds invalid UTF-8 or an escaped unpaired surrogate (such as \\ud800).");
        return new(field, $"'{field}' must be {Expected(TypeAt(bodyType, path))}.");
    }

    /// <summary>The same as validation errors are keyed: the field name, one message.</summary>
    public static Dictionary<string, string[]> ByField(BodyError error, string whole = "body") => new() { [error.Field ?? whole] = [error.Message] };

    // The reader's own errors (bad syntax, too deep, truncated) carry its internal JsonReaderException.
    private static bool IsSyntaxError(JsonException error) => error.InnerException?.GetType().Name == "JsonReaderException";

    // A string the reader cannot decode; other InvalidOperationExceptions are token-type mismatches ("as a number").
    private static bool IsTextError(JsonException error) =>
        error.InnerException is InvalidOperationException inner && inner.Message.Contains("UTF-", StringComparison.Ordinal);

    /// <summary>"$.items[2].samples" → items[2], samples; "$" → none.</summary>
    private static List<string> Segments(string? path)
    {
        if (path is null || path == "$")
            return [];
        var parts = new List<string>();
        foreach (var part in path.TrimStart('$').Split('.', StringSplitOptions.RemoveEmptyEntries))
            parts.Add(part.Replace("['", ".").Replace("']", ""));
        return parts;
    }

    /// <summary>The declared type at the path (JSON names are the camelCase of the properties), or null when it cannot be followed.</summary>
    private static Type? TypeAt(Type? type, List<string> path)
    {
        foreach (var segment in path)
        {
            if (type is null)
                return null;
            var name = segment.Split('[')[0];
            var property = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
            type = property?.PropertyType;
            for (var depth = segment.Count(c => c == '['); depth > 0 && type is not null; depth--)
                type = ElementType(type);
        }
        return type;
    }

    private static Type? ElementType(Type type) =>
        type.IsArray ? type.GetElementType() : type.GetInterfaces().Append(type)
            .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];

    private static string Expected(Type? type)
    {
        type = type is null ? null : Nullable.GetUnderlyingType(type) ?? type;
        return type switch
        {
            null => "of another JSON type",
            _ when type == typeof(string) => "a string",
            _ when type == typeof(bool) => "true or false",
            _ when type == typeof(int) => $"a whole number from {int.MinValue} to {int.MaxValue}",
            _ when type == typeof(long) => $"a whole number from {long.MinValue} to {long.MaxValue}",
            _ when type == typeof(double) || type == typeof(float) || type == typeof(decimal) => "a finite number",
            _ when type.IsEnum => $"one of {string.Join(", ", Enum.GetNames(type).Select(n => JsonNamingPolicy.CamelCase.ConvertName(n)))}",
            _ when type == typeof(JsonElement) || type == typeof(object) => "JSON",
            _ when typeof(IEnumerable).IsAssignableFrom(type) => "a JSON array",
            _ => "a JSON object",
        };
    }
}
