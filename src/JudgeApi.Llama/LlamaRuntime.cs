using System.Runtime.InteropServices;
using JudgeApi.Llama.Native;

namespace JudgeApi.Llama;

/// <summary>
/// Loads the pinned llama.cpp natives once per process: resolves the logical library names of
/// <see cref="NativeApi"/> to native/&lt;backend&gt;/ next to this assembly, loads the ggml backends
/// found there (the best CPU variant for this machine, CUDA when present) and initialises llama.
/// </summary>
public static class LlamaRuntime
{
    private static readonly Lock Gate = new();
    private static LlamaBackend? _backend;
    private static volatile Action<LlamaLogLevel, string> _log = LlamaLog.WriteWarningsToStderr;

    /// <summary>The backend the process loaded; null before <see cref="Initialize"/>.</summary>
    public static LlamaBackend? Backend => _backend;

    /// <summary>
    /// Receives every llama.cpp / ggml log line (called on the thread that logs, possibly concurrently).
    /// The default drops debug and info and writes warnings and errors to stderr.
    /// </summary>
    public static Action<LlamaLogLevel, string> Log
    {
        get => _log;
        set => _log = value ?? throw new ArgumentNullException(nameof(value), "Set a no-op action to silence llama.cpp.");
    }

    /// <summary>The names of llama.cpp's built-in chat templates ("chatml", "llama3", …), which a template may be given by.</summary>
    public static IReadOnlyList<string> BuiltInChatTemplates => BuiltInTemplateNames.Value;

    private static readonly Lazy<IReadOnlyList<string>> BuiltInTemplateNames = new(() =>
    {
        EnsureInitialized();
        unsafe
        {
            var count = NativeApi.llama_chat_builtin_templates(null, 0);
            var names = new IntPtr[count];
            fixed (IntPtr* output = names)
                count = Math.Min(count, NativeApi.llama_chat_builtin_templates(output, (nuint)names.Length));
            return names.Take(count).Select(n => Marshal.PtrToStringUTF8(n)!).ToArray();
        }
    });

    /// <summary>Loads the CPU backend unless a backend is already loaded (what model loading needs).</summary>
    internal static void EnsureInitialized()
    {
        if (_backend is null)
            Initialize();
    }

    /// <summary>
    /// Idempotent. The first call decides the backend for the life of the process (native libraries
    /// cannot be unloaded); a later call asking for another backend throws.
    /// </summary>
    public static void Initialize(LlamaBackend backend = LlamaBackend.Cpu, string? nativeDirectory = null)
    {
        lock (Gate)
        {
            if (_backend is { } loaded)
            {
                if (loaded != backend)
                    throw new LlamaNativeLibraryException($"llama.cpp is already loaded with the {loaded} backend; one process runs one backend.");
                return;
            }

            var dir = nativeDirectory ?? Path.Combine(AppContext.BaseDirectory, "native", backend.ToString().ToLowerInvariant());
            var files = NativeFileNames(backend);
            foreach (var file in files.Values)
            {
                if (!File.Exists(Path.Combine(dir, file)))
                    throw new LlamaNativeLibraryException(
                        $"Native library '{file}' not found in '{dir}'. Build the solution (it runs 'npm ci' for the pinned natives)" +
                        (backend == LlamaBackend.Cuda ? " with -p:LlamaBackend=cuda." : "."));
            }

            NativeLibrary.SetDllImportResolver(typeof(LlamaRuntime).Assembly, (name, _, _) =>
                files.TryGetValue(name, out var file) ? NativeLibrary.Load(Path.Combine(dir, file)) : IntPtr.Zero);

            unsafe
            {
                NativeApi.llama_log_set(LlamaLog.Callback, null);
            }
            NativeApi.ggml_backend_load_all_from_path(dir);
            NativeApi.llama_backend_init();
            _backend = backend;
        }
    }

    private static Dictionary<string, string> NativeFileNames(LlamaBackend backend) => backend switch
    {
        LlamaBackend.Cpu => new()
        {
            [NativeApi.Llama] = "libllama.v0.5.0.so",
            [NativeApi.Ggml] = "libggml.v0.5.0.so",
            [NativeApi.GgmlBase] = "libggml-base.so",
        },
        LlamaBackend.Cuda => new()
        {
            [NativeApi.Llama] = "libllama.cuda.v0.5.0.so",
            [NativeApi.Ggml] = "libggml.cuda.v0.5.0.so",
            [NativeApi.GgmlBase] = "libggml-base.so",
        },
        _ => throw new ArgumentOutOfRangeException(nameof(backend)),
    };
}
