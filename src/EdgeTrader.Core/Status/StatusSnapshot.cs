using EdgeTrader.Health;
using EdgeTrader.KillSwitch;
using EdgeTrader.Trading;
using EdgeTrader.Trading.Risk;

namespace EdgeTrader.Status;

/// <summary>
/// One reading of everything an operator looks at, taken at once and immutable afterwards. The control socket's
/// <c>status</c>, <c>status --watch</c>, the page, <c>/healthz</c> and <c>/metrics</c> all render the same snapshot
/// type, so they cannot disagree on a name or a number.
/// </summary>
public sealed record StatusSnapshot
{
    /// <summary>This node's name.</summary>
    public required string Node { get; init; }
    /// <summary>The breaker as one consistent reading.</summary>
    public required BreakerState Breaker { get; init; }
    /// <summary>Why the latch's current state is not saved (then resets are refused), or null.</summary>
    public string? LatchProblem { get; init; }
    /// <summary>When the snapshot was taken (wall clock).</summary>
    public required DateTimeOffset TakenAt { get; init; }
    /// <summary>Seconds since the appliance started.</summary>
    public required double UptimeSeconds { get; init; }
    /// <summary>Orders simulated, not sent.</summary>
    public required bool DryRun { get; init; }
    /// <summary>Strategy kind.</summary>
    public required string Strategy { get; init; }
    /// <summary>Process id.</summary>
    public required int Pid { get; init; }
    /// <summary>Start counter of this node.</summary>
    public required long Run { get; init; }
    /// <summary>Product version.</summary>
    public required string Version { get; init; }
    /// <summary>The tick loop beat within <see cref="HealthMonitor.LoopAliveWindow"/> and did not die.</summary>
    public required bool LoopAlive { get; init; }
    /// <summary>Seconds since the tick loop last beat.</summary>
    public required double LoopBeatAgeSeconds { get; init; }
    /// <summary>Seconds since the last tick arrived; null before the first.</summary>
    public required double? LastTickAgeSeconds { get; init; }
    /// <summary>The tick loop's counters.</summary>
    public required TradingCounts Counters { get; init; }
    /// <summary>The trading day's book counters.</summary>
    public required DayBook Day { get; init; }
    /// <summary>Positions per symbol.</summary>
    public required IReadOnlyList<Position> Positions { get; init; }
    /// <summary>The <c>recovery</c> status object, pre-rendered as JSON (its writer belongs to the recovery report).</summary>
    public required byte[] RecoveryJson { get; init; }
    /// <summary>Link health, in the order bridge, gateway, mqtt.</summary>
    public required IReadOnlyList<LinkReading> Links { get; init; }
    /// <summary>The journal's progress.</summary>
    public required JournalReading Journal { get; init; }
    /// <summary>The physical panel, or null without one.</summary>
    public required PanelReading? Panel { get; init; }
    /// <summary>The latest cancel_all and the gateway's confirmation of it.</summary>
    public Session.CancelAllReading CancelAll { get; init; } = new(null, 0, "", Session.CancelAllState.None, 0, 0, null, 0, 0, 0, 0);
    /// <summary>Active faults (each refuses resets), oldest first.</summary>
    public IReadOnlyList<Health.Fault> Faults { get; init; } = [];
    /// <summary>The lamps as the panel shows them (also without a panel: what it would show).</summary>
    public required Lamps Lamps { get; init; }
    /// <summary>Frame received → order handed to the transport.</summary>
    public required LatencyHistogram.Reading TickToOrder { get; init; }
    /// <summary>Engagements since start by source (indexed by <see cref="BreakerSource"/>).</summary>
    public required long[] EngagementsBySource { get; init; }
    /// <summary>Control-socket requests since start by command.</summary>
    public required IReadOnlyList<(string Command, long Count)> ControlRequests { get; init; }
    /// <summary>The HTTP surfaces.</summary>
    public required HttpReading Http { get; init; }
    /// <summary>The box: disk, clock, watchdog, power.</summary>
    public required BoxHealthReading Box { get; init; }
    /// <summary>The latest decisions from the journal (newest last).</summary>
    public required IReadOnlyList<JournalEntry> RecentDecisions { get; init; }

