namespace JudgeApi.Adapters;

/// <summary>Settings under <c>Judge:Adapters</c>.</summary>
public sealed class AdapterOptions
{
    public const string Section = "Judge:Adapters";

    /// <summary>Largest adapter upload accepted by <c>POST /adapters</c>.</summary>
    public long MaxUploadBytes { get; set; } = 2L * 1024 * 1024 * 1024;
}
