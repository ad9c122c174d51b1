using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace JudgeApi.Llama;

/// <summary>
/// Receives llama.cpp's and ggml's log (installed by <see cref="LlamaRuntime.Initialize"/>), forwards each line
/// to <see cref="LlamaRuntime.Log"/>, and remembers this thread's recent errors so a failed native call (which
/// only returns NULL) can say why.
/// </summary>
internal static unsafe class LlamaLog
{
    private const int MaxCapturedChars = 4000;

    [ThreadStatic] private static StringBuilder? _errors;
    [ThreadStatic] private static int _lastLevel;

    internal static delegate* unmanaged[Cdecl]<int, byte*, void*, void> Callback => &OnNativeLog;

    /// <summary>Default sink: drop debug and info, keep warnings and errors on stderr.</summary>
    internal static void WriteWarningsToStderr(LlamaLogLevel level, string text)
    {
        if (level >= LlamaLogLevel.Warning)
            Console.Error.WriteLine($"llama.cpp {level}: {text}");
    }

    /// <summary>Starts collecting this thread's error lines for <see cref="TakeErrors"/>.</summary>
    internal static void BeginCapture() => (_errors ??= new StringBuilder()).Clear();

    /// <summary>The error lines logged on this thread since <see cref="BeginCapture"/>, or a fallback.</summary>
    internal static string TakeErrors(string fallback)
    {
        var text = _errors is { Length: > 0 } ? _errors.ToString().Trim() : fallback;
        _errors?.Clear();
        return text;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnNativeLog(int level, byte* text, void* userData)
    {
        // An exception must not cross back into native code: it would end the process.
        try
        {
            const int cont = 5; // GGML_LOG_LEVEL_CONT: continues the previous line at its level
            if (level == cont)
                level = _lastLevel;
            else
                _lastLevel = level;
            if (level is < (int)LlamaLogLevel.Debug or > (int)LlamaLogLevel.Error || text == null)
                return;

            var line = Marshal.PtrToStringUTF8((IntPtr)text)?.TrimEnd('\n') ?? "";
            if (line.Length == 0)
                return;
            if (level == (int)LlamaLogLevel.Error && _errors is { } errors && errors.Length < MaxCapturedChars)
                errors.Append(line.Trim()).Append(' ');
            LlamaRuntime.Log((LlamaLogLevel)level, line);
        }
        catch (Exception)
        {
            // Logging is best effort; losing a line is better than crashing in a native callback.
        }
    }
}
