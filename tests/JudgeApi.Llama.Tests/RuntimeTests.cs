using System.Runtime.InteropServices;
using JudgeApi.Llama.Native;

namespace JudgeApi.Llama.Tests;

public class RuntimeTests
{
    [Fact]
    public void Loads_pinned_natives_and_a_cpu_backend()
    {
        LlamaRuntime.Initialize();
        var info = Marshal.PtrToStringUTF8(NativeApi.llama_print_system_info());
        Assert.Contains("CPU", info);
        Assert.Equal(LlamaBackend.Cpu, LlamaRuntime.Backend);
    }
}
