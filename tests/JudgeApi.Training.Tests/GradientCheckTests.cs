using JudgeApi.Llama.Gguf;
using JudgeApi.Llama.Native;

namespace JudgeApi.Training.Tests;

/// <summary>Analytic gradients (ggml's autograd through our graphs) against central finite differences of the loss, on F32 models.</summary>
public sealed unsafe class GradientCheckTests
{
    [Theory]
    [InlineData("llama")]
    [InlineData("qwen2")]
    [InlineData("qwen3")]
    public void LoraGradientsMatchCentralFiniteDifferences(string architecture)
    {
        using var session = Sessions.Lora(TestModels.PathOf(new TestModelSpec(architecture)));
        Sessions.RandomizeAdapter(session, seed: 5);

        var checkedElements = CheckLargestGradients(session, session.Parameters.Entries.Where(e => TensorData.NameOf(e.Parameter).StartsWith("blk.1.", StringComparison.Ordinal)), perTensor: 2, h: 1e-2f);

        Assert.Equal(7 * 2 * 2, checkedElements);
    }

    [Theory]
    [InlineData("llama")]
    [InlineData("qwen2")]
    [InlineData("qwen3")]
    public void FullParameterGradientsMatchCentralFiniteDifferencesForEveryKindOfWeight(string architecture)
    {
        using var session = Sessions.Full(TestModels.PathOf(new TestModelSpec(architecture)));
        // every tensor of the last layer and the model-wide ones (embedding, output norm): norms, projections, biases
        var tensors = session.Parameters.Entries.Where(e => !TensorData.NameOf(e.Parameter).StartsWith("blk.0.", StringComparison.Ordinal)).ToList();

        var checkedElements = CheckLargestGradients(session, tensors, perTensor: 2, h: 1e-2f);

        var expected = architecture switch { "qwen2" => 14, "qwen3" => 13, _ => 11 };
        Assert.Equal(expected * 2, checkedElements);
    }

    /// <summary>For each tensor, its largest analytic gradients against finite differences; returns how many were checked.</summary>
    private static int CheckLargestGradients(TrainingSession session, IEnumerable<TrainableParameters.Entry> entries, int perTensor, float h)
    {
        session.Parameters.ClearGradients();
        session.AccumulateGradients(Sessions.Example, weight: 1f);
        var analytic = session.Parameters.Entries.ToDictionary(e => (IntPtr)e.Parameter, e => TensorData.Read(e.Gradient));

        var checkedElements = 0;
        foreach (var entry in entries)
        {
            var gradient = analytic[(IntPtr)entry.Parameter];
            // the elements with the largest gradients: finite differences resolve them above float noise
            foreach (var index in Enumerable.Range(0, gradient.Length).OrderByDescending(i => Math.Abs(gradient[i])).Take(perTensor))
            {
                var numeric = FiniteDifference(session, entry.Parameter, index, h);
                var relative = Math.Abs(gradient[index] - numeric) / Math.Max(Math.Abs(gradient[index]), Math.Abs(numeric));
                Assert.True(relative < 1e-2, $"{TensorData.NameOf(entry.Parameter)}[{index}]: analytic {gradient[index]}, numeric {numeric}, relative error {relative}");
                checkedElements++;
            }
        }
        return checkedElements;
    }

    private static double FiniteDifference(TrainingSession session, ggml_tensor* param, int index, float h)
    {
        var values = TensorData.Read(param);
        var original = values[index];
        values[index] = original + h;
        TensorData.Write(param, values);
        double plus = session.Loss(Sessions.Example);
        values[index] = original - h;
        TensorData.Write(param, values);
        double minus = session.Loss(Sessions.Example);
        values[index] = original;
        TensorData.Write(param, values);
        return (plus - minus) / (2 * h);
    }
}
