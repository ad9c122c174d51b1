using System.Globalization;
using System.Text.Json.Nodes;

namespace JudgeApi.Tests.Fuzz;

/// <summary>
/// Builds the crafted files of gguf.json from a valid adapter (or the test model): a header count, a key's or tensor's
/// field set to a value, a truncation, appended bytes, or non-finite tensor data.
/// </summary>
internal static class GgufCrafter
{
    public static byte[] Craft(JsonObject spec, GgufLayout adapter, GgufLayout model)
    {
        var layout = spec["file"]?.GetValue<string>() == "model" ? model : adapter;
        var bytes = layout.Bytes;
        for (JsonObject? step = spec; step is not null; step = step["and"]?.AsObject())
            if (step.Any(p => p.Key is not ("name" or "file" or "and")))
                bytes = Apply(step, Layout(bytes, layout));
        return bytes;
    }

    // The layout's offsets stay valid while only fixed-size fields are written.
    private static GgufLayout Layout(byte[] bytes, GgufLayout original) =>
        new() { Bytes = bytes, Keys = original.Keys, Tensors = original.Tensors, DataStart = original.DataStart };

    private static byte[] Apply(JsonObject spec, GgufLayout layout)
    {
        if (spec["set"]?.GetValue<string>() is { } field)
            return Write(layout, Offset(layout, field), spec);
        if (spec["truncate"]?.GetValue<int>() is { } length)
            return layout.Bytes[..length];
        if (spec["truncateAt"]?.GetValue<string>() is { } at)
            return layout.Bytes[..(int)(Offset(layout, at + ".nameLength") + 4)];
        if (spec["truncateFromEnd"]?.GetValue<int>() is { } cut)
            return layout.Bytes[..^cut];
        if (spec["append"]?.GetValue<int>() is { } extra)
            return [.. layout.Bytes, .. new byte[extra]];
        if (spec["data"]?.GetValue<int>() is { } tensor)
            return layout.With(layout.DataStart + layout.Tensors[tensor].DataOffset, Float(spec["float"]!));
        if (spec["fill"]?.GetValue<int>() is { } filled)
        {
            var bytes = (byte[])layout.Bytes.Clone();
            var t = layout.Tensors[filled];
            var end = filled + 1 < layout.Tensors.Count ? layout.DataStart + layout.Tensors[filled + 1].DataOffset : bytes.Length;
            for (var at2 = layout.DataStart + t.DataOffset; at2 + 4 <= end; at2 += 4)
                BitConverter.TryWriteBytes(bytes.AsSpan((int)at2), Float(spec["float"]!));
            return bytes;
        }
        throw new InvalidDataException("gguf.json: unknown case " + spec.ToJsonString());
    }

    private static byte[] Write(GgufLayout layout, long offset, JsonObject spec) =>
        spec["int64"] is { } i64 ? layout.With(offset, i64.GetValue<long>())
        : spec["uint32"] is { } u32 ? layout.With(offset, u32.GetValue<uint>())
        : spec["int32"] is { } i32 ? layout.With(offset, BitConverter.GetBytes(i32.GetValue<int>()))
        : layout.With(offset, Float(spec["float"]!));

    private static float Float(JsonNode value) => value.GetValueKind() == System.Text.Json.JsonValueKind.String
        ? float.Parse(value.GetValue<string>(), CultureInfo.InvariantCulture)
        : value.GetValue<float>();

    /// <summary>"version", "tensorCount", "keyCount", "key:NAME-or-INDEX.FIELD", "tensor:INDEX.FIELD".</summary>
    private static long Offset(GgufLayout layout, string field)
    {
        switch (field)
        {
            case "version": return GgufLayout.VersionAt;
            case "tensorCount": return GgufLayout.TensorCountAt;
            case "keyCount": return GgufLayout.KeyCountAt;
        }
        var (kind, rest) = (field[..field.IndexOf(':')], field[(field.IndexOf(':') + 1)..]);
        var (which, part) = (rest[..rest.LastIndexOf('.')], rest[(rest.LastIndexOf('.') + 1)..]);
        if (kind == "key")
        {
            var key = int.TryParse(which, out var index) ? layout.Keys[index] : layout.KeyNamed(which);
            return part switch
            {
                "nameLength" => key.NameLengthAt,
                "type" => key.TypeAt,
                "value" => key.ValueAt,
                "arrayType" => key.ValueAt,
                "arrayCount" => key.ValueAt + 4,
                "firstElement" => key.ValueAt + 12,
                _ => throw new InvalidDataException("gguf.json: unknown key field " + part),
            };
        }
        var tensor = layout.Tensors[int.Parse(which, CultureInfo.InvariantCulture)];
        return part switch
        {
            "nameLength" => tensor.NameLengthAt,
            "dims" => tensor.DimsAt,
            "type" => tensor.TypeAt,
            "offset" => tensor.OffsetAt,
            _ when part.StartsWith("ne", StringComparison.Ordinal) => tensor.DimAt[int.Parse(part[2..], CultureInfo.InvariantCulture)],
            _ => throw new InvalidDataException("gguf.json: unknown tensor field " + part),
        };
    }
}
