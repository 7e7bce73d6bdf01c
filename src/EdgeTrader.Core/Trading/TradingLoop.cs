using EdgeTrader.KillSwitch;
using EdgeTrader.Trading.Risk;
using EdgeTrader.Trading.Strategies;

namespace EdgeTrader.Trading;

/// <summary>What happened to one tick.</summary>
public enum TickOutcome
{
    /// <summary>Dropped as invalid or stale (counted by reason).</summary>
    Dropped,
    /// <summary>Breaker ENGAGED at gate 1: the strategy did not see it.</summary>
    BlockedAtGate1,
    /// <summary>No signal.</summary>
    NoSignal,
    /// <summary>Signal denied by a risk check (counted by code, journaled).</summary>
    Denied,
    /// <summary>Breaker engaged between gate 1 and gate 2: the signal was blocked.</summary>
    BlockedAtGate2,
    /// <summary>An order left.</summary>
    OrderSent,
    /// <summary>An order passed both gates but the transport refused it.</summary>
    SendFailed,
}

/// <summary>
/// The tick path: roll the trading day → validate (parse, age) → gate 1 → strategy → pre-trade risk → journal →
/// gate 2 → send. Gates are the breaker's single volatile read. Runs on one thread, takes no lock and does not
/// allocate for a tick without a signal. Gateway replies (acks, fills, rejects) come back on the same thread, already
/// routed to their order (this run's by seq, an earlier run's by id). The loop calls only downwards: the strategy,
/// the risk checks, the decisions log and the order sink; nothing it calls calls it back.
/// </summary>
public sealed partial class TradingLoop
{
    readonly CircuitBreaker _breaker;
    readonly TickParser _parser;
    readonly IStrategy _strategy;
    readonly IRiskChecks _risk;
    readonly PriceBand _band;
    readonly LoopLimits _limits;
    readonly long _checkTimeoutTicks;
    readonly PositionBook _book;
    readonly IOrderSink _sink;
    readonly IDecisionLog _log;
    readonly TradingDay _day;
    readonly TimeProvider _time;
    readonly bool _simulatedFills;
    readonly int _maxTickAgeMs;
    readonly Dictionary<long, InFlight> _inFlight = [];
    long _orderSeq;
    long _lastTickSeq = -1;

    struct InFlight
    {
        public int SymbolId;
        public Side Side;
        public double Price;
        public double Remaining;
        public long SentTimestamp;
        public bool Acked;
        public bool TimedOut;
        public bool Cancelled; // listed cancelled by a cancel_all report (a later fill counts as one after a cancel)
    }

    /// <summary>Raised (tick thread) for every anomaly, after it was counted and journaled: the session logs it.</summary>
    public event Action<AnomalyCode, string>? Anomaly;

    /// <summary>Hook for tests: runs between the risk check and gate 2 (null in production).</summary>
    internal Action? BetweenGates;

    /// <summary>
    /// Composes the loop; everything is owned by the tick thread except the breaker. Whether fills are simulated
    /// (dry-run) is the sink's to say (<see cref="IOrderSink.SimulatesFills"/>), decided once where the sink is chosen.
    /// A tick older than <paramref name="maxTickAgeMs"/> (0 = no limit) is dropped before anything acts on it;
    /// <paramref name="limits"/> (default: the options' defaults) has the other rules' bounds: ticks from the future,
    /// the price band, the check timeout.
    /// </summary>
    public TradingLoop(CircuitBreaker breaker, TickParser parser, IStrategy strategy, IRiskChecks risk, PositionBook book,
        IOrderSink sink, IDecisionLog log, TradingDay day, TimeProvider time, int maxTickAgeMs, LoopLimits? limits = null)
    {
        _limits = limits ?? LoopLimits.From(new Configuration.RiskOptions());
        _band = new PriceBand(_limits.PriceBand, parser.Symbols.Count, time.TimestampFrequency);
        _checkTimeoutTicks = (long)(_limits.CheckTimeoutMs / 1000.0 * time.TimestampFrequency);
        _breaker = breaker;
        _parser = parser;
        _strategy = strategy;
        _risk = risk;
        _book = book;
        _sink = sink;
        _log = log;
        _day = day;
        _time = time;
        _simulatedFills = sink.SimulatesFills;
        _maxTickAgeMs = maxTickAgeMs;
        Counters = new TradingCounters(parser.Symbols.Count);
    }

