namespace EdgeTrader.KillSwitch;

/// <summary>The two positions of the latch. There is no half-open state: only an explicit reset leaves <see cref="Engaged"/>.</summary>
public enum BreakerPosition
{
    /// <summary>Orders may pass both gates (subject to risk limits).</summary>
    Safe = 0,

    /// <summary>Every new order is blocked at both gates; cancel-all has been requested.</summary>
    Engaged = 1,
}

/// <summary>Who or what engaged (or reset) the breaker. Serialized lower-case on the wire (CONTRACT §5).</summary>
public enum BreakerSource
{
    /// <summary>The panel's emergency-stop button, or its broken wire.</summary>
    Button,
    /// <summary>An engage command received over MQTT.</summary>
    Mqtt,
    /// <summary>A peer node's retained ENGAGED state over MQTT.</summary>
    Peer,
    /// <summary>A pre-trade or post-trade risk limit (daily loss, loss streak, storage failure).</summary>
    Risk,
    /// <summary>The tick bridge fell silent for longer than allowed.</summary>
    Bridge,
    /// <summary>The execution gateway fell silent for longer than allowed.</summary>
    Gateway,
    /// <summary>The local control socket (`edgetrader engage`/`reset`).</summary>
    Cli,
    /// <summary>The appliance itself at start: a corrupt, unreadable or missing state file, or a storage problem.</summary>
    Startup,
}

/// <summary>This node as an origin of engagements: its name, its incarnation and its own counter.</summary>
/// <param name="Node">The configured node name.</param>
/// <param name="Incarnation">Drawn at random when the state directory was first written (<see cref="EngagementId.NewIncarnation"/>).</param>
/// <param name="Counter">The <see cref="EngagementId.Seq"/> of this node's latest own engagement (0: none yet). Only this
/// node's own engagements move it; nothing a peer sends does.</param>
public sealed record NodeIdentity(string Node, string Incarnation, long Counter)
{
    /// <summary>This node's latest own engagement, when it has made one.</summary>
    public EngagementId? Latest => Counter > 0 ? new EngagementId(Node, Incarnation, Counter) : null;

    /// <summary>The identity of the next own engagement in this incarnation (see <see cref="Advance"/> for the one a
    /// node at the end of its counter makes).</summary>
    public EngagementId Next => new(Node, Incarnation, Counter + 1);

    /// <summary>
    /// This node after one more own engagement: the counter +1, or, when the counter is at <see cref="EngagementId.MaxSeq"/>
    /// (a number above it is one every peer refuses), a new incarnation whose counter restarts at 1. Its
    /// <see cref="Latest"/> is the new engagement.
    /// </summary>
    public NodeIdentity Advance() => Counter < EngagementId.MaxSeq
        ? this with { Counter = Counter + 1 }
        : new NodeIdentity(Node, EngagementId.NewIncarnation(), 1);

    /// <summary>
    /// This node after reading <paramref name="claim"/>: a claim of its own origin and incarnation above its counter (an
    /// engagement whose save was lost, or made before a backup was restored) raises the counter to it, so that no own
    /// engagement reuses an identity its peers have already seen. Anything else leaves it as it is.
    /// </summary>
    public NodeIdentity RaisedBy(EngagementId claim) =>
        claim.Origin == Node && claim.Incarnation == Incarnation && claim.Seq > Counter ? this with { Counter = claim.Seq } : this;

    /// <summary>This node with a newly drawn incarnation and its counter at 0 (nothing numbered in it yet).</summary>
    public NodeIdentity Reincarnated() => new(Node, EngagementId.NewIncarnation(), 0);
}

/// <summary>
/// One immutable reading of the breaker. A new instance is published on every transition, so a reader always sees
/// a consistent (position, engagement, reason, source, since) tuple with a single reference read.
/// </summary>
/// <param name="Position">SAFE or ENGAGED.</param>
/// <param name="Engagement">The current engagement (ENGAGED) or the last one (SAFE); null when there has been none.</param>
/// <param name="Reason">Why it is in this position (free text from whoever engaged or reset).</param>
/// <param name="Source">Who engaged it, or who reset it when SAFE.</param>
/// <param name="Since">When this position was entered (from the injected clock).</param>
/// <param name="Self">This node as an origin: name, incarnation, own counter.</param>
/// <param name="Dealt">What this node's operator dealt with at its resets, per peer.</param>
public sealed record BreakerState(
    BreakerPosition Position,
    EngagementId? Engagement,
    string Reason,
    BreakerSource Source,
    DateTimeOffset Since,
    NodeIdentity Self,
    EngagementLedger Dealt)
{
    /// <summary>True while every new order must be refused.</summary>
    public bool IsEngaged => Position == BreakerPosition.Engaged;

    /// <summary>The counter of the current (or last) engagement, for logs and the journal; 0 when there has been none.
    /// Not an identity: two nodes have the same generations (see <see cref="Engagement"/>).</summary>
    public long Generation => Engagement?.Seq ?? 0;

    /// <summary>The state of a fresh install: SAFE, no engagement, a new incarnation.</summary>
    public static BreakerState FreshInstall(DateTimeOffset now, string node = "local", string? incarnation = null) =>
        new(BreakerPosition.Safe, null, "fresh install", BreakerSource.Startup, now,
            new NodeIdentity(node, incarnation ?? EngagementId.NewIncarnation(), 0), EngagementLedger.Empty);
}

