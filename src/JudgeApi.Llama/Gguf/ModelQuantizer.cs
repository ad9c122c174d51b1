using JudgeApi.Llama.IO;
using JudgeApi.Llama.Native;

namespace JudgeApi.Llama.Gguf;

/// <summary>Converts an F32 GGUF model with llama.cpp's own quantizer (llama_model_quantize), written atomically.</summary>
internal static class ModelQuantizer
{
    /// <summary>Q8_0, or Q4_K (llama.cpp's Q4_K_M mix: some tensors Q6_K, rows that are not 256 wide in a fallback type).</summary>
    public static unsafe void Quantize(string f32Path, string outPath, GgmlType type)
    {
        var parameters = NativeApi.llama_model_quantize_default_params();
        parameters.nthread = Environment.ProcessorCount;
        parameters.ftype = type switch
        {
            GgmlType.Q8_0 => llama_ftype.LLAMA_FTYPE_MOSTLY_Q8_0,
            GgmlType.Q4_K => llama_ftype.LLAMA_FTYPE_MOSTLY_Q4_K_M,
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Only Q8_0 and Q4_K are produced by quantization."),
        };

        var tempPath = AtomicFile.TempPathFor(outPath);
        try
        {
            var rc = NativeApi.llama_model_quantize(f32Path, tempPath, &parameters);
            if (rc != 0)
                throw new LlamaException($"llama_model_quantize to {type} failed (code {rc}); the llama.cpp log above says why.");
            AtomicFile.Publish(tempPath, outPath);
        }
        finally
        {
            File.Delete(tempPath);
        }
    }
}