    /// <summary>Counters for status.</summary>
    public TradingCounters Counters { get; }

    long _checkStartTs;

    /// <summary>When the tick thread entered the strategy and pre-trade checks (a timestamp), 0 while it is not in them. Any thread.</summary>
    public long CheckStartedTimestamp => Volatile.Read(ref _checkStartTs);

    /// <summary>Positions and daily counters.</summary>
    public PositionBook Book => _book;

    /// <summary>The price band (references per symbol).</summary>
    public PriceBand Band => _band;

    /// <summary>The trading day the loop rolls.</summary>
    public TradingDay Day => _day;

    /// <summary>True when orders are simulated as filled at once (dry-run).</summary>
    public bool SimulatesFills => _simulatedFills;

    /// <summary>Orders sent and not yet filled or rejected (this run's and those restored at a warm start).</summary>
    public int InFlightCount => _inFlight.Count + _restoredCount;

    /// <summary>Last order seq used in this run.</summary>
    public long LastOrderSeq => _orderSeq;

    /// <summary>One raw payload from the bridge: parsed and processed at once.</summary>
    public TickOutcome OnPayload(ReadOnlySpan<byte> payload)
    {
        var now = _time.GetUtcNow(); // the one wall-clock read of this tick
        RollDay(now);
        Counters.TicksIn++;
        if (!_parser.TryParse(payload, now.ToUnixTimeMilliseconds(), out var tick, out var reason))
        {
            Counters.Dropped[(int)reason]++;
            return TickOutcome.Dropped;
        }
        TrackSeq(tick.Seq);
        return Process(in tick, now);
    }

    /// <summary>
    /// The loop's parser. A batch being drained parses its payloads in the order it needs, then counts each once, in
    /// arrival order: <see cref="OnDropped"/>, <see cref="OnTakenIn"/> (later given to <see cref="OnAcceptedTick"/> or
    /// <see cref="OnConflated"/>) or <see cref="OnSuperseded"/>.
    /// </summary>
    public TickParser Parser => _parser;

    /// <summary>A payload taken in that is not a valid tick: counted as received and dropped by <paramref name="reason"/>.</summary>
    public void OnDropped(TickDropReason reason)
    {
        Counters.TicksIn++;
        Counters.Dropped[(int)reason]++;
    }

    /// <summary>A valid tick taken in, in arrival order, not acted on yet: later given to <see cref="OnAcceptedTick"/> or <see cref="OnConflated"/>.</summary>
    public void OnTakenIn(in Tick tick)
    {
        Counters.TicksIn++;
        TrackSeq(tick.Seq); // in arrival order: a conflated tick is not a gap in the feed
    }

    /// <summary>
    /// A payload taken in and never parsed, because a newer valid tick of its symbol (<paramref name="symbolId"/>, read by
    /// <see cref="TickParser.TryPeek"/>) superseded it: counted as received and conflated, its seq followed in arrival order.
    /// </summary>
    public void OnSuperseded(int symbolId, long seq)
    {
        Counters.TicksIn++;
        TrackSeq(seq);
        Counters.ConflatedBySymbol[symbolId]++;
    }

    /// <summary>A valid tick taken in by <see cref="OnTakenIn"/> that a newer tick of its symbol superseded: counted, never acted on.</summary>
    public void OnConflated(in Tick tick) => Counters.ConflatedBySymbol[tick.SymbolId]++;

    /// <summary>A valid tick taken in by <see cref="OnTakenIn"/>, acted on now (age checked against this moment).</summary>
    public TickOutcome OnAcceptedTick(in Tick tick)
    {
        var now = _time.GetUtcNow();
        RollDay(now);
        return Process(in tick, now);
    }

    /// <summary>A parsed tick from an in-process feed (benchmarks): counted as received and processed.</summary>
    public TickOutcome OnTick(in Tick tick)
    {
        Counters.TicksIn++;
        TrackSeq(tick.Seq);
        return OnAcceptedTick(in tick);
    }

    /// <summary>
    /// Rolls the trading day to <paramref name="now"/> (a new day zeroes the day's trades and realised P&amp;L). Runs on
    /// every tick before any check, and on the session's housekeeping turns so the day moves without ticks too.
    /// </summary>
    public void RollDay(DateTimeOffset now)
    {
        _day.Roll(now);
        if (_day.Current <= _book.Day) return;
        // The day that closes is remembered with whether it had activity: a clock step that rolled it is judged by that.
        _closedDay = _book.Day;
        _closedDayActive = _book.TradesToday > 0 || _book.RealizedToday != 0;
        _book.RollDay(_day.Current);
    }