    /// <summary>How the current (or last) engagement is identified, for people.</summary>
    public string Identity => EngagementIdentity.Describe(Breaker);
}

/// <summary>Copies of the tick loop's counters.</summary>
public sealed record TradingCounts
{
    public long Ticks { get; init; }
    public long Accepted { get; init; }
    public long Signals { get; init; }
    public long Orders { get; init; }
    public long BlockedGate1 { get; init; }
    public long BlockedGate2 { get; init; }
    public long SeqGaps { get; init; }
    public long SeqGapTicks { get; init; }
    public long SeqRestarts { get; init; }
    public long Acks { get; init; }
    public long Fills { get; init; }
    public long Rejects { get; init; }
    public long AckTimeouts { get; init; }
    public long UnknownGatewayMessages { get; init; }
    public long SendFailures { get; init; }
    public long CancelAllSent { get; init; }
    public int InFlight { get; init; }
    /// <summary>Orders a cancel_all report listed as cancelled.</summary>
    public long CancelledByGateway { get; init; }
    /// <summary>Fills of orders already reported cancelled (booked all the same).</summary>
    public long FillsAfterCancel { get; init; }
    /// <summary>Denials per <see cref="DenialCode"/> (index 0 = None, unused).</summary>
    public long[] Denied { get; init; } = [];
    /// <summary>Dropped ticks per <see cref="TickDropReason"/>.</summary>
    public long[] Dropped { get; init; } = [];
    /// <summary>Anomalies per <see cref="AnomalyCode"/>.</summary>
    public long[] Anomalies { get; init; } = [];
    /// <summary>Ticks conflated under overload, per symbol (superseded by a newer tick of the symbol, never acted on).</summary>
    public IReadOnlyList<(string Symbol, long Count)> ConflatedBySymbol { get; init; } = [];
    /// <summary>All conflated ticks.</summary>
    public long Conflated => ConflatedBySymbol.Sum(x => x.Count);

    /// <summary>Copies the counters (each value one atomic read); <paramref name="symbols"/> names the conflation counts.</summary>
    public static TradingCounts From(TradingCounters c, long cancelAllSent, int inFlight, SymbolTable? symbols = null)
    {
        var (gaps, missing) = c.Gaps;
        var g = c.Gateway;
        var denied = new long[DenialCodes.Count];
        for (int i = 0; i < denied.Length; i++) denied[i] = c.DeniedFor((DenialCode)i);
        var dropped = new long[TickDropReasons.Count];
        for (int i = 0; i < dropped.Length; i++) dropped[i] = c.DroppedFor((TickDropReason)i);
        var anomalies = new long[AnomalyCodes.Count];
        for (int i = 0; i < anomalies.Length; i++) anomalies[i] = c.AnomalyCount((AnomalyCode)i);
        return new TradingCounts
        {
            Ticks = c.Ticks, Accepted = c.Accepted, Signals = c.SignalCount, Orders = c.Orders,
            BlockedGate1 = c.Gate1Blocked, BlockedGate2 = c.Gate2Blocked,
            SeqGaps = gaps, SeqGapTicks = missing, SeqRestarts = c.SeqRestarts,
            Acks = g.Acks, Fills = g.Fills, Rejects = g.Rejects, AckTimeouts = g.Timeouts,
            UnknownGatewayMessages = g.Unknown, SendFailures = g.SendFailures,
            CancelAllSent = cancelAllSent, InFlight = inFlight, Denied = denied, Dropped = dropped, Anomalies = anomalies,
            CancelledByGateway = c.Cancelled, FillsAfterCancel = c.FilledAfterCancel,
            ConflatedBySymbol = symbols is null ? [] : [.. Enumerable.Range(0, symbols.Count).Select(i => (symbols.Name(i), c.ConflatedFor(i)))],
        };
    }
}

/// <summary>The trading day's counters.</summary>
public sealed record DayBook(DateOnly Date, int Trades, double Realized, double Unrealized, int LossStreak);

/// <summary>One symbol's position, its unrealised P&amp;L at the last mid and its realised P&amp;L of the trading day.</summary>
public sealed record Position(string Symbol, double Net, double AvgPrice, double Unrealized, double RealizedToday);

