using JudgeApi.Llama.Native;

namespace JudgeApi.Training.Tests;

/// <summary>Training sessions as the tests use them: one thread, small LoRA pairs, a fixed example.</summary>
internal static unsafe class Sessions
{
    /// <summary>Eight prompt tokens, four target tokens.</summary>
    public static TokenizedExample Example { get; } = new([1, 17, 305, 42, 7, 993, 12, 4, 88, 2031, 5, 9], PromptLength: 8, TruncatedPromptTokens: 0);

    public static TrainingSession Lora(string modelPath) => new(modelPath, new TrainingTarget.Lora(LoraTarget.All, Rank: 4, Alpha: 8, Seed: 1), threads: 1);

    public static TrainingSession Full(string modelPath) => new(modelPath, new TrainingTarget.FullParameters(), threads: 1);

    /// <summary>Both factors of every pair uniform in ±0.2, so that the adapter changes the logits.</summary>
    public static void RandomizeAdapter(TrainingSession session, int seed)
    {
        var random = new Random(seed);
        foreach (var pair in session.Lora!.Pairs)
        {
            foreach (var tensor in new[] { (IntPtr)pair.A, (IntPtr)pair.B })
            {
                var values = new float[NativeApi.ggml_nelements((ggml_tensor*)tensor)];
                for (var i = 0; i < values.Length; i++)
                    values[i] = (float)(random.NextDouble() * 2 - 1) * 0.2f;
                TensorData.Write((ggml_tensor*)tensor, values);
            }
        }
    }
}
