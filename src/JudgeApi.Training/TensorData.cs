using JudgeApi.Llama.Native;

namespace JudgeApi.Training;

/// <summary>Copies F32 tensor data between .NET arrays and a backend tensor, with the element count checked.</summary>
internal static unsafe class TensorData
{
    public static float[] Read(ggml_tensor* tensor)
    {
        var values = new float[NativeApi.ggml_nelements(tensor)];
        fixed (float* p = values)
            NativeApi.ggml_backend_tensor_get(tensor, p, 0, (nuint)(values.Length * sizeof(float)));
        return values;
    }

    public static void Write(ggml_tensor* tensor, ReadOnlySpan<float> values)
    {
        if (values.Length != NativeApi.ggml_nelements(tensor))
            throw new ArgumentException($"Expected {NativeApi.ggml_nelements(tensor)} values, got {values.Length}.", nameof(values));
        fixed (float* p = values)
            NativeApi.ggml_backend_tensor_set(tensor, p, 0, (nuint)(values.Length * sizeof(float)));
    }

    public static void Write(ggml_tensor* tensor, ReadOnlySpan<int> values)
    {
        if (values.Length != NativeApi.ggml_nelements(tensor))
            throw new ArgumentException($"Expected {NativeApi.ggml_nelements(tensor)} values, got {values.Length}.", nameof(values));
        fixed (int* p = values)
            NativeApi.ggml_backend_tensor_set(tensor, p, 0, (nuint)(values.Length * sizeof(int)));
    }

    /// <summary>The tensor's name as ggml stores it.</summary>
    public static string NameOf(ggml_tensor* tensor) => new((sbyte*)tensor->name);
}
