using System.Text;
using System.Text.Json;
using EdgeTrader.Trading.Risk;

namespace EdgeTrader.Trading;

/// <summary>One record of an <see cref="InMemoryDecisionLog"/>, with the journal's line type.</summary>
/// <param name="Type">The journal's <c>type</c>: order, denial, ack, fill, reject, timeout, given_up, recovery, …</param>
/// <param name="Seq">This run's order seq (0 when the record names an order by <paramref name="Id"/>).</param>
/// <param name="Id">The full id of an earlier run's order, or null.</param>
/// <param name="Code">The denial code (denials).</param>
/// <param name="SymbolId">Symbol (orders, denials, fills; -1 otherwise).</param>
/// <param name="Side">Side (orders, denials, fills).</param>
/// <param name="Qty">Quantity (orders, denials, fills).</param>
/// <param name="Price">Price (orders, denials, fills).</param>
/// <param name="Realized">Realised P&amp;L of a fill.</param>
/// <param name="Text">Reason, or a recovery line's JSON fields.</param>
/// <param name="Via">Where a warm start learned it ("reconcile").</param>
/// <param name="Sent">False for an order the transport refused.</param>
/// <param name="TickSeq">The seq of the tick behind an order or a denial.</param>
public sealed record DecisionRecord(string Type, long Seq, string? Id, DenialCode Code, int SymbolId, Side Side, double Qty, double Price,
    double Realized, string? Text, string? Via, bool Sent = true, long TickSeq = 0);

/// <summary>
/// The decisions log in memory: the loop's production path without a disk, for unit tests (every record kept, in
/// order) and benchmarks (<c>keep: false</c>: counted only, nothing allocated per record). <see cref="Fail"/> makes
/// it behave like a journal whose storage broke.
/// </summary>
public sealed class InMemoryDecisionLog(bool keep = true) : IDecisionLog
{
    readonly List<DecisionRecord> _records = [];
    volatile string? _failure;
    long _count;

    /// <summary>Everything recorded, oldest first (empty with <c>keep: false</c>).</summary>
    public IReadOnlyList<DecisionRecord> Records => _records;

    /// <summary>Records accepted.</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <inheritdoc/>
    public string? Failure => _failure;

    /// <summary>From now on nothing is recorded and orders are refused, as after a journal write failure.</summary>
    public void Fail(string why) => _failure = why;

    /// <summary>Records of one type.</summary>
    public IEnumerable<DecisionRecord> OfType(string type) => _records.Where(r => r.Type == type);

    /// <summary>True when the record is accepted; then it is kept when <c>keep</c> is on.</summary>
    bool Accept()
    {
        if (_failure is not null) return false;
        Interlocked.Increment(ref _count);
        return true;
    }

    void Keep(DecisionRecord r)
    {
        lock (_records) _records.Add(r);
    }

    /// <inheritdoc/>
    public bool Order(in Order order)
    {
        if (!Accept()) return false;
        if (keep) Keep(new DecisionRecord("order", order.Seq, null, DenialCode.None, order.SymbolId, order.Side, order.Qty, order.Price, 0, null, null, TickSeq: order.TickSeq));
        return true;
    }

    /// <inheritdoc/>
    public bool RecoveredOrder(string id, int symbolId, Side side, double qty, double price, long orderTimeMs, long timeMs)
    {
        if (!Accept()) return false;
        if (keep) Keep(new DecisionRecord("order", 0, id, DenialCode.None, symbolId, side, qty, price, 0, null, "recovered"));
        return true;
    }

    /// <inheritdoc/>
    public void Denial(in OrderIntent intent, DenialCode code, long tickSeq, long timeMs)
    {
        if (Accept() && keep) Keep(new DecisionRecord("denial", 0, null, code, intent.SymbolId, intent.Side, intent.Qty, intent.Price, 0, DenialCodes.Code(code), null, TickSeq: tickSeq));
    }

    /// <inheritdoc/>
    public void OrderEvent(OrderEventType type, long seq, string? reason, long timeMs)
    {
        // Symbol -1: an order event names its order, not a symbol (as the journal's line does).
        if (Accept() && keep) Keep(new DecisionRecord(OrderEventTypes.Name(type), seq, null, DenialCode.None, -1, default, 0, 0, 0, reason, null));
    }

    /// <inheritdoc/>
    public void OrderEvent(OrderEventType type, string id, string? reason, long timeMs, string? via = null)
    {
        if (Accept() && keep) Keep(new DecisionRecord(OrderEventTypes.Name(type), 0, id, DenialCode.None, -1, default, 0, 0, 0, reason, via));
    }

    /// <inheritdoc/>
    public void SendFailed(long seq, string reason, long timeMs)
    {
        if (Accept() && keep) Keep(new DecisionRecord("reject", seq, null, DenialCode.None, -1, default, 0, 0, 0, reason, null, Sent: false));
    }

    /// <inheritdoc/>
    public void Fill(long seq, int symbolId, Side side, double qty, double price, double realized, long timeMs)
    {
        if (Accept() && keep) Keep(new DecisionRecord("fill", seq, null, DenialCode.None, symbolId, side, qty, price, realized, null, null));
    }

    /// <inheritdoc/>
    public void Fill(string id, int symbolId, Side side, double qty, double price, double realized, long timeMs, string? via)
    {
        if (Accept() && keep) Keep(new DecisionRecord("fill", 0, id, DenialCode.None, symbolId, side, qty, price, realized, null, via));
    }

    /// <inheritdoc/>
    public void Anomaly(AnomalyCode code, string detail, long timeMs)
    {
        if (Accept() && keep) Keep(new DecisionRecord("anomaly", 0, null, DenialCode.None, -1, default, 0, 0, 0, $"{AnomalyCodes.Code(code)}: {detail}", null));
    }

    /// <inheritdoc/>
    public void Recovery(Action<Utf8JsonWriter> fields)
    {
        if (!Accept() || !keep) return;
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            fields(w);
            w.WriteEndObject();
        }
        Keep(new DecisionRecord("recovery", 0, null, DenialCode.None, -1, default, 0, 0, 0, Encoding.UTF8.GetString(ms.ToArray()), null));
    }

    /// <inheritdoc/>
    public DecisionGroup Group() => default;
}