/// <summary>One link's health.</summary>
public sealed record LinkReading(Link Link, LinkState State, string Detail, DateTimeOffset Since)
{
    /// <summary>Lower-case name (bridge, gateway, mqtt).</summary>
    public string Name => Link switch { Link.Bridge => "bridge", Link.Gateway => "gateway", Link.Clock => "clock", _ => "mqtt" };
    /// <summary>Lower-case state (unused, connecting, up, degraded).</summary>
    public string StateName => State switch { LinkState.Unused => "unused", LinkState.Connecting => "connecting", LinkState.Up => "up", _ => "degraded" };
}

/// <summary>The journal's progress.</summary>
/// <param name="Appended">Lines appended.</param>
/// <param name="Committed">Lines written and fsync'd.</param>
/// <param name="Failure">Why it stopped, or null.</param>
/// <param name="CommitLatency">write + fsync per group commit, or null when not measured.</param>
public sealed record JournalReading(long Appended, long Committed, string? Failure, LatencyHistogram.Reading? CommitLatency)
{
    /// <summary>Lines appended and not yet durable.</summary>
    public long Lag => Math.Max(0, Appended - Committed);
}

/// <summary>The physical panel.</summary>
public sealed record PanelReading(string Driver, string Description, bool EmergencyStop, bool Reset, bool Green, bool Red, bool Amber, double[] EngageLatencySortedUs)
{
    /// <summary>Two-channel stop: each channel open (null with one channel).</summary>
    public bool? ChannelAOpen { get; init; }
    /// <inheritdoc cref="ChannelAOpen"/>
    public bool? ChannelBOpen { get; init; }
    /// <summary>The trip relay is commanded on (null: none fitted).</summary>
    public bool? TripEnergised { get; init; }
    /// <summary>The relay's feedback contact reads energised (null: no EDM).</summary>
    public bool? EdmEnergised { get; init; }
    /// <summary>The buzzer sounds (null: none fitted).</summary>
    public bool? Buzzer { get; init; }
}

/// <summary>How one lamp looks.</summary>
public enum LampLook
{
    /// <summary>Dark.</summary>
    Off,
    /// <summary>Lit.</summary>
    On,
    /// <summary>Blinking at 1 Hz.</summary>
    Blink,
}

/// <summary>The panel's three lamps: green blinks while SAFE and the loop beats, red while ENGAGED, amber while a link is degraded.</summary>
public sealed record Lamps(LampLook Green, LampLook Red, LampLook Amber)
{
    /// <summary>The panel's rule (PanelController.RefreshLeds) applied to one reading.</summary>
    public static Lamps From(bool engaged, bool loopAlive, bool anyDegraded) =>
        new(!engaged && loopAlive ? LampLook.Blink : LampLook.Off, engaged ? LampLook.On : LampLook.Off, anyDegraded ? LampLook.On : LampLook.Off);

    /// <summary>"off", "on" or "blink".</summary>
    public static string Name(LampLook l) => l switch { LampLook.On => "on", LampLook.Blink => "blink", _ => "off" };
}

/// <summary>The HTTP surfaces' state and counters.</summary>
public sealed record HttpReading(bool Enabled, string? Listening, string? Error, bool TokenRequired, bool ShowTrading,
    IReadOnlyList<(int Status, long Count)> Responses, long Accepted, long Refused, long TimedOut, long Dropped, int Open)
{
    /// <summary>No HTTP listener configured.</summary>
    public static readonly HttpReading Disabled = new(false, null, null, false, false, [], 0, 0, 0, 0, 0);
}

/// <summary>One journal line, reduced to what the page shows.</summary>
/// <param name="TimeMs">Its time (Unix ms).</param>
/// <param name="Type">breaker, order, fill, denial, ...</param>
/// <param name="Summary">One line for people, without symbols, sides, quantities, prices or P&amp;L.</param>
/// <param name="TradingDetail">The same with the trading fields (shown only with http.showTrading), or null.</param>
public sealed record JournalEntry(long TimeMs, string Type, string Summary, string? TradingDetail);
