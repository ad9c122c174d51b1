using System.Runtime.InteropServices;

namespace JudgeApi.Llama.Native;

/// <summary>
/// Base of the binding's handles (as LLamaSharp's SafeLLamaHandleBase): owns one native pointer, NULL is the
/// invalid value (a failed create leaves the handle invalid and nothing is freed), and the pointer is freed
/// exactly once, by <see cref="Free"/>. Each subclass keeps what is its own: how the object is created, its
/// free function, and any handles it keeps alive (DangerousAddRef) while llama.cpp holds pointers into them.
/// </summary>
internal abstract class SafeNativeHandle : SafeHandle
{
    protected SafeNativeHandle() : base(IntPtr.Zero, ownsHandle: true) { }

    /// <summary>Takes ownership of a pointer a native create function returned.</summary>
    protected SafeNativeHandle(IntPtr native) : this() => SetHandle(native);

    public sealed override bool IsInvalid => handle == IntPtr.Zero;

    /// <summary>Frees the native object (called once, for a valid handle), then releases what it kept alive.</summary>
    protected abstract void Free(IntPtr native);

    protected sealed override bool ReleaseHandle()
    {
        Free(handle);
        return true;
    }
}
