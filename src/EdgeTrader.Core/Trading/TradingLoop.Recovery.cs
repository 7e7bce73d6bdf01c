using EdgeTrader.KillSwitch;
using EdgeTrader.Trading.Risk;

namespace EdgeTrader.Trading;

/// <summary>What one reconciliation did, for the log.</summary>
/// <param name="Filled">Orders settled as filled (their missing fills applied).</param>
/// <param name="StillOpen">Orders the gateway still works: kept in flight.</param>
/// <param name="GivenUp">Orders cancelled or rejected at the gateway: given up.</param>
/// <param name="UnknownIds">Orders the gateway does not know: marked unknown_at_gateway, never resent.</param>
/// <param name="RecoveredIds">Orders of this node the gateway knows and the journal did not hold (lost in the durability window): adopted.</param>
/// <param name="Ignored">Reported orders that needed nothing (already settled in the journal, another node).</param>
public sealed record ReconcileSummary(int Filled, int StillOpen, int GivenUp, IReadOnlyList<string> UnknownIds, IReadOnlyList<string> RecoveredIds, int Ignored)
{
    /// <summary>
    /// Reported orders of this node it cannot have sent (a run it never had, a seq above what that run can have lost,
    /// this run, above risk.maxQty, an unknown symbol or side): not adopted; the reconciliation engages.
    /// </summary>
    public IReadOnlyList<string> RefusedIds { get; init; } = [];
}

// Orders of earlier runs restored at a warm start. They are looked up by their full id (a string: this path is rare and
// off the per-tick path); this run's orders stay in the seq-keyed dictionary.
public sealed partial class TradingLoop
{
    const double QtyEpsilon = 1e-9;

    sealed class RestoredOrder
    {
        public required string Id;
        public int SymbolId;
        public Side Side;
        public double Qty;
        public double Price = double.NaN; // the limit; NaN when unknown (an order adopted from the gateway's answer)
        public double Filled;
        public double Notional;
        public bool Acked;
        public bool Cancelled; // listed cancelled by the gateway: what was left may still fill
        public bool Over; // filled in full or rejected: nothing is left, any further fill is an overfill
        public double Remaining => Over ? 0 : Math.Max(0, Qty - Filled);
    }

    readonly Dictionary<string, RestoredOrder> _restored = new(StringComparer.Ordinal);
    volatile int _restoredCount;
    volatile bool _holdOrders;

    /// <summary>Warm/cold start counters for status.</summary>
    public RecoveryReport Recovery { get; } = new();

    /// <summary>Orders of earlier runs restored at a warm start and not settled yet.</summary>
    public int RestoredCount => _restoredCount;

    /// <summary>True while new orders are held (denied RECONCILIATION_PENDING) until the warm start is reconciled.</summary>
    public bool HoldingOrders => _holdOrders;

    /// <summary>
    /// Gives the band the journal's last price of each symbol (<paramref name="lastPrices"/> by symbol id; 0 = none): a
    /// fill of a restored or adopted order is judged against it while the symbol has no band reference of its own.
    /// Call before the tick thread starts.
    /// </summary>
    public void SeedJournalPrices(IReadOnlyList<double> lastPrices)
    {
        for (int i = 0; i < lastPrices.Count && i < _parser.Symbols.Count; i++)
        {
            if (lastPrices[i] > 0) _band.SeedFromJournal(i, lastPrices[i]);
        }
    }

    /// <summary>
    /// Restores orders of earlier runs as in flight (call before the tick thread starts). They count as pending in the
    /// position limits, are never resent, and settle by gateway messages or by <see cref="Reconcile"/>. With
    /// <paramref name="holdOrders"/>, new orders are denied RECONCILIATION_PENDING until <see cref="Reconcile"/> ran.
    /// </summary>
    public void RestoreInFlight(IReadOnlyList<PendingOrder> orders, bool holdOrders)
    {
        foreach (var p in orders)
        {
            if (p.SymbolId < 0) continue;
            var r = new RestoredOrder { Id = p.Id, SymbolId = p.SymbolId, Side = p.Side, Qty = p.Qty, Price = p.Price, Filled = p.FilledQty, Notional = p.FilledNotional, Acked = p.Acked };
            _restored[p.Id] = r;
            _book.AddPending(p.SymbolId, p.Side, r.Remaining);
            // The order's limit is a journaled price of its symbol: the reference when the journal gave none.
            if (p.Price > 0 && _band.JournalReference(p.SymbolId) == 0) _band.SeedFromJournal(p.SymbolId, p.Price);
        }
        _restoredCount = _restored.Count;
        Interlocked.Exchange(ref Recovery.RestoredInFlight, _restored.Count);
        _holdOrders = holdOrders;
    }

