using System.Runtime.InteropServices;
using System.Text;
using JudgeApi.Llama.Native;

namespace JudgeApi.Llama;

/// <summary>
/// A loaded GGUF model: weights, vocabulary and metadata. Reading members are safe to call from several
/// threads; contexts, samplers and adapters made from it keep it alive until they are disposed.
/// </summary>
public sealed partial class LlamaModel : IDisposable
{
    private readonly SafeLlamaModelHandle _handle;
    private readonly IntPtr _vocab; // owned by the model; used under a lease of Handle
    private bool _disposed;

    private unsafe LlamaModel(SafeLlamaModelHandle handle, string path, bool vocabOnly)
    {
        _handle = handle;
        Path = path;
        IsVocabOnly = vocabOnly;
        _vocab = NativeApi.llama_model_get_vocab(handle);
        Metadata = ReadMetadata(handle);
        Architecture = Metadata.TryGetValue("general.architecture", out var arch) ? arch : "";
        Description = ReadString((buf, size) => NativeApi.llama_model_desc(handle, buf, size));
        ParameterCount = (long)NativeApi.llama_model_n_params(handle);
        SizeBytes = (long)NativeApi.llama_model_size(handle);
        TrainContextLength = NativeApi.llama_model_n_ctx_train(handle);
        EmbeddingLength = NativeApi.llama_model_n_embd(handle);
        LayerCount = NativeApi.llama_model_n_layer(handle);
        VocabSize = NativeApi.llama_vocab_n_tokens(_vocab);
        BosToken = NativeApi.llama_vocab_bos(_vocab);
        EosToken = NativeApi.llama_vocab_eos(_vocab);
        ChatTemplate = Marshal.PtrToStringUTF8(NativeApi.llama_model_chat_template(handle, null));
        AddsBos = NativeApi.llama_vocab_get_add_bos(_vocab);
        _specialTokens = new Lazy<IReadOnlyList<SpecialToken>>(ReadSpecialTokens);
    }

    private readonly Lazy<IReadOnlyList<SpecialToken>> _specialTokens;

