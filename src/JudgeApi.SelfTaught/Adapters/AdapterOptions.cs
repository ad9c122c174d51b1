using System.ComponentModel.DataAnnotations;

namespace JudgeApi.SelfTaught;

/// <summary>The <c>Judge:Adapters</c> section.</summary>
public sealed class AdapterOptions
{
    public const string Section = "Judge:Adapters";

    /// <summary>Largest adapter upload accepted by <c>POST /adapters</c>.</summary>
    [Range(1, long.MaxValue, ErrorMessage = "must be at least 1")]
    public long MaxUploadBytes { get; set; } = 2L * 1024 * 1024 * 1024;
}
