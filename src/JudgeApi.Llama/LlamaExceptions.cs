namespace JudgeApi.Llama;

/// <summary>Base of every error the engine reports; the message says what to do about it.</summary>
public class LlamaException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The pinned native libraries are missing or cannot be loaded.</summary>
public sealed class LlamaNativeLibraryException(string message, Exception? inner = null) : LlamaException(message, inner);