    DateOnly _closedDay;
    bool _closedDayActive;

    /// <summary>
    /// True when trading day <paramref name="day"/> had trades or realised P&amp;L other than 0: the current day's counters, or
    /// those the last roll closed. Tick thread only.
    /// </summary>
    public bool DayHadActivity(DateOnly day) =>
        day == _book.Day ? _book.TradesToday > 0 || _book.RealizedToday != 0 : day == _closedDay && _closedDayActive;

    TickOutcome Process(in Tick tick, DateTimeOffset now)
    {
        long nowMs = now.ToUnixTimeMilliseconds();
        // Freshness both ways: a tick older than the bound, or stamped ahead of our clock, is never acted on.
        if (_maxTickAgeMs > 0 && nowMs - tick.TimeMs > _maxTickAgeMs) return Drop(TickDropReason.Stale);
        if (tick.TimeMs - nowMs > _limits.MaxTickFutureMs) return Drop(TickDropReason.FutureTick);
        long nowTs = _time.GetTimestamp();
        // Price sanity: bounds and the symbol's band; a dropped price reaches neither the book nor the strategy.
        double reference = _band.Reference(tick.SymbolId);
        var verdict = _band.Check(tick.SymbolId, tick.Bid, tick.Ask, nowTs);
        if (verdict != PriceVerdict.Accepted) return DropPrice(verdict, in tick, reference);
        Counters.TicksAccepted++;
        _book.Mark(tick.SymbolId, tick.Mid);
        CheckPostTrade(); // the new mark may put the day's P&L past its limit

        // Gate 1: an engaged breaker stops the tick before the strategy sees it.
        if (_breaker.IsEngaged)
        {
            Counters.BlockedAtGate1++;
            return TickOutcome.BlockedAtGate1;
        }

        bool signal;
        OrderIntent intent;
        Volatile.Write(ref _checkStartTs, nowTs); // a CheckWatchdog engages while the checks hang
        try
        {
            signal = _strategy.OnTick(in tick, out intent);
        }
        catch (Exception ex)
        {
            Volatile.Write(ref _checkStartTs, 0);
            FailClosed(AnomalyCode.CheckFailed, "the strategy", ex);
            return TickOutcome.NoSignal;
        }
        if (!signal) { Volatile.Write(ref _checkStartTs, 0); return TickOutcome.NoSignal; }
        Counters.Signals++;

        // A warm start holds new orders until the previous run's orders are reconciled with the gateway.
        if (_holdOrders) { Volatile.Write(ref _checkStartTs, 0); return Deny(in intent, DenialCode.ReconciliationPending, tick.Seq, nowMs); }
        DenialCode denial;
        try
        {
            denial = _risk.Check(in intent, now, nowTs);
        }
        catch (Exception ex)
        {
            Volatile.Write(ref _checkStartTs, 0);
            FailClosed(AnomalyCode.CheckFailed, "the pre-trade risk check", ex);
            return Deny(in intent, DenialCode.CheckFailed, tick.Seq, nowMs);
        }
        Volatile.Write(ref _checkStartTs, 0);
        if (_time.GetTimestamp() - nowTs > _checkTimeoutTicks)
        {
            FailClosed(AnomalyCode.CheckTimeout, $"the strategy and the pre-trade checks took longer than risk.checkTimeoutMs ({_limits.CheckTimeoutMs} ms)", null);
            return Deny(in intent, DenialCode.CheckFailed, tick.Seq, nowMs);
        }
        if (denial != DenialCode.None) return Deny(in intent, denial, tick.Seq, nowMs);
        if (!(intent.Qty > 0 && intent.Qty <= FillCheck.MaxFillQty) || !_band.InBounds(intent.Price))
        {
            FailClosed(AnomalyCode.CheckFailed, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"the strategy's intent (qty {intent.Qty}, price {intent.Price}) is outside the bounds"), null);
            return Deny(in intent, DenialCode.CheckFailed, tick.Seq, nowMs);
        }