    /// <summary>An ack for a restored order; false when the id is not one.</summary>
    public bool OnRestoredAck(string id)
    {
        if (!_restored.TryGetValue(id, out var r)) return false;
        // Stryker disable once Boolean : a restored order's Acked is kept for the record only; no rule reads it (ack timeouts watch this run's orders)
        r.Acked = true;
        Counters.Acks++;
        _log.OrderEvent(OrderEventType.Ack, id, null, NowMs());
        return true;
    }

    /// <summary>
    /// A (partial) fill of a restored order, checked against it like any fill (<see cref="FillCheck"/>), also after the
    /// gateway reported it cancelled; false when the id is not one or the fill is unusable.
    /// </summary>
    public bool OnRestoredFill(string id, double qty, double price, Side? side = null)
    {
        if (!UsableFill(qty, price)) return false;
        if (!_restored.TryGetValue(id, out var r)) return OnRestoredFillOfEnded(id, qty, price, side);
        CheckedFill(r, qty, price, side, via: null);
        if (r.Remaining <= QtyEpsilon) { r.Over = true; RemoveRestored(r); }
        CheckPostTrade();
        return true;
    }

    /// <summary>Books a gateway's fill of a restored order in the worst case for this node when its order does not allow it.</summary>
    void CheckedFill(RestoredOrder r, double qty, double price, Side? side, string? via)
    {
        double left = r.Remaining;
        var b = FillCheck.Check(r.Side, r.Price, left, side, qty, price, _band, r.SymbolId);
        if (b.Side != r.Side) _book.OnGivenUp(r.SymbolId, r.Side, Math.Min(b.Qty, left));
        double realized = _book.OnFill(r.SymbolId, b.Side, b.Qty, b.Price);
        r.Filled += b.Qty;
        r.Notional += b.Qty * b.Price;
        Counters.Fills++;
        _log.Fill(r.Id, r.SymbolId, b.Side, b.Qty, b.Price, realized, NowMs(), via);
        if (b.Anomaly is { } a) RaiseAnomaly(a, FillDetail(r.Id, r.SymbolId, r.Side, r.Price, left, side, qty, price, b), BreakerSource.Gateway);
    }

    /// <summary>A reject of a restored order; false when the id is not one.</summary>
    public bool OnRestoredReject(string id, string reason)
    {
        if (!_restored.TryGetValue(id, out var r)) return false;
        Counters.Rejects++;
        _book.OnGivenUp(r.SymbolId, r.Side, r.Remaining);
        r.Over = true;
        RemoveRestored(r);
        _log.OrderEvent(OrderEventType.Reject, id, reason, NowMs());
        return true;
    }

