using EdgeTrader.KillSwitch;
using EdgeTrader.Trading.Risk;

namespace EdgeTrader.Trading;

// Orders a gateway's cancel_all report lists as cancelled: terminal, given up, yet remembered a while, because a fill
// that crossed the cancel on its way still moved money and is booked.
public sealed partial class TradingLoop
{
    /// <summary>How many cancelled orders are remembered for a late fill (the oldest are forgotten first).</summary>
    public const int CancelledMemory = 4096;

    readonly Dictionary<long, InFlight> _cancelled = [];
    readonly Queue<long> _cancelledAge = new();

    /// <summary>
    /// The gateway reports order <paramref name="seq"/> of this run cancelled (a cancel_all report): it leaves the
    /// orders in flight, its remaining quantity no longer counts as pending, and a <c>given_up</c> line says why. False
    /// when no such order is in flight.
    /// </summary>
    public bool OnCancelled(long seq, string why)
    {
        if (!_inFlight.Remove(seq, out var f)) return false;
        Counters.CancelledByGateway++;
        _book.OnGivenUp(f.SymbolId, f.Side, f.Remaining);
        _log.OrderEvent(OrderEventType.GivenUp, seq, why, NowMs());
        if (_cancelledAge.Count >= CancelledMemory) _cancelled.Remove(_cancelledAge.Dequeue());
        _cancelled[seq] = f;
        _cancelledAge.Enqueue(seq);
        return true;
    }

    readonly Dictionary<string, RestoredOrder> _cancelledRestored = new(StringComparer.Ordinal);
    readonly Queue<string> _cancelledRestoredAge = new();

    /// <summary>True while a cancelled order restored at a warm start is remembered for a late fill.</summary>
    public bool RemembersCancelledRestored => _cancelledRestored.Count > 0;

    /// <summary>The same for an order restored at a warm start, by id; false when it is not one.</summary>
    public bool OnRestoredCancelled(string id, string why)
    {
        if (!_restored.TryGetValue(id, out var r)) return false;
        Counters.CancelledByGateway++;
        _book.OnGivenUp(r.SymbolId, r.Side, r.Remaining);
        RemoveRestored(r);
        _log.OrderEvent(OrderEventType.GivenUp, id, why, NowMs());
        if (_cancelledRestoredAge.Count >= CancelledMemory) _cancelledRestored.Remove(_cancelledRestoredAge.Dequeue());
        _cancelledRestored[id] = r;
        _cancelledRestoredAge.Enqueue(id);
        return true;
    }

    /// <summary>A fill of a restored order already reported cancelled: booked and checked like any fill of it, and counted.</summary>
    bool OnRestoredFillAfterCancel(string id, double qty, double price, Side? side)
    {
        if (!_cancelledRestored.TryGetValue(id, out var r) || r.Remaining <= QtyEpsilon) return false;
        // Its remainder was given up when it was cancelled; booking the fill takes pending quantity off again.
        var booked = side ?? r.Side;
        double q = Math.Min(qty, FillCheck.MaxFillQty);
        _book.AddPending(r.SymbolId, booked, q);
        if (booked != r.Side) _book.AddPending(r.SymbolId, r.Side, Math.Min(q, r.Remaining));
        Counters.FillsAfterCancel++;
        CheckedFill(r, qty, price, side, via: null);
        CheckPostTrade();
        return true;
    }

    /// <summary>
    /// A fill of an order already reported cancelled: checked against its order like any fill (<see cref="FillCheck"/>:
    /// side, what was left, limit, band), booked in the worst case for this node when impossible, counted, and an
    /// impossible one engages (source gateway). False when no cancelled order with anything left has that seq.
    /// </summary>
    bool OnFillAfterCancel(long seq, double qty, double price, Side? side)
    {
        ref var f = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrNullRef(_cancelled, seq);
        if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref f) || f.Remaining <= 1e-12) return false;
        var b = FillCheck.Check(f.Side, f.Price, f.Remaining, side, qty, price, _band, f.SymbolId);
        double left = f.Remaining;
        f.Remaining -= Math.Min(b.Qty, f.Remaining);
        Counters.FillsAfterCancel++;
        _book.AddPending(f.SymbolId, b.Side, b.Qty); // given up when cancelled: booking the fill takes it off again
        RecordFill(seq, f.SymbolId, b.Side, b.Qty, b.Price, NowMs());
        if (b.Anomaly is { } a) RaiseAnomaly(a, FillDetail(DetailIds?.Format(seq) ?? seq.ToString(System.Globalization.CultureInfo.InvariantCulture), f.SymbolId, f.Side, f.Price, left, side, qty, price, b), BreakerSource.Gateway);
        CheckPostTrade();
        return true;
    }
}
