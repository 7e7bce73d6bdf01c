using System.Text.Json;
using EdgeTrader.Trading.Risk;

namespace EdgeTrader.Trading;

/// <summary>What happened to an order after it left (journal line types).</summary>
public enum OrderEventType
{
    /// <summary>The gateway acknowledged it (<c>ack</c>).</summary>
    Ack,
    /// <summary>The gateway rejected it (<c>reject</c>).</summary>
    Reject,
    /// <summary>Not acknowledged within gateway.ackTimeoutMs (<c>timeout</c>); it stays in flight.</summary>
    Timeout,
    /// <summary>Cancelled, rejected or partly filled at the gateway per a warm start's answer (<c>given_up</c>).</summary>
    GivenUp,
    /// <summary>The gateway does not know it at a warm start (<c>unknown_at_gateway</c>); never resent.</summary>
    UnknownAtGateway,
    /// <summary><c>run --cold</c> gave it up without asking the gateway (<c>discarded</c>).</summary>
    Discarded,
}

/// <summary>Stable line-type names of <see cref="OrderEventType"/>.</summary>
public static class OrderEventTypes
{
    /// <summary>The journal's <c>type</c>, e.g. "unknown_at_gateway"; throws for a value that is not one.</summary>
    public static string Name(OrderEventType t) => t switch
    {
        OrderEventType.Ack => "ack",
        OrderEventType.Reject => "reject",
        OrderEventType.Timeout => "timeout",
        OrderEventType.GivenUp => "given_up",
        OrderEventType.UnknownAtGateway => "unknown_at_gateway",
        OrderEventType.Discarded => "discarded",
        _ => throw new ArgumentOutOfRangeException(nameof(t), t, "not an order event"), // a cast from an unchecked number
    };
}

/// <summary>
/// The decisions log the trading loop writes: every order before it leaves, every denial with its code, every ack,
/// fill, reject and timeout. An order that cannot be recorded does not leave (<see cref="Order"/> returns false: the
/// loop denies it JOURNAL_UNAVAILABLE). Implementations: the durable journal (Journal/DecisionJournal) and an
/// in-memory log for tests and benchmarks. Called on the tick thread, except where a member says otherwise.
/// </summary>
public interface IDecisionLog
{
    /// <summary>Null while records are accepted; otherwise why the log stopped accepting them.</summary>
    string? Failure { get; }

    /// <summary>Records an order that passed both gates, before it is sent; false when it cannot be recorded.</summary>
    bool Order(in Order order);

    /// <summary>Records an order of an earlier run that a warm start learned from the gateway (lost from the log in a crash).</summary>
    bool RecoveredOrder(string id, int symbolId, Side side, double qty, double price, long orderTimeMs, long timeMs);

    /// <summary>Records a denied intent with its stable code.</summary>
    void Denial(in OrderIntent intent, DenialCode code, long tickSeq, long timeMs);

    /// <summary>Records what happened to order <paramref name="seq"/> of this run.</summary>
    void OrderEvent(OrderEventType type, long seq, string? reason, long timeMs);

    /// <summary>
    /// Records what happened to an order of an earlier run (by its full id); <paramref name="via"/> says where the
    /// knowledge came from ("reconcile": the gateway's open_orders answer).
    /// </summary>
    void OrderEvent(OrderEventType type, string id, string? reason, long timeMs, string? via = null);

    /// <summary>Records that order <paramref name="seq"/> passed both gates but the transport refused it: it never left.</summary>
    void SendFailed(long seq, string reason, long timeMs);

    /// <summary>Records a fill of order <paramref name="seq"/> of this run and the P&amp;L the book computed for it.</summary>
    void Fill(long seq, int symbolId, Side side, double qty, double price, double realized, long timeMs);

    /// <summary>Records a fill of an order of an earlier run (by its full id).</summary>
    void Fill(string id, int symbolId, Side side, double qty, double price, double realized, long timeMs, string? via);

    /// <summary>Records an anomaly a rule detected (<c>{"type":"anomaly","code":...,"detail":...}</c>).</summary>
    void Anomaly(AnomalyCode code, string detail, long timeMs);

    /// <summary>A start-up summary line (warm/cold start, reconciliation result); <paramref name="fields"/> writes its fields.</summary>
    void Recovery(Action<Utf8JsonWriter> fields);

    /// <summary>
    /// Keeps the records appended until the scope is disposed in one durable unit (dry-run: an order and its
    /// simulated fill). The caller must not engage the breaker or take another lock inside the scope.
    /// </summary>
    DecisionGroup Group();
}

/// <summary>See <see cref="IDecisionLog.Group"/>: releases the group when disposed.</summary>
public readonly ref struct DecisionGroup
{
    readonly object? _held;

    /// <summary>A group holding <paramref name="held"/> (a monitor the caller entered); null for a log without groups.</summary>
    public DecisionGroup(object? held) => _held = held;

    /// <summary>Releases the group.</summary>
    public void Dispose()
    {
        if (_held is not null) Monitor.Exit(_held);
    }
}