    /// <summary>
    /// Settles the restored orders against the gateway's answer and releases held orders. Per restored order: fills
    /// the gateway made that the journal lacks are applied (position, P&amp;L, journal); filled → done; cancelled or
    /// rejected → given up; open → kept in flight; not reported → <c>unknown_at_gateway</c>, given up and never resent.
    /// A reported order of this node from an earlier run above the highest seq the journal holds for that run
    /// (<paramref name="maxSeqByRun"/>) was sent but lost from the journal in a crash: it is journaled as a recovered
    /// order and settled the same way, but only when this node can have sent it: a run the journal knows
    /// (<paramref name="knownRuns"/>; default: the runs of <paramref name="maxSeqByRun"/>), not this run, a seq at most
    /// what that run can have sent within the journal's durability window above its highest journaled seq
    /// (risk.maxOrdersPerSecond × <see cref="AdoptionWindow"/>), a quantity within risk.maxQty, a configured symbol and a
    /// side, and, when it reports a fill, a price reference to judge it by (the band's, or the journal's last price of
    /// the symbol: <see cref="SeedJournalPrices"/>). Any other order of this node is refused, reported (<see cref="ReconcileSummary.RefusedIds"/>, status) and
    /// engages (source gateway, ADOPTION_REFUSED). Nothing is ever sent from here.
    /// </summary>
    public ReconcileSummary Reconcile(IReadOnlyCollection<GatewayOrderReport> reports, OrderIds ids, IReadOnlyDictionary<long, long> maxSeqByRun, SymbolTable symbols,
        IReadOnlyCollection<long>? knownRuns = null)
    {
        var runs = knownRuns is null ? new HashSet<long>(maxSeqByRun.Keys) : new HashSet<long>(knownRuns);
        long slack = Math.Max(1, (long)Math.Ceiling(_limits.MaxOrdersPerSecond * AdoptionWindow.TotalSeconds));
        var refused = new List<string>();
        var byId = new Dictionary<string, GatewayOrderReport>(StringComparer.Ordinal);
        foreach (var rep in reports) byId[rep.Id] = rep;
        int filled = 0, open = 0, givenUp = 0, ignored = 0;
        var unknown = new List<string>();
        var recovered = new List<string>();
        long now = NowMs();

        // Orders the journal knows, oldest first.
        var restored = _restored.Values.ToList();
        restored.Sort((a, b) => Order(a.Id, b.Id, ids));
        foreach (var r in restored)
        {
            if (byId.Remove(r.Id, out var rep))
            {
                Count(Settle(r, rep, now), ref filled, ref open, ref givenUp);
            }
            else
            {
                unknown.Add(r.Id);
                _book.OnGivenUp(r.SymbolId, r.Side, r.Remaining);
                RemoveRestored(r);
                Interlocked.Increment(ref Recovery.UnknownAtGateway);
                _log.OrderEvent(OrderEventType.UnknownAtGateway, r.Id, "the gateway does not know this order; it is not resent", now, "reconcile");
            }
        }

        // Orders the gateway knows and the journal does not: sent, then lost with the process inside the durability window.
        var adopt = new List<(long Run, long Seq, GatewayOrderReport Rep)>();
        foreach (var rep in byId.Values)
        {
            if (!ids.TryParseAnyRun(rep.Id, out long run, out long seq))
            {
                ignored++; // not an id of this node
                continue;
            }
            long max = maxSeqByRun.TryGetValue(run, out long m) ? m : 0;
            if (run < ids.Run && runs.Contains(run) && seq <= max)
            {
                ignored++; // settled in the journal already
                continue;
            }
            if (run >= ids.Run || !runs.Contains(run) || seq > max + slack || !(rep.Qty > 0 && rep.Qty <= _limits.MaxQty + 1e-9)
                || rep.Side is null || rep.Symbol is null || symbols.Find(rep.Symbol) < 0
                || (!_band.CanJudge(symbols.Find(rep.Symbol)) && (rep.State == "filled" || rep.FilledQty > 0))) // a fill nothing can judge
            {
                refused.Add(rep.Id);
                continue;
            }
            adopt.Add((run, seq, rep));
        }
        adopt.Sort((a, b) => a.Run != b.Run ? a.Run.CompareTo(b.Run) : a.Seq.CompareTo(b.Seq));
        foreach (var (_, _, rep) in adopt)
        {
            int sym = symbols.Find(rep.Symbol!);
            var side = rep.Side!.Value;
            // Stryker disable once Equality : an average of 0 gives the price 0 either way
            double price = rep.AvgPrice > 0 && double.IsFinite(rep.AvgPrice) ? rep.AvgPrice : 0;
            if (!_log.RecoveredOrder(rep.Id, sym, side, rep.Qty, price, rep.TimeMs, now)) { ignored++; continue; }
            _book.OnSent(sym, side, rep.Qty); // a trade of the day like any order
            var r = new RestoredOrder { Id = rep.Id, SymbolId = sym, Side = side, Qty = rep.Qty };
            _restored[r.Id] = r;
            recovered.Add(rep.Id);
            Interlocked.Increment(ref Recovery.Recovered);
            Count(Settle(r, rep, now), ref filled, ref open, ref givenUp);
        }
        _restoredCount = _restored.Count;
        _holdOrders = false;
        if (refused.Count > 0)
        {
            Interlocked.Add(ref Recovery.Refused, refused.Count);
            lock (Recovery) Recovery.RefusedIds = [.. Recovery.RefusedIds, .. refused.Take(100)];
            RaiseAnomaly(AnomalyCode.AdoptionRefused, $"the gateway's open_orders answer lists {refused.Count} order(s) of this node it cannot have sent; not adopted: {string.Join(' ', refused.Take(20))}", BreakerSource.Gateway);
        }
        CheckPostTrade();
        return new ReconcileSummary(filled, open, givenUp, unknown, recovered, ignored) { RefusedIds = refused };
    }

