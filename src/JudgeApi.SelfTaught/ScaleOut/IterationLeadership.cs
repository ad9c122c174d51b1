namespace JudgeApi.SelfTaught;

/// <summary>
/// Which replica runs iterations (drives the stages; every replica works on items). On one node that is always this
/// one; replicas sharing PostgreSQL elect one with an advisory lock (<see cref="PostgresLeadership"/>).
/// </summary>
public interface IIterationLeadership
{
    /// <summary>True while this replica leads.</summary>
    bool IsLeader { get; }

    /// <summary>Waits until this replica leads; the token returned is canceled as soon as it stops leading.</summary>
    Task<CancellationToken> AcquireAsync(CancellationToken cancellationToken);
}

/// <summary>One node leads from the start; the items its previous life held are freed at once (nobody else can hold them).</summary>
public sealed class SingleNodeLeadership(ItemLeases leases, LeaderTerms terms) : IIterationLeadership
{
    public bool IsLeader { get; private set; }

    public Task<CancellationToken> AcquireAsync(CancellationToken cancellationToken)
    {
        if (!IsLeader)
        {
            leases.ReleaseAll();
            terms.Begin(leases.Replica);
            IsLeader = true;
        }
        return Task.FromResult(CancellationToken.None);
    }
}
