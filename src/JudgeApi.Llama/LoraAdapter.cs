using JudgeApi.Llama.Native;

namespace JudgeApi.Llama;

/// <summary>
/// A GGUF LoRA adapter loaded for one model; apply it with <see cref="LlamaContext.SetLoraAdapters"/>.
/// A context keeps the adapters it uses alive, so disposing an adapter that is still set is safe.
/// </summary>
public sealed class LoraAdapter : IDisposable
{
    private readonly SafeLlamaAdapterLoraHandle _handle;
    private bool _disposed;

    private LoraAdapter(SafeLlamaAdapterLoraHandle handle, LlamaModel model, string path)
    {
        _handle = handle;
        Model = model;
        Path = path;
    }

    public string Path { get; }

    /// <summary>The model the adapter was loaded for (the only one it can be applied to).</summary>
    public LlamaModel Model { get; }

    /// <summary>The native adapter; throws once disposed, even while a context still keeps it alive.</summary>
    internal SafeLlamaAdapterLoraHandle Handle
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _handle;
        }
    }

    public static LoraAdapter Load(LlamaModel model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(path);
        if (model.IsVocabOnly)
            throw new LlamaAdapterException($"Model '{model.Path}' was loaded with VocabOnly; adapters need the model's weights.");
        var fullPath = System.IO.Path.GetFullPath(path);
        if (GgufMagic.Problem(fullPath) is { } problem)
            throw new LlamaAdapterException($"{problem} Point the adapter path at a GGUF LoRA adapter file.");

        LlamaLog.BeginCapture();
        var handle = SafeLlamaAdapterLoraHandle.Load(model.Handle, fullPath)
            ?? throw new LlamaAdapterException(
                $"llama.cpp refused LoRA adapter '{fullPath}' for model '{model.Path}': {LlamaLog.TakeErrors("no reason given")}. " +
                "It must be a GGUF LoRA (general.type=adapter) trained for this model's architecture and shapes.");
        return new LoraAdapter(handle, model, fullPath);
    }

    public void Dispose()
    {
        _disposed = true;
        _handle.Dispose();
    }
}
