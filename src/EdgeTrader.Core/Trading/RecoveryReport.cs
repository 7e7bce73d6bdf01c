using System.Text.Json;

namespace EdgeTrader.Trading;

/// <summary>What a gateway reports about one order in its <c>open_orders</c> answer.</summary>
/// <param name="Id">The order id as sent.</param>
/// <param name="Symbol">Symbol, when given.</param>
/// <param name="Side">Side, when given.</param>
/// <param name="Qty">Ordered quantity (0 when not given).</param>
/// <param name="FilledQty">Quantity filled so far at the gateway.</param>
/// <param name="AvgPrice">Average price of those fills (0 when not given).</param>
/// <param name="State"><c>open</c>, <c>filled</c>, <c>cancelled</c> or <c>rejected</c>; anything else is kept in flight.</param>
/// <param name="TimeMs">The order's own <c>time</c> as sent (0 when not given).</param>
public sealed record GatewayOrderReport(string Id, string? Symbol, Side? Side, double Qty, double FilledQty, double AvgPrice, string State, long TimeMs);

/// <summary>
/// How the start went for orders and positions: the journal reading, and the warm-start reconciliation with the
/// gateway (or what a cold start discarded). Written at start and by the tick thread; read by status.
/// </summary>
public sealed class RecoveryReport
{
    volatile string _mode = "warm";
    volatile string _state = "none";
    internal long RestoredInFlight;
    internal long Filled;
    internal long StillOpen;
    internal long GivenUp;
    internal long UnknownAtGateway;
    internal long Recovered;
    internal long Discarded;
    internal long LeftForLive;
    internal long Rounds;
    internal long Refused;
    /// <summary>Ids of refused reports (the first 100), for status.</summary>
    internal string[] RefusedIds = [];

    /// <summary><c>warm</c> (reconcile with the gateway), <c>cold</c> (run --cold: in-flight state discarded) or <c>dry-run</c> (no gateway).</summary>
    public string Mode { get => _mode; set => _mode = value; }

    /// <summary>
    /// <c>none</c> (nothing to reconcile), <c>reconciling</c> (new orders held), <c>done</c>, or <c>no-answer</c>
    /// (the gateway did not answer in time: breaker engaged, orders still held, still asking).
    /// </summary>
    public string State { get => _state; set => _state = value; }

    /// <summary>Journal files, lines, unreadable lines, torn bytes cut, and the time the reading took.</summary>
    public (int Files, long Lines, long BadLines, long TornBytes, double LoadMs) Journal { get; set; }

    /// <summary>Where the reading started (checkpoint file and offset), or null for a full reading.</summary>
    public string? FromCheckpoint { get; set; }

    /// <summary>Orders marked <c>unknown_at_gateway</c> (never resent).</summary>
    public long UnknownAtGatewayCount => Volatile.Read(ref UnknownAtGateway);

    /// <summary>Orders restored as in flight at start.</summary>
    public long RestoredInFlightCount => Volatile.Read(ref RestoredInFlight);

    /// <summary>Writes the <c>recovery</c> status object's fields.</summary>
    public void WriteStatus(Utf8JsonWriter w)
    {
        w.WriteString("mode", _mode);
        w.WriteString("state", _state);
        var j = Journal;
        w.WriteNumber("journalFiles", j.Files);
        w.WriteNumber("journalLines", j.Lines);
        w.WriteNumber("badLines", j.BadLines);
        w.WriteNumber("tornBytesRemoved", j.TornBytes);
        w.WriteNumber("loadMs", Math.Round(j.LoadMs, 1));
        if (FromCheckpoint is { } cp) w.WriteString("fromCheckpoint", cp);
        w.WriteNumber("restoredInFlight", Volatile.Read(ref RestoredInFlight));
        w.WriteNumber("filled", Volatile.Read(ref Filled));
        w.WriteNumber("open", Volatile.Read(ref StillOpen));
        w.WriteNumber("givenUp", Volatile.Read(ref GivenUp));
        w.WriteNumber("unknownAtGateway", Volatile.Read(ref UnknownAtGateway));
        w.WriteNumber("recovered", Volatile.Read(ref Recovered));
        w.WriteNumber("discarded", Volatile.Read(ref Discarded));
        w.WriteNumber("leftForLiveStart", Volatile.Read(ref LeftForLive));
        w.WriteNumber("requestRounds", Volatile.Read(ref Rounds));
        w.WriteNumber("refused", Volatile.Read(ref Refused));
        w.WriteStartArray("refusedIds");
        string[] refused;
        lock (this) refused = RefusedIds;
        foreach (var id in refused) w.WriteStringValue(id);
        w.WriteEndArray();
    }
}
