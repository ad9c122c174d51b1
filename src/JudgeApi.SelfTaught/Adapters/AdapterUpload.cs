using JudgeApi.Judging;
using JudgeApi.Llama;

namespace JudgeApi.SelfTaught;

/// <summary>
/// Takes an adapter trained anywhere (an external TRL job, say) into the registry: written to a temp file, checked
/// against the base model (<see cref="AdapterFileValidator"/>, then llama.cpp's own loader), and only then renamed in.
/// </summary>
public sealed class AdapterUpload(AdapterRegistry registry, IJudgeEngine engine, TimeProvider time)
{
    public async Task<AdapterView> StoreAsync(Stream content, CancellationToken cancellationToken)
    {
        var id = $"upload-{time.GetUtcNow():yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..6]}";
        var temp = registry.NewTempPath(id);
        try
        {
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                await content.CopyToAsync(file, cancellationToken);
            }
            var model = engine.Model;
            var shape = AdapterFileValidator.Validate(temp, model.Path);
            try
            {
                engine.CheckAdapter(temp);
            }
            catch (LlamaAdapterException e)
            {
                throw new AdapterRejectedException($"llama.cpp refused the adapter: {e.Message}");
            }
            registry.Register(temp, new AdapterRegistration(id, null, "upload", model.ContentHash, shape.Rank, shape.Alpha));
            return registry.Find(id)!;
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
