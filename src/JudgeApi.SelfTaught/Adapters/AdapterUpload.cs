using JudgeApi.Judging;
using JudgeApi.Llama;
using JudgeApi.Llama.IO;

namespace JudgeApi.SelfTaught;

/// <summary>The uploaded bytes are an adapter the registry already holds.</summary>
public sealed class AdapterDuplicateException(string existingId) : Exception($"These exact bytes are already stored as adapter {existingId}.")
{
    public string ExistingId { get; } = existingId;
}

/// <summary>
/// Takes an adapter trained anywhere (an external TRL job, say) into the registry: written to a temp file, checked
/// against the base model (<see cref="AdapterFileValidator"/>, then llama.cpp's own loader and one judgment with
/// it), refused when the same bytes are stored already, and only then renamed in. Rejection messages name no server path.
/// </summary>
public sealed class AdapterUpload(AdapterRegistry registry, IJudgeEngine engine, TimeProvider time)
{
    // One upload is checked and registered at a time on this replica, so llama.cpp's check runs once for identical
    // uploads here; across replicas the registration's own check (RegisterUpload) refuses the second.
    private readonly SemaphoreSlim storing = new(1, 1);

    /// <param name="writeContent">Writes the upload into the stream it is given; throws <see cref="AdapterRejectedException"/> when the upload is malformed.</param>
    public async Task<AdapterView> StoreAsync(Func<Stream, CancellationToken, Task> writeContent, CancellationToken cancellationToken)
    {
        var id = $"upload-{time.GetUtcNow():yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..6]}";
        var temp = registry.NewTempPath(id);
        try
        {
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                await writeContent(file, cancellationToken);
            }
            var model = engine.Model;
            await storing.WaitAsync(cancellationToken);
            try
            {
                var shape = Check(() => AdapterFileValidator.Validate(temp, model.Path), temp, model.Path);
                // Answered before llama.cpp's slower check; RegisterUpload checks again inside its transaction.
                var sha256 = FileHash.Sha256(temp);
                if (registry.IdWithContent(sha256) is { } existing)
                    throw new AdapterDuplicateException(existing);
                try
                {
                    await engine.CheckAdapterAsync(temp, cancellationToken);
                }
                catch (LlamaAdapterException e)
                {
                    throw new AdapterRejectedException("llama.cpp refused the adapter: " + WithoutPaths(e.Message, temp, model.Path));
                }
                registry.RegisterUpload(temp, sha256, new AdapterRegistration(id, null, "upload", model.ContentHash, shape.Rank, shape.Alpha));
            }
            finally
            {
                storing.Release();
            }
            return registry.Find(id)!;
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private static T Check<T>(Func<T> check, string temp, string modelPath)
    {
        try
        {
            return check();
        }
        catch (AdapterRejectedException e)
        {
            throw new AdapterRejectedException(WithoutPaths(e.Message, temp, modelPath));
        }
    }

    /// <summary>The temp file is "the upload" and the judge model goes by its file name: a client learns nothing of the server's folders.</summary>
    private static string WithoutPaths(string message, string temp, string modelPath) => message
        .Replace($"'{temp}'", "the upload").Replace(temp, "the upload")
        .Replace(modelPath, Path.GetFileName(modelPath));
}