        var order = new Order
        {
            Seq = _orderSeq + 1,
            SymbolId = intent.SymbolId,
            Side = intent.Side,
            Qty = intent.Qty,
            Price = intent.Price,
            TickSeq = tick.Seq,
            TickTimeMs = tick.TimeMs,
            TimeMs = nowMs, // stamped before gate 2 is read
        };
        BetweenGates?.Invoke();

        // Gate 2: the last read before the order leaves.
        if (_breaker.IsEngaged)
        {
            Counters.BlockedAtGate2++;
            Counters.Denied[(int)DenialCode.KillSwitchEngaged]++;
            _log.Denial(in intent, DenialCode.KillSwitchEngaged, tick.Seq, order.TimeMs);
            return TickOutcome.BlockedAtGate2;
        }
        if (!_simulatedFills) return Emit(in order, in intent, tick.Seq, nowTs);
        // Dry-run: the order and its simulated fill share one group commit, so no crash leaves a dry-run order
        // pending in the journal. Post-trade limits are checked after the group is released (they may engage).
        TickOutcome outcome;
        using (_log.Group()) outcome = Emit(in order, in intent, tick.Seq, nowTs);
        CheckPostTrade();
        return outcome;
    }

    TickOutcome Drop(TickDropReason reason)
    {
        Counters.Dropped[(int)reason]++;
        return TickOutcome.Dropped;
    }

    TickOutcome DropPrice(PriceVerdict verdict, in Tick tick, double reference)
    {
        switch (verdict)
        {
            case PriceVerdict.OutOfBounds: return Drop(TickDropReason.OutOfBounds);
            case PriceVerdict.Unconfirmed: return Drop(TickDropReason.Unconfirmed);
            case PriceVerdict.OutOfBand: return Drop(TickDropReason.OutOfBand);
            case PriceVerdict.BandBroken:
                var inv = System.Globalization.CultureInfo.InvariantCulture;
                RaiseAnomaly(AnomalyCode.PriceBandBroken, string.Create(inv,
                    $"{_parser.Symbols.Name(tick.SymbolId)}: {_limits.PriceBand.MaxConsecutive} ticks in a row more than {_limits.PriceBand.MaxDeviationPct}% from the last accepted mid {reference}, the last at {tick.Mid}; the band bootstraps again at the new level"),
                    _limits.PriceBand.EngageOnBreak ? BreakerSource.Risk : null);
                return Drop(TickDropReason.OutOfBand);
            default:
                throw new ArgumentOutOfRangeException(nameof(verdict), verdict, "not a price verdict");
        }
    }

    /// <summary>A check that cannot be evaluated: counted, journaled, and the breaker engages (source risk).</summary>
    void FailClosed(AnomalyCode code, string what, Exception? ex) =>
        RaiseAnomaly(code, ex is null ? what : $"{what} threw {ex.GetType().Name}: {ex.Message}", BreakerSource.Risk);

    /// <summary>Counts, journals and reports an anomaly; engages as <paramref name="engageAs"/> when given.</summary>
    internal void RaiseAnomaly(AnomalyCode code, string detail, BreakerSource? engageAs)
    {
        Counters.Anomalies[(int)code]++;
        _log.Anomaly(code, detail, NowMs());
        if (engageAs is { } source) _breaker.Engage($"{AnomalyCodes.Code(code)}: {detail}", source);
        Anomaly?.Invoke(code, detail);
    }

    TickOutcome Emit(in Order order, in OrderIntent intent, long tickSeq, long nowTs)
    {
        if (!_log.Order(in order)) return Deny(in intent, DenialCode.JournalUnavailable, tickSeq, order.TimeMs);
        _orderSeq = order.Seq;

        if (!_sink.TrySend(in order))
        {
            Counters.SendFailures++;
            // Marked not sent: it never left, so it is neither a trade nor pending at the next start.
            _log.SendFailed(order.Seq, "send failed (transport refused the order)", order.TimeMs);
            return TickOutcome.SendFailed;
        }
        Counters.OrdersSent++;
        _risk.OnSent(nowTs);
        _book.OnSent(order.SymbolId, order.Side, order.Qty);
        if (_simulatedFills)
        {
            // Dry-run: simulated as filled at the order price, at once.
            RecordFill(order.Seq, order.SymbolId, order.Side, order.Qty, order.Price, order.TimeMs);
        }
        else
        {
            _inFlight[order.Seq] = new InFlight { SymbolId = order.SymbolId, Side = order.Side, Price = order.Price, Remaining = order.Qty, SentTimestamp = nowTs };
        }
        return TickOutcome.OrderSent;
    }

    TickOutcome Deny(in OrderIntent intent, DenialCode code, long tickSeq, long nowMs)
    {
        Counters.Denied[(int)code]++;
        _log.Denial(in intent, code, tickSeq, nowMs);
        return TickOutcome.Denied;
    }

    void TrackSeq(long seq)
    {
        if (seq <= 0) return;
        // Stryker disable once Equality : _lastTickSeq is -1 or a seq above 0 (TrackSeq returns for seq <= 0), never 0
        bool following = _lastTickSeq > 0; // false before the first seq
        if (following)
        {
            // seq - last cannot overflow (both positive); last + 1 could, at 2^63 - 1.
            if (seq > _lastTickSeq)
            {
                long missing = seq - _lastTickSeq - 1;
                if (missing > 0)
                {
                    Counters.SeqGaps++;
                    // Stryker disable once Equality : at equality the sum is long.MaxValue either way
                    Counters.SeqGapTicks = missing > long.MaxValue - Counters.SeqGapTicks ? long.MaxValue : Counters.SeqGapTicks + missing; // saturates
                }
            }
            else Counters.SeqResets++; // the bridge restarted its numbering: follow it
        }
        _lastTickSeq = seq;
    }

    void CheckPostTrade()
    {
        if (_breaker.IsEngaged) return;
        string? breach;
        try
        {
            breach = _risk.PostTradeBreach();
        }
        catch (Exception ex)
        {
            FailClosed(AnomalyCode.CheckFailed, "the post-trade check", ex);
            return;
        }
        if (breach is null) return;
        if (!double.IsFinite(_book.DailyPnl)) RaiseAnomaly(AnomalyCode.PnlNotFinite, breach, BreakerSource.Risk);
        else _breaker.Engage(breach, BreakerSource.Risk);
    }

    /// <summary>
    /// The one rule for a fill's numbers: a quantity and a price that are finite and above zero. A fill that breaks it
    /// is counted as an unusable gateway message and changes nothing.
    /// </summary>
    static bool UsableFill(double qty, double price) => qty > 0 && double.IsFinite(qty) && price > 0 && double.IsFinite(price);

    /// <summary>The gateway acknowledged order <paramref name="seq"/> of this run.</summary>
    public void OnAck(long seq)
    {
        if (!_inFlight.TryGetValue(seq, out var f)) { Counters.UnknownGatewayMessages++; return; }
        f.Acked = true;
        _inFlight[seq] = f;
        Counters.Acks++;
        _log.OrderEvent(OrderEventType.Ack, seq, null, NowMs());
    }

    /// <summary>
    /// A (partial) fill of order <paramref name="seq"/> of this run, on <paramref name="side"/> when the gateway said
    /// (null: the order's). Checked against its order (<see cref="FillCheck"/>): an impossible fill is booked in the worst
    /// case for this node, counted, journaled and engages (source gateway).
    /// </summary>
    public void OnFill(long seq, double qty, double price, Side? side = null)
    {
        if (!UsableFill(qty, price)) { Counters.UnknownGatewayMessages++; return; }
        if (!_inFlight.TryGetValue(seq, out var f))
        {
            if (OnFillOfEnded(seq, qty, price, side)) return;
            // An order this run sent and no longer tracks (ended and forgotten): the fill moved the gateway's position,
            // but nothing is known to book it by. The book and the gateway may now differ: engage.
            if (seq > 0 && seq <= _orderSeq) RaiseAnomaly(AnomalyCode.FillOfForgottenOrder, string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"the gateway reports a fill of order {DetailIds?.Format(seq) ?? seq.ToString(System.Globalization.CultureInfo.InvariantCulture)} ({(side is { } sd ? (sd == Side.Buy ? "BUY " : "SELL ") : "")}{qty} at {price}), which ended longer ago than the last {EndedMemory} ended orders: not booked, so the position at the gateway may differ from the book"),
                BreakerSource.Gateway);
            else Counters.UnknownGatewayMessages++;
            return;
        }
        var b = FillCheck.Check(f.Side, f.Price, f.Remaining, side, qty, price, _band, f.SymbolId);
        double released = Math.Min(b.Qty, f.Remaining);
        f.Remaining -= released;
        if (f.Remaining <= 1e-12) { _inFlight.Remove(seq); RememberEnded(seq, f); } else _inFlight[seq] = f;
        if (b.Side != f.Side) _book.OnGivenUp(f.SymbolId, f.Side, released); // the order's own side is no longer pending
        RecordFill(seq, f.SymbolId, b.Side, b.Qty, b.Price, NowMs());
        if (b.Anomaly is { } a) RaiseAnomaly(a, FillDetail(DetailIds?.Format(seq) ?? seq.ToString(System.Globalization.CultureInfo.InvariantCulture), f.SymbolId, f.Side, f.Price, f.Remaining + released, side, qty, price, b), BreakerSource.Gateway);
        CheckPostTrade();
    }

    /// <summary>Ids for anomaly details (set by the session); null: seq numbers only.</summary>
    internal OrderIds? DetailIds;

    string FillDetail(string id, int symbolId, Side orderSide, double limit, double left, Side? side, double qty, double price, FillBooking b) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"order {id} {(orderSide == Side.Buy ? "BUY" : "SELL")} {_parser.Symbols.Name(symbolId)} limited at {limit} with {left} left: the gateway reports {(side is { } sd ? (sd == Side.Buy ? "BUY " : "SELL ") : "")}{qty} at {price}; booked {(b.Side == Side.Buy ? "BUY" : "SELL")} {b.Qty} at {b.Price} (the band's reference {_band.Reference(symbolId)})");

    /// <summary>The gateway rejected order <paramref name="seq"/> of this run.</summary>
    public void OnReject(long seq, string reason)
    {
        if (!_inFlight.Remove(seq, out var f)) { Counters.UnknownGatewayMessages++; return; }
        Counters.Rejects++;
        _book.OnGivenUp(f.SymbolId, f.Side, f.Remaining);
        f.Remaining = 0; // a rejected order fills no more: any fill of it is an overfill
        RememberEnded(seq, f);
        _log.OrderEvent(OrderEventType.Reject, seq, reason, NowMs());
    }

    /// <summary>A gateway message we could not use (unknown id, type or shape).</summary>
    public void OnUnknownGatewayMessage() => Counters.UnknownGatewayMessages++;

    /// <summary>Flags orders not acknowledged within <paramref name="ackTimeout"/> (once each). Returns how many were flagged.</summary>
    public int FlagAckTimeouts(TimeSpan ackTimeout)
    {
        if (_inFlight.Count == 0) return 0;
        long now = _time.GetTimestamp();
        long limit = (long)(ackTimeout.TotalSeconds * _time.TimestampFrequency);
        int flagged = 0;
        foreach (var seq in _inFlight.Keys)
        {
            ref var f = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrNullRef(_inFlight, seq);
            if (f.Acked || f.TimedOut || now - f.SentTimestamp < limit) continue;
            f.TimedOut = true; // in place: the dictionary is being enumerated
            Counters.AckTimeouts++;
            _log.OrderEvent(OrderEventType.Timeout, seq, null, NowMs());
            flagged++;
        }
        return flagged;
    }

    void RecordFill(long seq, int symbolId, Side side, double qty, double price, long timeMs)
    {
        double realized = _book.OnFill(symbolId, side, qty, price);
        Counters.Fills++;
        _log.Fill(seq, symbolId, side, qty, price, realized, timeMs);
    }

    long NowMs() => _time.GetUtcNow().ToUnixTimeMilliseconds();
}

/// <summary>The bounds of the loop's rules beyond the tick age: ticks from the future, the check timeout, the price band.</summary>
/// <param name="MaxTickFutureMs">risk.maxTickFutureMs.</param>
/// <param name="CheckTimeoutMs">risk.checkTimeoutMs.</param>
/// <param name="PriceBand">risk.priceBand.</param>
/// <param name="MaxQty">risk.maxQty (the largest order a warm start adopts).</param>
/// <param name="MaxOrdersPerSecond">risk.maxOrdersPerSecond (bounds the seq of an order a crash can have kept from the journal).</param>
public sealed record LoopLimits(int MaxTickFutureMs, int CheckTimeoutMs, Configuration.PriceBandOptions PriceBand, double MaxQty, int MaxOrdersPerSecond)
{
    /// <summary>The limits of validated risk options.</summary>
    public static LoopLimits From(Configuration.RiskOptions r) => new(r.MaxTickFutureMs, r.CheckTimeoutMs, r.PriceBand, r.MaxQty, r.MaxOrdersPerSecond);
}
