using System.Runtime.InteropServices;
using JudgeApi.Llama.Gguf;
using JudgeApi.Llama.Native;

namespace JudgeApi.Llama.Tests;

[Collection(TinyModelCollection.Name)]
public class LoraTests(TinyModelFixture fixture) : IDisposable
{
    private const int NEmbd = 64; // tiny preset
    private const int Rank = 4;
    private readonly string _dir = TestModels.NewDirectory();

    private LlamaModel Model => fixture.Model;
    private int[] Prompt => Model.Tokenize("Response A is correct because", addSpecial: true);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string WriteAdapter(string name, float bValue, int seed = 1)
    {
        var random = new Random(seed);
        var a = Enumerable.Range(0, NEmbd * Rank).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        var b = Enumerable.Range(0, Rank * NEmbd).Select(_ => bValue * (float)(random.NextDouble() - 0.5)).ToArray();
        var path = Path.Combine(_dir, name);
        LoraAdapterWriter.Write(path, fixture.Path, alpha: Rank,
            [new LoraTensorPair("blk.0.attn_q.weight", Rank, a, b), new LoraTensorPair("blk.1.ffn_up.weight", Rank, a, SizedB(b, 128))]);
        return path;
    }

    private static float[] SizedB(float[] b, int nOut) => Enumerable.Range(0, Rank * nOut).Select(i => b[i % b.Length]).ToArray();

    [Fact]
    public void Zero_b_leaves_logits_unchanged_nonzero_changes_them_and_clearing_restores()
    {
        using var context = fixture.NewContext();
        var baseline = TinyModelFixture.DecodeLast(context, Prompt);
        using var zero = LoraAdapter.Load(Model, WriteAdapter("zero.gguf", 0f));
        using var active = LoraAdapter.Load(Model, WriteAdapter("active.gguf", 4f));

        context.ClearMemory();
        context.SetLoraAdapters([(zero, 1f)]);
        var withZero = TinyModelFixture.DecodeLast(context, Prompt);

        context.ClearMemory();
        context.SetLoraAdapters([(active, 1f)]);
        var withActive = TinyModelFixture.DecodeLast(context, Prompt);

        context.ClearMemory();
        context.SetLoraAdapters([]);
        var cleared = TinyModelFixture.DecodeLast(context, Prompt);

        DecodeTests.AssertClose(baseline, withZero);
        Assert.True(baseline.Zip(withActive, (x, y) => MathF.Abs(x - y)).Max() > 1e-2f);
        Assert.Equal(baseline, cleared);
    }

    [Fact]
    public void Scale_zero_is_the_base_model_and_scale_matters()
    {
        using var context = fixture.NewContext();
        var baseline = TinyModelFixture.DecodeLast(context, Prompt);
        using var adapter = LoraAdapter.Load(Model, WriteAdapter("scaled.gguf", 4f));

        context.ClearMemory();
        context.SetLoraAdapters([(adapter, 0f)]);
        var scaleZero = TinyModelFixture.DecodeLast(context, Prompt);
        context.ClearMemory();
        context.SetLoraAdapters([(adapter, 0.5f)]);
        var half = TinyModelFixture.DecodeLast(context, Prompt);
        context.ClearMemory();
        context.SetLoraAdapters([(adapter, 1f)]);
        var full = TinyModelFixture.DecodeLast(context, Prompt);

        DecodeTests.AssertClose(baseline, scaleZero);
        Assert.True(half.Zip(full, (x, y) => MathF.Abs(x - y)).Max() > 1e-3f);
    }

    [Fact]
    public void A_context_keeps_an_adapter_it_uses_alive_after_the_adapter_is_disposed()
    {
        using var context = fixture.NewContext();
        var adapter = LoraAdapter.Load(Model, WriteAdapter("disposed.gguf", 4f));
        context.SetLoraAdapters([(adapter, 1f)]);
        var expected = TinyModelFixture.DecodeLast(context, Prompt);
        adapter.Dispose();

        context.ClearMemory();
        var again = TinyModelFixture.DecodeLast(context, Prompt);

        Assert.Equal(expected, again);
        Assert.Throws<ObjectDisposedException>(() => context.SetLoraAdapters([(adapter, 1f)]));
    }

    [Fact]
    public void Adapter_with_shapes_that_do_not_match_the_model_is_refused()
    {
        // Written with the raw GGUF writer: LoraAdapterWriter itself refuses mismatched shapes.
        var path = Path.Combine(_dir, "wrong-shape.gguf");
        using (var writer = new GgufWriter(2))
        {
            writer.SetString("general.type", "adapter");
            writer.SetString("general.architecture", "llama");
            writer.SetString("adapter.type", "lora");
            writer.SetFloat("adapter.lora.alpha", Rank);
            var a = new float[32 * Rank];
            var b = new float[Rank * NEmbd];
            writer.AddTensor("blk.0.attn_q.weight.lora_a", GgmlType.F32, [32, Rank], s => s.Write(MemoryMarshal.AsBytes(a.AsSpan())));
            writer.AddTensor("blk.0.attn_q.weight.lora_b", GgmlType.F32, [Rank, NEmbd], s => s.Write(MemoryMarshal.AsBytes(b.AsSpan())));
            writer.WriteFile(path);
        }

        var e = Assert.Throws<LlamaAdapterException>(() => LoraAdapter.Load(Model, path));

        Assert.Contains("refused", e.Message);
        Assert.Contains("shape", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Missing_corrupt_and_non_adapter_files_are_adapter_errors()
    {
        var missing = Path.Combine(_dir, "missing.gguf");
        var notGguf = Path.Combine(_dir, "adapter.bin");
        File.WriteAllText(notGguf, "not an adapter");
        var truncated = Path.Combine(_dir, "truncated.gguf");
        var bytes = File.ReadAllBytes(WriteAdapter("whole.gguf", 1f));
        File.WriteAllBytes(truncated, bytes.AsSpan(0, bytes.Length / 2).ToArray());

        Assert.Contains("does not exist", Assert.Throws<LlamaAdapterException>(() => LoraAdapter.Load(Model, missing)).Message);
        Assert.Contains("not a GGUF file", Assert.Throws<LlamaAdapterException>(() => LoraAdapter.Load(Model, notGguf)).Message);
        Assert.Throws<LlamaAdapterException>(() => LoraAdapter.Load(Model, truncated));
        Assert.Throws<LlamaAdapterException>(() => LoraAdapter.Load(Model, fixture.Path)); // a model, not an adapter
    }

    [Fact]
    public void Adapters_of_another_model_and_bad_scales_are_refused()
    {
        using var other = LlamaModel.Load(fixture.Path);
        using var foreign = LoraAdapter.Load(other, WriteAdapter("foreign.gguf", 1f));
        using var own = LoraAdapter.Load(Model, WriteAdapter("own.gguf", 1f));
        using var context = fixture.NewContext();

        Assert.Throws<LlamaAdapterException>(() => context.SetLoraAdapters([(foreign, 1f)]));
        Assert.Throws<LlamaArgumentException>(() => context.SetLoraAdapters([(own, float.NaN)]));
        Assert.Throws<LlamaArgumentException>(() => context.SetLoraAdapters([(own, 1f), (own, 1f)]));
    }
}
