namespace JudgeApi.Llama;

/// <summary>Base of every error the engine reports; the message says what to do about it.</summary>
public class LlamaException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The pinned native libraries are missing or cannot be loaded.</summary>
public sealed class LlamaNativeLibraryException(string message, Exception? inner = null) : LlamaException(message, inner);

/// <summary>A model file is missing, is not GGUF, is corrupt, or holds an architecture llama.cpp cannot load.</summary>
public sealed class LlamaModelLoadException(string message, Exception? inner = null) : LlamaException(message, inner);

/// <summary>A LoRA adapter is missing, is not an adapter, or does not match its base model.</summary>
public sealed class LlamaAdapterException(string message, Exception? inner = null) : LlamaException(message, inner);
