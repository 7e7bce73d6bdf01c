using EdgeTrader.KillSwitch;
using EdgeTrader.Trading.Risk;

namespace EdgeTrader.Trading;

// Orders that are over (filled in full, rejected, or listed cancelled by a gateway's cancel_all report) are remembered a
// while: a fill of one still moved money if the gateway is right (it crossed the cancel, or the gateway filled more
// than it was asked), so it is booked in the worst case for this node and checked against what was left of the order.
// After a full fill or a reject nothing was left: any fill then is an overfill and engages.
public sealed partial class TradingLoop
{
    /// <summary>How many ended orders (of this run, and restored ones) are remembered for a late fill; the oldest are
    /// forgotten first; a fill of a forgotten one of this run cannot be booked and engages (FILL_OF_FORGOTTEN_ORDER).</summary>
    public const int EndedMemory = 4096;

    readonly Dictionary<long, InFlight> _ended = new(EndedMemory); // sized once: ending an order allocates nothing
    readonly Queue<long> _endedAge = new(EndedMemory);
    readonly Dictionary<string, RestoredOrder> _endedRestored = new(StringComparer.Ordinal);
    readonly Queue<string> _endedRestoredAge = new();

    /// <summary>True while an ended order restored at a warm start is remembered for a late fill.</summary>
    public bool RemembersEndedRestored => _endedRestored.Count > 0;

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
        f.Cancelled = true;
        RememberEnded(seq, f);
        return true;
    }

    /// <summary>The same for an order restored at a warm start, by id; false when it is not one.</summary>
    public bool OnRestoredCancelled(string id, string why)
    {
        if (!_restored.TryGetValue(id, out var r)) return false;
        Counters.CancelledByGateway++;
        _book.OnGivenUp(r.SymbolId, r.Side, r.Remaining);
        r.Cancelled = true;
        RemoveRestored(r);
        _log.OrderEvent(OrderEventType.GivenUp, id, why, NowMs());
        return true;
    }

    /// <summary>An order of this run leaves the orders in flight: <paramref name="f"/> says what was left of it.</summary>
    void RememberEnded(long seq, InFlight f)
    {
        if (_endedAge.Count >= EndedMemory) _ended.Remove(_endedAge.Dequeue());
        _ended[seq] = f;
        _endedAge.Enqueue(seq);
    }

    void RememberEndedRestored(RestoredOrder r)
    {
        if (!_endedRestored.ContainsKey(r.Id)) // the age queue names each id once
        {
            if (_endedRestoredAge.Count >= EndedMemory) _endedRestored.Remove(_endedRestoredAge.Dequeue());
            _endedRestoredAge.Enqueue(r.Id);
        }
        _endedRestored[r.Id] = r;
    }

    /// <summary>A fill of an ended order of this run; false when none with that seq is remembered.</summary>
    bool OnFillOfEnded(long seq, double qty, double price, Side? side)
    {
        ref var f = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrNullRef(_ended, seq);
        if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref f)) return false;
        var b = FillCheck.Check(f.Side, f.Price, f.Remaining, side, qty, price, _band, f.SymbolId);
        double left = f.Remaining;
        f.Remaining -= Math.Min(b.Qty, f.Remaining);
        var (symbolId, orderSide, limit, cancelled) = (f.SymbolId, f.Side, f.Price, f.Cancelled); // f is not used past here
        if (cancelled) Counters.FillsAfterCancel++;
        _book.AddPending(symbolId, b.Side, b.Qty); // nothing of it is pending any more: booking the fill takes this off again
        RecordFill(seq, symbolId, b.Side, b.Qty, b.Price, NowMs());
        if (b.Anomaly is { } a) RaiseAnomaly(a, FillDetail(DetailIds?.Format(seq) ?? seq.ToString(System.Globalization.CultureInfo.InvariantCulture), symbolId, orderSide, limit, left, side, qty, price, b), BreakerSource.Gateway);
        CheckPostTrade();
        return true;
    }

    /// <summary>A fill of an ended restored order; false when none with that id is remembered.</summary>
    bool OnRestoredFillOfEnded(string id, double qty, double price, Side? side)
    {
        if (!_endedRestored.TryGetValue(id, out var r)) return false;
        // Nothing of it is pending any more; booking the fill takes pending quantity off again, on both sides when the
        // gateway names the other one.
        var booked = side ?? r.Side;
        double q = Math.Min(qty, FillCheck.MaxFillQty);
        _book.AddPending(r.SymbolId, booked, q);
        if (booked != r.Side) _book.AddPending(r.SymbolId, r.Side, Math.Min(q, r.Remaining));
        if (r.Cancelled) Counters.FillsAfterCancel++;
        CheckedFill(r, qty, price, side, via: null);
        CheckPostTrade();
        return true;
    }
}
