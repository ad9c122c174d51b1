namespace JudgeApi.SelfTaught;

/// <summary>What replicas tell each other (<see cref="IReplicaBroadcast"/>).</summary>
public static class ReplicaTopic
{
    /// <summary>An iteration changed (queued, an item recorded, a stage or status moved, a cancel asked): argument its id.</summary>
    public const string Iteration = "iteration";

    /// <summary>The active adapter changed (activation, deactivation): every replica reads it from the store and swaps.</summary>
    public const string ActiveAdapter = "active-adapter";

    /// <summary>An adapter was stored (upload, training): argument its id; replicas fetch the file ahead of an activation.</summary>
    public const string AdapterStored = "adapter-stored";

    /// <summary>An adapter was deleted: argument its id; replicas drop their copy.</summary>
    public const string AdapterDeleted = "adapter-deleted";

    /// <summary>Not sent by a replica: the channel came back after an outage, so messages may have been missed; read the state again.</summary>
    public const string Resync = "resync";
}

/// <summary>
/// Messages to the other replicas sharing the store: PostgreSQL <c>LISTEN/NOTIFY</c> when it is shared, nothing on
/// one node. Delivery is best effort (a replica that was disconnected gets <see cref="ReplicaTopic.Resync"/> and reads
/// the state again), so a message only ever says "look again", never carries state of its own.
/// </summary>
public interface IReplicaBroadcast
{
    /// <summary>Sends to every other replica; never throws (a lost message is made up by the resync).</summary>
    void Publish(string topic, string argument = "");

    /// <summary>Calls <paramref name="handler"/> with each message from another replica, on the listener's thread: keep it short.</summary>
    void Subscribe(Action<string, string> handler);
}

/// <summary>One node: there is nobody to tell.</summary>
public sealed class SingleNodeBroadcast : IReplicaBroadcast
{
    public void Publish(string topic, string argument = "")
    {
    }

    public void Subscribe(Action<string, string> handler)
    {
    }
}
