namespace JudgeApi.Llama.Native;

/// <summary>
/// Marks a struct that mirrors a C struct of the pinned headers, field by field with the C names.
/// The ABI test compiles a C probe for every struct carrying this attribute and compares sizeof and
/// offsetof of each field with the managed layout, so a header change cannot go unnoticed.
/// </summary>
[AttributeUsage(AttributeTargets.Struct, Inherited = false)]
internal sealed class NativeStructAttribute(string cName, string header) : Attribute
{
    /// <summary>The C type as written in a declaration, e.g. "struct llama_model_params".</summary>
    public string CName { get; } = cName;

    /// <summary>The header that declares it, relative to the include path (e.g. "llama.h").</summary>
    public string Header { get; } = header;
}
