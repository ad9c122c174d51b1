namespace JudgeApi.Llama;

/// <summary>Base of every error the engine reports; the message says what to do about it.</summary>
public class LlamaException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The pinned native libraries are missing or cannot be loaded.</summary>
public sealed class LlamaNativeLibraryException(string message, Exception? inner = null) : LlamaException(message, inner);

/// <summary>A model file is missing, not GGUF, corrupt, or of an architecture llama.cpp does not know.</summary>
public sealed class LlamaModelLoadException(string message, Exception? inner = null) : LlamaException(message, inner);

/// <summary>A context could not be created with the requested options.</summary>
public sealed class LlamaContextException(string message, Exception? inner = null) : LlamaException(message, inner);

/// <summary>llama_decode refused a batch (KV cache full, inconsistent positions, …).</summary>
public sealed class LlamaDecodeException(string message, Exception? inner = null) : LlamaException(message, inner);

/// <summary>A prompt does not fit the context.</summary>
public sealed class LlamaPromptTooLongException(int tokens, int limit)
    : LlamaException($"The prompt needs {tokens} positions but the context holds {limit} per sequence; shorten the prompt or use a larger ContextSize.")
{
    /// <summary>Positions the prompt needs (including those already in the sequence).</summary>
    public int Tokens { get; } = tokens;

    /// <summary>Positions one sequence of the context holds.</summary>
    public int Limit { get; } = limit;
}

/// <summary>A GBNF grammar does not parse, or a token is not allowed by the grammar.</summary>
public sealed class LlamaGrammarException(string message, Exception? inner = null) : LlamaException(message, inner);

/// <summary>A LoRA adapter file is missing, not an adapter, or does not match the model's shapes.</summary>
public sealed class LlamaAdapterException(string message, Exception? inner = null) : LlamaException(message, inner);

/// <summary>The model has no chat template, or one llama.cpp's built-in formatter does not recognise.</summary>
public sealed class LlamaChatTemplateException(string message, Exception? inner = null) : LlamaException(message, inner);

/// <summary>An argument (token id, batch index, sequence id, option) is outside what the model or context allows.</summary>
public sealed class LlamaArgumentException(string paramName, string message) : LlamaException(message)
{
    public string ParamName { get; } = paramName;
}
