using System.Text;
using System.Text.Json.Nodes;

namespace JudgeApi.Tests.Fuzz;

/// <summary>
/// A bounded, seeded random mutator on top of the corpus: from an operation's valid body (or a valid adapter, or a
/// plain id) it makes one to three changes (a field set to a corpus value or removed, bytes flipped, inserted or
/// cut, the content type swapped, the body nested or repeated), so the same seed gives the same cases.
/// </summary>
internal sealed class Mutator(int seed)
{
    private static readonly string[] ContentTypes =
        ["application/json", "application/json; charset=utf-8", "text/plain", "application/x-ndjson", "application/jsonl", "multipart/form-data; boundary=B", "application/octet-stream"];

    private static readonly string[] Junk = ["\0", "\\", "\"", "{", "}", "[", "]", ",", ":", "\\u", "\\ud800", "\u00ff", "\r\n", "1e999", "-", "null"];

    private readonly Random random = new(seed);

    public FuzzBody Json(JsonNode? valid, IReadOnlyList<BodyField> fields, string contentType, out string description)
    {
        var text = valid?.ToJsonString() ?? "{}";
        var changes = new List<string>();
        var chosenContentType = contentType;
        for (var n = random.Next(1, 4); n > 0; n--)
        {
            switch (random.Next(fields.Count > 0 ? 9 : 6))
            {
                case 0:
                    (text, var flipped) = FlipBytes(text);
                    changes.Add($"flipped {flipped} bytes");
                    break;
                case 1:
                    var at = random.Next(text.Length + 1);
                    var junk = Junk[random.Next(Junk.Length)];
                    text = text.Insert(at, junk);
                    changes.Add($"inserted '{junk}' at {at}");
                    break;
                case 2:
                    var cut = random.Next(text.Length + 1);
                    text = text[..cut];
                    changes.Add($"cut at {cut}");
                    break;
                case 3:
                    chosenContentType = ContentTypes[random.Next(ContentTypes.Length)];
                    changes.Add($"content type {chosenContentType}");
                    break;
                case 4:
                    var depth = random.Next(2, 300);
                    text = string.Concat(Enumerable.Repeat("[", depth)) + text + string.Concat(Enumerable.Repeat("]", depth));
                    changes.Add($"nested {depth} deep");
                    break;
                case 5:
                    text = text + text;
                    changes.Add("repeated");
                    break;
                default:
                    var field = fields[random.Next(fields.Count)];
                    var node = Parse(text) ?? valid;
                    if (random.Next(5) == 0)
                    {
                        text = JsonPlacement.Without(node, field.Steps);
                        changes.Add($"removed {field.Path}");
                    }
                    else
                    {
                        var value = FuzzCorpus.Values[random.Next(FuzzCorpus.Values.Count)];
                        text = JsonPlacement.With(node, field.Steps, value);
                        changes.Add($"{field.Path} = {Short(value)}");
                    }
                    break;
            }
        }
        description = string.Join("; ", changes);
        return new FuzzBody(Encoding.UTF8.GetBytes(text), chosenContentType);
    }

    /// <summary>A valid file with its header or directory bytes changed, or cut short.</summary>
    public byte[] File(GgufLayout valid, out string description)
    {
        var bytes = (byte[])valid.Bytes.Clone();
        var headerEnd = (int)Math.Min(valid.DataStart, bytes.Length);
        if (random.Next(4) == 0)
        {
            var length = random.Next(bytes.Length);
            description = $"cut at byte {length}";
            return bytes[..length];
        }
        var changes = new List<string>();
        for (var n = random.Next(1, 9); n > 0; n--)
        {
            var at = random.Next(4, headerEnd);
            var value = random.Next(3) switch { 0 => (byte)0xFF, 1 => (byte)0, _ => (byte)random.Next(256) };
            bytes[at] = value;
            changes.Add($"byte {at} = 0x{value:x2}");
        }
        description = string.Join(", ", changes);
        return bytes;
    }

    /// <summary>An id from the corpus, random printable junk, or percent-encoded random bytes.</summary>
    public string Id(out string description)
    {
        var id = random.Next(3) switch
        {
            0 => FuzzCorpus.Ids[random.Next(FuzzCorpus.Ids.Count)],
            1 => Uri.EscapeDataString(new string([.. Enumerable.Range(0, random.Next(1, 40)).Select(_ => (char)random.Next(32, 127))])),
            _ => string.Concat(Enumerable.Range(0, random.Next(1, 12)).Select(_ => $"%{random.Next(256):X2}")),
        };
        description = $"id {Short(id)}";
        return id;
    }

    private (string Text, int Count) FlipBytes(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        if (bytes.Length == 0)
            return (text, 0);
        var count = random.Next(1, 4);
        for (var i = 0; i < count; i++)
            bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
        // Decoding repairs invalid UTF-8 into U+FFFD; the flips still change the JSON.
        return (Encoding.UTF8.GetString(bytes), count);
    }

    /// <summary>The text as a node that can be written out again, or null (a node holding a lone surrogate parses but cannot be written).</summary>
    private static JsonNode? Parse(string text)
    {
        try
        {
            var node = JsonNode.Parse(text);
            _ = node?.ToJsonString();
            return node;
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    private static string Short(string text) => text.Length > 60 ? text[..60] + $"…({text.Length} chars)" : text;
}
