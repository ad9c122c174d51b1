using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace JudgeApi.Tests.Fuzz;

/// <summary>One request body: raw bytes, the Content-Type header as sent (null: none), chunked or with a length.</summary>
internal sealed record FuzzBody(byte[] Bytes, string? ContentType, bool Chunked = false);

/// <summary>A query string, a header, or a body sent to an operation that takes none.</summary>
internal sealed record FuzzExtra(string Name, string? Query, string? Header, string? Value, string? Body);

/// <summary>The data files under Fuzz/Corpus (see its README), read once.</summary>
internal static partial class FuzzCorpus
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Fuzz", "Corpus");

    public static IReadOnlyList<(string Name, FuzzBody Body)> Bodies { get; } = ReadBodies("bodies.json", "application/json");

    public static IReadOnlyList<(string Name, FuzzBody Body)> Multipart { get; } = ReadBodies("multipart.json", "multipart/form-data; boundary=B");

    /// <summary>Raw JSON texts for a field's value.</summary>
    public static IReadOnlyList<string> Values { get; } = [.. Read("values.json").AsArray().Select(v => Expand(v!.GetValue<string>()))];

    /// <summary>Path parameter values, already percent-encoded where they mean to be.</summary>
    public static IReadOnlyList<string> Ids { get; } = [.. Read("ids.json").AsArray().Select(v => Expand(v!.GetValue<string>()))];

    public static IReadOnlyList<FuzzExtra> Extras { get; } = [.. Read("queries.json").AsArray().Select(c => new FuzzExtra(
        c!["name"]!.GetValue<string>(), Text(c, "query"), Text(c, "header"), Text(c, "value"), Text(c, "body")))];

    public static IReadOnlyList<JsonObject> Gguf { get; } = [.. Read("gguf.json").AsArray().Select(c => c!.AsObject())];

    /// <summary>A cheap valid body for an operation ("POST /judge"), when routes.json has one.</summary>
    public static JsonNode? ValidBody(string operation) => Read("routes.json")[operation]?.DeepClone();

    /// <summary><c>{{repeat:N:TEXT}}</c> is TEXT N times.</summary>
    public static string Expand(string text) =>
        Repeat().Replace(text, m => string.Concat(Enumerable.Repeat(m.Groups["text"].Value, int.Parse(m.Groups["count"].Value))));

    private static JsonNode Read(string file) => JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, file)))!;

    private static string? Text(JsonNode node, string key) => node[key] is { } value ? Expand(value.GetValue<string>()) : null;

    private static List<(string, FuzzBody)> ReadBodies(string file, string defaultContentType) =>
    [
        .. Read(file).AsArray().Select(c =>
        {
            var bytes = c!["hex"] is { } hex ? Convert.FromHexString(hex.GetValue<string>()) : Encoding.UTF8.GetBytes(Expand(c["body"]!.GetValue<string>()));
            var contentType = c.AsObject().ContainsKey("contentType") ? Text(c, "contentType") : defaultContentType;
            return (c["name"]!.GetValue<string>(), new FuzzBody(bytes, contentType, c["chunked"]?.GetValue<bool>() ?? false));
        }),
    ];

    [GeneratedRegex(@"\{\{repeat:(?<count>\d+):(?<text>.*?)\}\}", RegexOptions.Singleline)]
    private static partial Regex Repeat();
}

/// <summary>Writes a raw JSON value into a body at a field's path, creating the objects and arrays on the way.</summary>
internal static class JsonPlacement
{
    private const string Placeholder = "__fuzz_value_5b0d2c__";

    public static string With(JsonNode? body, IReadOnlyList<object> steps, string rawValue)
    {
        var root = Fits(body, steps) ? body!.DeepClone() : steps[0] is int ? new JsonArray() : new JsonObject();
        JsonNode node = root;
        for (var i = 0; i < steps.Count - 1; i++)
            node = Child(node, steps[i], steps[i + 1] is int);
        switch (steps[^1])
        {
            case string name:
                node.AsObject()[name] = Placeholder;
                break;
            case int index:
                var array = node.AsArray();
                while (array.Count <= index)
                    array.Add(null);
                array[index] = Placeholder;
                break;
        }
        return root.ToJsonString().Replace($"\"{Placeholder}\"", rawValue);
    }

    /// <summary>The body without the field.</summary>
    public static string Without(JsonNode? body, IReadOnlyList<object> steps)
    {
        var root = body?.DeepClone() ?? new JsonObject();
        JsonNode? node = root;
        for (var i = 0; i < steps.Count - 1 && node is not null; i++)
            node = (steps[i], node) switch
            {
                (string name, JsonObject parent) => parent[name],
                (int index, JsonArray items) when index < items.Count => items[index],
                _ => null,
            };
        if (node is JsonObject o && steps[^1] is string last)
            o.Remove(last);
        else if (node is JsonArray arr && steps[^1] is int index && index < arr.Count)
            arr.RemoveAt(index);
        return root.ToJsonString();
    }

    private static JsonNode Child(JsonNode node, object step, bool nextIsIndex)
    {
        JsonNode Fresh() => nextIsIndex ? new JsonArray() : new JsonObject();
        if (step is string name)
        {
            var o = node.AsObject();
            return o[name] is { } existing && Fits(existing, nextIsIndex) ? existing : o[name] = Fresh();
        }
        var array = node.AsArray();
        var index = (int)step;
        while (array.Count <= index)
            array.Add(Fresh());
        return array[index] is { } present && Fits(present, nextIsIndex) ? present : array[index] = Fresh();
    }

    private static bool Fits(JsonNode node, bool asArray) => node.GetValueKind() == (asArray ? JsonValueKind.Array : JsonValueKind.Object);

    /// <summary>Whether <paramref name="body"/> has the shape the path starts from (an object for a name, an array for an index).</summary>
    public static bool Fits(JsonNode? body, IReadOnlyList<object> steps) => body is not null && Fits(body, steps[0] is int);
}