    /// <summary>How long before a crash an order can have left without its line reaching the journal, at most (the adoption bound).</summary>
    public static readonly TimeSpan AdoptionWindow = TimeSpan.FromSeconds(2);

    static int Order(string a, string b, OrderIds ids)
    {
        ids.TryParseAnyRun(a, out long ra, out long sa);
        ids.TryParseAnyRun(b, out long rb, out long sb);
        return ra != rb ? ra.CompareTo(rb) : sa != sb ? sa.CompareTo(sb) : string.CompareOrdinal(a, b);
    }

    enum Settlement { Filled, Open, GivenUp }

    static void Count(Settlement s, ref int filled, ref int open, ref int givenUp)
    {
        switch (s)
        {
            case Settlement.Filled: filled++; break;
            case Settlement.Open: open++; break;
            case Settlement.GivenUp: givenUp++; break;
            default: throw new ArgumentOutOfRangeException(nameof(s), s, "not a settlement");
        }
    }

    /// <summary>Applies one report to one order.</summary>
    Settlement Settle(RestoredOrder r, GatewayOrderReport rep, long now)
    {
        // A gateway that says "filled" without a quantity filled everything.
        double gwFilled = rep.State == "filled" && !(rep.FilledQty > 0) ? r.Qty : rep.FilledQty;
        double missing = gwFilled - r.Filled; // more than the order had left is an overfill: checked and booked as the gateway says
        if (missing > QtyEpsilon)
        {
            // Stryker disable once Equality : an average of 0 gives avg 0 either way
            double avg = rep.AvgPrice > 0 && double.IsFinite(rep.AvgPrice) ? rep.AvgPrice : 0;
            // The price of the part the journal lacks: the gateway's average over all fills, less what is known.
            // Stryker disable once Equality,Conditional : with avg 0 the formula gives 0 or less (or NaN), and the next line falls back to avg, 0, as without it
            double price = avg > 0 ? (avg * gwFilled - r.Notional) / (gwFilled - r.Filled) : 0;
            if (!(price > 0) || !double.IsFinite(price)) price = avg;
            // Stryker disable once Equality : a limit of 0 gives the price 0, which books nothing either way
            if (!(price > 0) && double.IsFinite(r.Price) && r.Price > 0) price = r.Price; // no price from the gateway: at the limit
            if (price > 0) CheckedFill(r, missing, price, side: rep.Side, via: "reconcile");
        }
        switch (rep.State)
        {
            case "filled":
            case "cancelled":
            case "rejected":
                if (r.Remaining > QtyEpsilon)
                {
                    _book.OnGivenUp(r.SymbolId, r.Side, r.Remaining);
                    string why = rep.State == "filled" ? $"the gateway filled {gwFilled} of {r.Qty}" : $"{rep.State} at the gateway";
                    _log.OrderEvent(OrderEventType.GivenUp, r.Id, why, now, "reconcile");
                }
                Interlocked.Increment(ref rep.State == "filled" ? ref Recovery.Filled : ref Recovery.GivenUp);
                r.Over = rep.State != "cancelled";
                r.Cancelled = rep.State == "cancelled";
                RemoveRestored(r);
                return rep.State == "filled" ? Settlement.Filled : Settlement.GivenUp;
            default:
                // "open" (or a state we do not know): the gateway still works it; it stays in flight.
                if (r.Remaining <= QtyEpsilon) { RemoveRestored(r); return Settlement.Filled; }
                // Stryker disable once Boolean : a restored order's Acked is kept for the record only; no rule reads it
                r.Acked = true;
                Interlocked.Increment(ref Recovery.StillOpen);
                _log.OrderEvent(OrderEventType.Ack, r.Id, rep.State == "open" ? null : $"gateway state '{rep.State}'", now, "reconcile");
                return Settlement.Open;
        }
    }

    /// <summary>A restored order is over: it leaves the restored orders and is remembered for a late fill.</summary>
    void RemoveRestored(RestoredOrder r)
    {
        _restored.Remove(r.Id);
        _restoredCount = _restored.Count;
        RememberEndedRestored(r);
    }
}
