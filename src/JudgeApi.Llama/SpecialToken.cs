namespace JudgeApi.Llama;

/// <summary>A control (or unknown) token and how llama.cpp matches its text: LeftStrip/RightStrip eat the whitespace beside it.</summary>
internal sealed record SpecialToken(int Id, string Text, bool LeftStrip, bool RightStrip);

/// <summary>llama_token_attr of llama.h (the bits this binding reads).</summary>
[Flags]
internal enum TokenAttributes
{
    Unknown = 1 << 0,
    Control = 1 << 3,
    LeftStrip = 1 << 7,
    RightStrip = 1 << 8,
}
