using System.Runtime.InteropServices;

namespace JudgeApi.Llama.Native;

/// <summary>
/// Keeps a SafeHandle alive while its raw pointer (or a pointer it owns, like a vocab or memory) is used;
/// throws ObjectDisposedException when the handle is already closed.
/// </summary>
internal readonly ref struct HandleLease
{
    private readonly SafeHandle _handle;

    public HandleLease(SafeHandle handle)
    {
        var added = false;
        handle.DangerousAddRef(ref added);
        _handle = handle;
    }

    public void Dispose() => _handle.DangerousRelease();
}