/// <summary>What a peer's retained state says, as read by the mirror.</summary>
/// <param name="Publisher">The node whose state topic it came on (the broker's ACL lets only that node write it).</param>
/// <param name="Position">The peer's position.</param>
/// <param name="Current">The engagement the peer is in (ENGAGED) or was last in (SAFE): its own, or one it adopted.</param>
/// <param name="Own">The peer's latest own engagement (origin = publisher), null when it has made none.</param>
/// <param name="Reason">The peer's reason, sanitised and shortened.</param>
public sealed record PeerReport(string Publisher, BreakerPosition Position, EngagementId? Current, EngagementId? Own, string Reason);

/// <summary>What a peer's report did to this breaker.</summary>
public enum PeerVerdict
{
    /// <summary>It named an engagement this node had not dealt with, and this SAFE node engaged.</summary>
    Engaged,
    /// <summary>It named an engagement not dealt with, while this node was already ENGAGED: remembered, so that the next reset deals with it.</summary>
    Seen,
    /// <summary>Everything it named was dealt with at a reset here, or is this node's own.</summary>
    DealtWith,
}

/// <summary>Whether an explicit engage made a new engagement or renewed one on an ENGAGED node.</summary>
public enum EngageOutcome
{
    /// <summary>SAFE → ENGAGED.</summary>
    New,
    /// <summary>Already ENGAGED: a new engagement replaced the current one and is published again (peers that reset since engage again).</summary>
    Renewed,
    /// <summary>Already ENGAGED and the engage was automatic (risk, links, isolation re-evaluating): nothing changed.</summary>
    Unchanged,
}

/// <summary>The result of an engage.</summary>
/// <param name="Outcome">New, renewed or unchanged.</param>
/// <param name="State">The state after the call (gates closed).</param>
public readonly record struct EngageResult(EngageOutcome Outcome, BreakerState State);

/// <summary>A transition the breaker made; observers get every one, in order.</summary>
/// <param name="Previous">State before.</param>
/// <param name="Current">State after.</param>
public sealed record BreakerTransition(BreakerState Previous, BreakerState Current)
{
    /// <summary>True when this transition made a new engagement (SAFE → ENGAGED, or a renewal).</summary>
    public bool IsNewEngagement => Current.IsEngaged && (!Previous.IsEngaged || Current.Engagement != Previous.Engagement);
}

/// <summary>Wire names of <see cref="BreakerSource"/> and <see cref="BreakerPosition"/>, without reflection.</summary>
public static class BreakerNames
{
    /// <summary>"SAFE" or "ENGAGED".</summary>
    public static string Of(BreakerPosition p) => p == BreakerPosition.Engaged ? "ENGAGED" : "SAFE";

    /// <summary>The lower-case source name of CONTRACT §5.</summary>
    public static string Of(BreakerSource s) => s switch
    {
        BreakerSource.Button => "button",
        BreakerSource.Mqtt => "mqtt",
        BreakerSource.Peer => "peer",
        BreakerSource.Risk => "risk",
        BreakerSource.Bridge => "bridge",
        BreakerSource.Gateway => "gateway",
        BreakerSource.Cli => "cli",
        BreakerSource.Startup => "startup",
        _ => throw new ArgumentOutOfRangeException(nameof(s), s, "unknown breaker source"),
    };

    /// <summary>Parses a lower-case source name; unknown names are rejected.</summary>
    public static bool TryParseSource(string? s, out BreakerSource source)
    {
        foreach (var v in Enum.GetValues<BreakerSource>())
        {
            if (string.Equals(Of(v), s, StringComparison.Ordinal)) { source = v; return true; }
        }
        source = BreakerSource.Startup;
        return false;
    }

    /// <summary>Parses "SAFE"/"ENGAGED".</summary>
    public static bool TryParsePosition(string? s, out BreakerPosition p)
    {
        if (s == "ENGAGED") { p = BreakerPosition.Engaged; return true; }
        if (s == "SAFE") { p = BreakerPosition.Safe; return true; }
        p = BreakerPosition.Engaged;
        return false;
    }
}
