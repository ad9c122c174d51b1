using System.ComponentModel;
using System.Globalization;

namespace JudgeApi.Auth;

/// <summary>
/// One configured key: <c>{ "Name": "alice", "Key": "…" }</c>, or a plain string (the key alone, as before names
/// existed), which a <see cref="TypeConverter"/> lets the configuration binder read; such a key is named by its list
/// and position (<c>operator-1</c>). The name is what the audit log and the console show, never the key.
/// </summary>
[TypeConverter(typeof(ApiKeyConverter))]
public sealed class ApiKey
{
    /// <summary>Who holds the key (shown in the audit log); empty: named by position.</summary>
    public string? Name { get; set; }

    public string Key { get; set; } = "";

    private sealed class ApiKeyConverter : TypeConverter
    {
        public override bool CanConvertFrom(ITypeDescriptorContext? context, Type sourceType) => sourceType == typeof(string);

        public override object ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value) => new ApiKey { Key = (string)value };
    }
}

/// <summary>A configured key with its name settled, as the handlers use it.</summary>
public sealed record NamedKey(string Name, string Key, string Role);
