using System.Collections.Concurrent;
using JudgeApi.Llama;

namespace JudgeApi.Judging;

/// <summary>
/// The LoRA adapters loaded for the model, by path, each loaded on first use. Adapters stay loaded until the cache is
/// disposed: queued work may still point at one that is no longer active, and adapter files are never rewritten in place.
/// </summary>
internal sealed class AdapterCache(LlamaModel model) : IDisposable
{
    private readonly ConcurrentDictionary<string, LoraAdapter> _adapters = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public LoraAdapter Get(string path)
    {
        if (_adapters.TryGetValue(path, out var adapter))
            return adapter;
        lock (_gate)
            return _adapters.TryGetValue(path, out adapter) ? adapter : _adapters[path] = LoraAdapter.Load(model, path);
    }

    /// <summary>Loads an adapter the cache does not keep, for the caller to dispose (one load at a time, like <see cref="Get"/>).</summary>
    public LoraAdapter LoadUnshared(string path)
    {
        lock (_gate)
            return LoraAdapter.Load(model, path);
    }

    public void Dispose()
    {
        foreach (var adapter in _adapters.Values)
            adapter.Dispose();
        _adapters.Clear();
    }
}
