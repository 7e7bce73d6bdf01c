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
    readonly PreTradeRisk _risk;
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
        public double Remaining;
        public long SentTimestamp;
        public bool Acked;
        public bool TimedOut;
    }

    /// <summary>Hook for tests: runs between the risk check and gate 2 (null in production).</summary>
    internal Action? BetweenGates;

    /// <summary>
    /// Composes the loop; everything is owned by the tick thread except the breaker. Whether fills are simulated
    /// (dry-run) is the sink's to say (<see cref="IOrderSink.SimulatesFills"/>), decided once where the sink is chosen.
    /// A tick older than <paramref name="maxTickAgeMs"/> (0 = no limit) is dropped before anything acts on it.
    /// </summary>
    public TradingLoop(CircuitBreaker breaker, TickParser parser, IStrategy strategy, PreTradeRisk risk, PositionBook book,
        IOrderSink sink, IDecisionLog log, TradingDay day, TimeProvider time, int maxTickAgeMs)
    {
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

    /// <summary>Positions and daily counters.</summary>
    public PositionBook Book => _book;

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
    /// Takes one raw payload in without acting on it yet (a batch being drained): counted as received, and parsed;
    /// false, counted by drop reason, when it is not a valid tick. Every payload taken in is later either given to
    /// <see cref="OnAcceptedTick"/>, or counted by <see cref="OnConflated"/>.
    /// </summary>
    public bool TryAccept(ReadOnlySpan<byte> payload, long receiveTimeMs, out Tick tick)
    {
        Counters.TicksIn++;
        if (!_parser.TryParse(payload, receiveTimeMs, out tick, out var reason))
        {
            Counters.Dropped[(int)reason]++;
            return false;
        }
        TrackSeq(tick.Seq); // in arrival order: a conflated tick is not a gap in the feed
        return true;
    }

    /// <summary>A valid tick taken in by <see cref="TryAccept"/> that a newer tick of its symbol superseded: counted, never acted on.</summary>
    public void OnConflated(in Tick tick) => Counters.ConflatedBySymbol[tick.SymbolId]++;

    /// <summary>A valid tick taken in by <see cref="TryAccept"/>, acted on now (age checked against this moment).</summary>
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
        _book.RollDay(_day.Current);
    }

    TickOutcome Process(in Tick tick, DateTimeOffset now)
    {
        long nowMs = now.ToUnixTimeMilliseconds();
        // The one staleness rule: a tick older than the bound by our clock is never acted on.
        if (_maxTickAgeMs > 0 && nowMs - tick.TimeMs > _maxTickAgeMs)
        {
            Counters.Dropped[(int)TickDropReason.Stale]++;
            return TickOutcome.Dropped;
        }
        Counters.TicksAccepted++;
        _book.Mark(tick.SymbolId, tick.Mid);
        CheckPostTrade(); // the new mark may put the day's P&L past its limit

        // Gate 1: an engaged breaker stops the tick before the strategy sees it.
        if (_breaker.IsEngaged)
        {
            Counters.BlockedAtGate1++;
            return TickOutcome.BlockedAtGate1;
        }

        if (!_strategy.OnTick(in tick, out var intent)) return TickOutcome.NoSignal;
        Counters.Signals++;

        long nowTs = _time.GetTimestamp();
        // A warm start holds new orders until the previous run's orders are reconciled with the gateway.
        if (_holdOrders) return Deny(in intent, DenialCode.ReconciliationPending, tick.Seq, nowMs);
        var denial = _risk.Check(in intent, now, nowTs);
        if (denial != DenialCode.None) return Deny(in intent, denial, tick.Seq, nowMs);

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
            _inFlight[order.Seq] = new InFlight { SymbolId = order.SymbolId, Side = order.Side, Remaining = order.Qty, SentTimestamp = nowTs };
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
        if (_lastTickSeq > 0 && seq > _lastTickSeq + 1)
        {
            Counters.SeqGaps++;
            Counters.SeqGapTicks += seq - _lastTickSeq - 1;
        }
        else if (_lastTickSeq > 0 && seq <= _lastTickSeq) Counters.SeqResets++; // the bridge restarted its numbering: follow it
        _lastTickSeq = seq;
    }

    void CheckPostTrade()
    {
        if (_breaker.IsEngaged) return;
        var breach = _risk.PostTradeBreach();
        if (breach is not null) _breaker.Engage(breach, BreakerSource.Risk);
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

    /// <summary>A (partial) fill of order <paramref name="seq"/> of this run; more than the order's remaining quantity is never booked.</summary>
    public void OnFill(long seq, double qty, double price)
    {
        if (!UsableFill(qty, price)) { Counters.UnknownGatewayMessages++; return; }
        if (!_inFlight.TryGetValue(seq, out var f))
        {
            if (!OnFillAfterCancel(seq, qty, price)) Counters.UnknownGatewayMessages++;
            return;
        }
        double q = Math.Min(qty, f.Remaining);
        f.Remaining -= q;
        if (f.Remaining <= 1e-12) _inFlight.Remove(seq); else _inFlight[seq] = f;
        ApplyFill(seq, f.SymbolId, f.Side, q, price, NowMs());
    }

    /// <summary>The gateway rejected order <paramref name="seq"/> of this run.</summary>
    public void OnReject(long seq, string reason)
    {
        if (!_inFlight.Remove(seq, out var f)) { Counters.UnknownGatewayMessages++; return; }
        Counters.Rejects++;
        _book.OnGivenUp(f.SymbolId, f.Side, f.Remaining);
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

    void ApplyFill(long seq, int symbolId, Side side, double qty, double price, long timeMs)
    {
        RecordFill(seq, symbolId, side, qty, price, timeMs);
        CheckPostTrade();
    }

    void RecordFill(long seq, int symbolId, Side side, double qty, double price, long timeMs)
    {
        double realized = _book.OnFill(symbolId, side, qty, price);
        Counters.Fills++;
        _log.Fill(seq, symbolId, side, qty, price, realized, timeMs);
    }

    long NowMs() => _time.GetUtcNow().ToUnixTimeMilliseconds();
}
