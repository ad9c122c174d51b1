using JudgeApi.Llama.Gguf;
using JudgeApi.Llama.Native;

namespace JudgeApi.Training.Tests;

public sealed unsafe class GradientCheckTests
{
    private static readonly TokenizedExample Example = new([1, 17, 305, 42, 7, 993, 12, 4, 88, 2031, 5, 9], PromptLength: 8, TruncatedPromptTokens: 0);

    [Theory]
    [InlineData("llama")]
    [InlineData("qwen2")]
    [InlineData("qwen3")]
    public void LoraGradientsMatchCentralFiniteDifferences(string architecture)
    {
        using var session = new LoraTrainingSession(TestModels.PathOf(new TestModelSpec(architecture)), LoraTarget.All, rank: 4, alpha: 8, seed: 1, threads: 1);
        RandomizeAdapter(session, seed: 5);

        session.Lora.ClearGradients();
        session.AccumulateGradients(Example, weight: 1f);

        var checkedElements = 0;
        foreach (var pair in session.Lora.Pairs.Where(p => p.WeightName.StartsWith("blk.1.", StringComparison.Ordinal)))
        {
            foreach (var (param, grad) in new[] { ((IntPtr)pair.A, (IntPtr)pair.GradA), ((IntPtr)pair.B, (IntPtr)pair.GradB) })
            {
                var analytic = LoraWeights.Read((ggml_tensor*)grad);
                // the elements with the largest gradients: finite differences resolve them above float noise
                foreach (var index in Enumerable.Range(0, analytic.Length).OrderByDescending(i => Math.Abs(analytic[i])).Take(2))
                {
                    var numeric = FiniteDifference(session, (ggml_tensor*)param, index);
                    var relative = Math.Abs(analytic[index] - numeric) / Math.Max(Math.Abs(analytic[index]), Math.Abs(numeric));
                    Assert.True(relative < 1e-2, $"{pair.WeightName}[{index}]: analytic {analytic[index]}, numeric {numeric}, relative error {relative}");
                    checkedElements++;
                }
            }
        }
        Assert.Equal(7 * 2 * 2, checkedElements);
    }

    private static double FiniteDifference(LoraTrainingSession session, ggml_tensor* param, int index)
    {
        const float h = 1e-2f;
        var values = LoraWeights.Read(param);
        var original = values[index];
        values[index] = original + h;
        LoraWeights.Write(param, values);
        double plus = session.Loss(Example);
        values[index] = original - h;
        LoraWeights.Write(param, values);
        double minus = session.Loss(Example);
        values[index] = original;
        LoraWeights.Write(param, values);
        return (plus - minus) / (2 * h);
    }

    internal static void RandomizeAdapter(LoraTrainingSession session, int seed)
    {
        var random = new Random(seed);
        foreach (var pair in session.Lora.Pairs)
        {
            foreach (var tensor in new[] { (IntPtr)pair.A, (IntPtr)pair.B })
            {
                var values = new float[NativeApi.ggml_nelements((ggml_tensor*)tensor)];
                for (var i = 0; i < values.Length; i++)
                    values[i] = (float)(random.NextDouble() * 2 - 1) * 0.2f;
                LoraWeights.Write((ggml_tensor*)tensor, values);
            }
        }
    }
}