    /// <summary>
    /// The native model, for calls and for new contexts, samplers and adapters. Throws once the model is disposed,
    /// even while objects made earlier still keep the native model alive.
    /// </summary>
    internal SafeLlamaModelHandle Handle
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _handle;
        }
    }

    /// <summary>Loaded with <see cref="ModelOptions.VocabOnly"/>: no weights, so no context can be made.</summary>
    public bool IsVocabOnly { get; }

    public string Path { get; }

    /// <summary>general.architecture, e.g. "llama" or "qwen2".</summary>
    public string Architecture { get; }

    public string Description { get; }
    public long ParameterCount { get; }
    public long SizeBytes { get; }
    public int TrainContextLength { get; }
    public int EmbeddingLength { get; }
    public int LayerCount { get; }
    public int VocabSize { get; }

    /// <summary>The default chat template (Jinja source) from the file, or null when there is none.</summary>
    public string? ChatTemplate { get; }

    /// <summary>All GGUF metadata as llama.cpp renders it to strings (arrays are abbreviated by llama.cpp).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Beginning-of-sequence token, -1 when the vocabulary has none.</summary>
    public int BosToken { get; }

    /// <summary>End-of-sequence token, -1 when the vocabulary has none.</summary>
    public int EosToken { get; }

    /// <summary>Whether the vocabulary starts every text with BOS (what <c>addSpecial</c> adds first).</summary>
    public bool AddsBos { get; }

    /// <summary>
    /// The control and unknown tokens: what llama.cpp turns text into when it parses special tokens, longest text
    /// first as it matches them (user-defined tokens are matched in any text, so they are not listed).
    /// </summary>
    internal IReadOnlyList<SpecialToken> SpecialTokens => _specialTokens.Value;

    /// <summary>Loads a GGUF model, initialising the CPU runtime first if no backend is loaded.</summary>
    public static LlamaModel Load(string path, ModelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= new ModelOptions();
        if (options.GpuLayers < -1)
            throw new LlamaArgumentException(nameof(options), $"GpuLayers must be -1 (all), 0 (none) or a layer count, not {options.GpuLayers}.");
        var fullPath = System.IO.Path.GetFullPath(path);
        LlamaRuntime.EnsureInitialized();
        if (GgufMagic.Problem(fullPath) is { } problem)
            throw new LlamaModelLoadException($"{problem} Point the model path at a llama.cpp GGUF model file.");

        var @params = NativeApi.llama_model_default_params();
        @params.n_gpu_layers = options.GpuLayers;
        @params.load_mode = options.UseMmap ? llama_model_params.LLAMA_LOAD_MODE_MMAP : llama_model_params.LLAMA_LOAD_MODE_NONE;
        @params.vocab_only = options.VocabOnly;
        @params.use_extra_bufts = options.RepackWeights;

        LlamaLog.BeginCapture();
        var raw = NativeApi.llama_model_load_from_file(fullPath, @params);
        if (raw == IntPtr.Zero)
        {
            var why = LlamaLog.TakeErrors("llama.cpp gave no reason");
            throw new LlamaModelLoadException(
                $"llama.cpp could not load '{fullPath}': {why}. The file may be truncated or corrupt, or of an architecture this llama.cpp build does not support.");
        }
        return new LlamaModel(SafeLlamaModelHandle.FromRaw(raw), fullPath, options.VocabOnly);
    }

    /// <summary>
    /// Formats messages with the model's chat template (llama.cpp's built-in formatter recognises the common
    /// templates by their Jinja source); addAssistantPrefix ends with the opening of an assistant turn.
    /// </summary>
    public string ApplyChatTemplate(IReadOnlyList<ChatMessage> messages, bool addAssistantPrefix) =>
        ApplyChatTemplate(messages, addAssistantPrefix, template: null);

    /// <summary>
    /// Formats messages with <paramref name="template"/>: the name of one of llama.cpp's built-in templates
    /// (<see cref="LlamaRuntime.BuiltInChatTemplates"/>) or a Jinja source it recognises; null: the model's own.
    /// </summary>
    public unsafe string ApplyChatTemplate(IReadOnlyList<ChatMessage> messages, bool addAssistantPrefix, string? template)
    {
        ArgumentNullException.ThrowIfNull(messages);
        foreach (var m in messages)
        {
            if (m is null || string.IsNullOrEmpty(m.Role) || m.Content is null)
                throw new LlamaArgumentException(nameof(messages), "Every chat message needs a non-empty Role and a non-null Content.");
        }
        using var lease = new HandleLease(Handle);
        var own = NativeApi.llama_model_chat_template(Handle, null);
        if (template is null && own == IntPtr.Zero)
            throw new LlamaChatTemplateException($"Model '{Path}' has no chat template (tokenizer.chat_template); use a chat/instruct model or format the prompt yourself.");

        var native = new llama_chat_message[messages.Count];
        var named = template is null ? IntPtr.Zero : Marshal.StringToCoTaskMemUTF8(template);
        try
        {
            var chars = 0;
            for (var i = 0; i < messages.Count; i++)
            {
                native[i].role = Marshal.StringToCoTaskMemUTF8(messages[i].Role);
                native[i].content = Marshal.StringToCoTaskMemUTF8(messages[i].Content);
                chars += messages[i].Role.Length + messages[i].Content.Length;
            }
            var buffer = new byte[chars * 4 + 512];
            fixed (llama_chat_message* chat = native)
            {
                while (true)
                {
                    int n;
                    fixed (byte* b = buffer)
                        n = NativeApi.llama_chat_apply_template(template is null ? own : named, chat, (nuint)native.Length, addAssistantPrefix, b, buffer.Length);
                    if (n < 0)
                        throw new LlamaChatTemplateException(template is null
                            ? $"llama.cpp does not recognise the chat template of '{Path}'; name one of its built-in templates to use instead ({string.Join(", ", LlamaRuntime.BuiltInChatTemplates)})."
                            : $"'{template}' is not one of llama.cpp's built-in chat templates ({string.Join(", ", LlamaRuntime.BuiltInChatTemplates)}).");
                    if (n <= buffer.Length)
                        return Encoding.UTF8.GetString(buffer, 0, n);
                    buffer = new byte[n];
                }
            }
        }
        finally
        {
            Marshal.FreeCoTaskMem(named);
            foreach (var m in native)
            {
                Marshal.FreeCoTaskMem(m.role);
                Marshal.FreeCoTaskMem(m.content);
            }
        }
    }

    public void Dispose()
    {
        _disposed = true;
        _handle.Dispose();
    }

    private static unsafe Dictionary<string, string> ReadMetadata(SafeLlamaModelHandle handle)
    {
        var count = NativeApi.llama_model_meta_count(handle);
        var metadata = new Dictionary<string, string>(count, StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var index = i;
            var key = ReadString((buf, size) => NativeApi.llama_model_meta_key_by_index(handle, index, buf, size));
            var value = ReadString((buf, size) => NativeApi.llama_model_meta_val_str_by_index(handle, index, buf, size));
            metadata[key] = value;
        }
        return metadata;
    }

    private unsafe delegate int SnprintfCall(byte* buf, nuint size);

    /// <summary>Calls an snprintf-style function (returns the full length) until the buffer is big enough.</summary>
    private static unsafe string ReadString(SnprintfCall call)
    {
        var buffer = new byte[256];
        while (true)
        {
            int n;
            fixed (byte* b = buffer)
                n = call(b, (nuint)buffer.Length);
            if (n < 0)
                return "";
            if (n < buffer.Length)
                return Encoding.UTF8.GetString(buffer, 0, n);
            buffer = new byte[n + 1];
        }
    }
}
