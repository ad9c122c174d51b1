using System.Text.Json;
using System.Text.Json.Nodes;

namespace JudgeApi.Tests.Fuzz;

/// <summary>One operation of the OpenAPI document, as the fuzz suite needs it.</summary>
/// <param name="Body">The JSON request body's schema (references resolved), null when the operation takes no JSON body.</param>
/// <param name="Example">The schema's example, if the document has one.</param>
internal sealed record Operation(string Method, string Template, IReadOnlyList<string> PathParameters, IReadOnlyList<string> MediaTypes,
    JsonElement? Body, JsonNode? Example)
{
    public string Name => $"{Method} {Template}";

    public bool TakesJson => Body is not null;

    public bool TakesMultipart => MediaTypes.Contains("multipart/form-data");

    public bool TakesBody => MediaTypes.Count > 0;

    /// <summary>The path with each parameter replaced (values are put in as given: they may be percent-encoded on purpose).</summary>
    public string Path(string parameterValue) =>
        PathParameters.Aggregate(Template, (path, name) => path.Replace("{" + name + "}", parameterValue));
}

/// <summary>A field of a body: its path from the root ("samples", "items[0].mode", "[0]") and its schema.</summary>
internal sealed record BodyField(string Path, IReadOnlyList<object> Steps, JsonElement Schema);

/// <summary>Reads the operations of a live OpenAPI document (3.0 or 3.1), and the fields of each JSON body.</summary>
internal static class OpenApiRoutes
{
    private static readonly string[] Methods = ["get", "post", "put", "patch", "delete"];

    public static IReadOnlyList<Operation> Read(JsonDocument document)
    {
        var root = document.RootElement;
        var operations = new List<Operation>();
        foreach (var path in root.GetProperty("paths").EnumerateObject())
            foreach (var method in path.Value.EnumerateObject().Where(m => Methods.Contains(m.Name)))
            {
                var parameters = method.Value.TryGetProperty("parameters", out var ps)
                    ? ps.EnumerateArray().Where(p => p.GetProperty("in").GetString() == "path").Select(p => p.GetProperty("name").GetString()!).ToList()
                    : [];
                var mediaTypes = new List<string>();
                JsonElement? body = null;
                JsonNode? example = null;
                if (method.Value.TryGetProperty("requestBody", out var requestBody) && requestBody.TryGetProperty("content", out var content))
                    foreach (var media in content.EnumerateObject())
                    {
                        mediaTypes.Add(media.Name);
                        if (media.Name == "application/json" && media.Value.TryGetProperty("schema", out var schema))
                        {
                            body = Resolve(root, schema);
                            example = body.Value.TryGetProperty("example", out var e) ? JsonNode.Parse(e.GetRawText()) : null;
                        }
                    }
                operations.Add(new Operation(method.Name.ToUpperInvariant(), path.Name, parameters, mediaTypes, body, example));
            }
        return operations;
    }

    /// <summary>Every field of the schema: an object's properties, and inside arrays the first element's (arrays of objects one level down).</summary>
    public static IReadOnlyList<BodyField> Fields(JsonDocument document, JsonElement schema)
    {
        var fields = new List<BodyField>();
        Collect(document.RootElement, schema, "", [], fields, depth: 0);
        return fields;
    }

    private static void Collect(JsonElement root, JsonElement schema, string path, List<object> steps, List<BodyField> fields, int depth)
    {
        schema = Resolve(root, schema);
        if (depth > 3)
            return;
        if (schema.TryGetProperty("properties", out var properties))
            foreach (var property in properties.EnumerateObject())
            {
                var child = Resolve(root, property.Value);
                var childPath = path.Length == 0 ? property.Name : $"{path}.{property.Name}";
                List<object> childSteps = [.. steps, property.Name];
                fields.Add(new BodyField(childPath, childSteps, child));
                Collect(root, child, childPath, childSteps, fields, depth + 1);
            }
        if (IsType(schema, "array") && schema.TryGetProperty("items", out var items))
        {
            var element = Resolve(root, items);
            var elementPath = $"{path}[0]";
            List<object> elementSteps = [.. steps, 0];
            if (!element.TryGetProperty("properties", out _))
                fields.Add(new BodyField(elementPath, elementSteps, element));
            Collect(root, element, elementPath, elementSteps, fields, depth + 1);
        }
    }

    public static bool IsType(JsonElement schema, string type) => schema.TryGetProperty("type", out var t) &&
        (t.ValueKind == JsonValueKind.String ? t.GetString() == type : t.EnumerateArray().Any(x => x.GetString() == type));

    private static JsonElement Resolve(JsonElement root, JsonElement schema)
    {
        for (var hops = 0; schema.TryGetProperty("$ref", out var reference) && hops < 8; hops++)
        {
            var target = root;
            foreach (var part in reference.GetString()!.TrimStart('#', '/').Split('/'))
                target = target.GetProperty(part);
            schema = target;
        }
        // 3.1 writes a nullable reference as allOf/oneOf/anyOf of the reference (and null).
        foreach (var combinator in new[] { "allOf", "oneOf", "anyOf" })
            if (schema.TryGetProperty(combinator, out var options) && options.EnumerateArray().FirstOrDefault(o => o.TryGetProperty("$ref", out _)) is { ValueKind: JsonValueKind.Object } first)
                return Resolve(root, first);
        return schema;
    }
}
