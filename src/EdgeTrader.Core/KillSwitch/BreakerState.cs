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
    /// <summary>The appliance itself at start: a corrupt or unreadable state file.</summary>
    Startup,
}

/// <summary>
/// One immutable reading of the breaker. A new instance is published on every transition, so a reader always sees
/// a consistent (position, generation, reason, source, since) tuple with a single reference read.
/// </summary>
/// <param name="Position">SAFE or ENGAGED.</param>
/// <param name="Generation">The generation of the current (or last) engagement; grows by one per own engagement and mirrors a peer's.</param>
/// <param name="Reason">Why it is in this position (free text from whoever engaged or reset).</param>
/// <param name="Source">Who engaged it, or who reset it when SAFE.</param>
/// <param name="Since">When this position was entered (from the injected clock).</param>
/// <param name="HighestSeenGeneration">Highest generation this node has seen, own or peer's.</param>
/// <param name="ResetGeneration">Highest generation seen when last reset: peer engagements at or below it are already dealt with.</param>
public sealed record BreakerState(
    BreakerPosition Position,
    long Generation,
    string Reason,
    BreakerSource Source,
    DateTimeOffset Since,
    long HighestSeenGeneration,
    long ResetGeneration)
{
    /// <summary>True while every new order must be refused.</summary>
    public bool IsEngaged => Position == BreakerPosition.Engaged;

    /// <summary>The state of a fresh install: SAFE, generation 0.</summary>
    public static BreakerState FreshInstall(DateTimeOffset now) =>
        new(BreakerPosition.Safe, 0, "fresh install", BreakerSource.Startup, now, 0, 0);
}

/// <summary>A transition the breaker made; observers get every one, in order.</summary>
/// <param name="Previous">State before.</param>
/// <param name="Current">State after.</param>
public sealed record BreakerTransition(BreakerState Previous, BreakerState Current);

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
        _ => "startup",
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
