using System.ComponentModel.DataAnnotations;

namespace JudgeApi.SelfTaught;

/// <summary>
/// The <c>Judge:ScaleOut</c> section: how replicas sharing one PostgreSQL database split the work. With SQLite only
/// <see cref="LeaseSeconds"/> matters (the one process holds every lease).
/// </summary>
public sealed class ScaleOutOptions
{
    public const string Section = "Judge:ScaleOut";

    /// <summary>This replica's name in leases, the items it recorded and the leader terms; empty: host name and process id.</summary>
    public string ReplicaName { get; set; } = "";

    /// <summary>
    /// How long a claimed item stays with its replica without renewal (renewed every third of it while the item runs);
    /// a replica that dies loses its items to the others this long after its last renewal.
    /// </summary>
    [Range(1, 3600, ErrorMessage = "must be between 1 and 3600")]
    public int LeaseSeconds { get; set; } = 30;

    /// <summary>
    /// How often a replica tries to become the leader and looks for items when no notification woke it; with a dead
    /// leader's connection gone, a follower takes over within this.
    /// </summary>
    [Range(50, 60000, ErrorMessage = "must be between 50 and 60000")]
    public int PollMilliseconds { get; set; } = 1000;

    /// <summary>The name used when <see cref="ReplicaName"/> is empty: unique per process on a machine.</summary>
    public string EffectiveReplicaName => string.IsNullOrWhiteSpace(ReplicaName) ? $"{Environment.MachineName}-{Environment.ProcessId}" : ReplicaName.Trim();
}
