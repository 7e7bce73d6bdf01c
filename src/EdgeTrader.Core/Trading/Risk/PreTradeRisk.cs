using EdgeTrader.Configuration;

namespace EdgeTrader.Trading.Risk;

/// <summary>
/// The checks an intent meets between gate 1 and gate 2: quantity, position with orders in flight, trading session,
/// trades per day, and orders per second (a sliding one-second window). Time comes from the caller, which takes it
/// from the injected <see cref="TimeProvider"/>. A check changes nothing: the trading day is rolled by the loop before
/// any check (<see cref="TradingDay"/>), and a stale tick never gets this far (the loop drops it, reason STALE).
/// A denial costs no rate-limit slot.
/// </summary>
public sealed class PreTradeRisk : IRiskChecks
{
    readonly RiskOptions _o;
    readonly TradingSessions _sessions;
    readonly PositionBook _book;
    readonly long[] _sent; // ring of the last maxOrdersPerSecond send timestamps
    readonly long _windowTicks;
    int _next;
    int _filled;

    /// <summary>From validated options; <paramref name="timestampFrequency"/> is the TimeProvider's.</summary>
    public PreTradeRisk(RiskOptions options, TradingSessions sessions, PositionBook book, long timestampFrequency)
    {
        _o = options;
        _sessions = sessions;
        _book = book;
        _sent = new long[options.MaxOrdersPerSecond];
        _windowTicks = timestampFrequency; // one second
    }

    /// <summary>The trading sessions in use.</summary>
    public TradingSessions Sessions => _sessions;

    /// <summary>Checks an intent; <see cref="DenialCode.None"/> means it may go on to gate 2.</summary>
    public DenialCode Check(in OrderIntent intent, DateTimeOffset now, long nowTimestamp)
    {
        if (intent.Qty > _o.MaxQty) return DenialCode.MaxQtyExceeded;
        if (!_sessions.IsOpen(now)) return DenialCode.OutsideTradingSession;
        if (_book.TradesToday >= _o.MaxTradesPerDay) return DenialCode.DailyTradeLimit;
        if (_book.ExposureAfter(intent.SymbolId, intent.Side, intent.Qty) > _o.MaxPosition + 1e-9) return DenialCode.PositionLimitExceeded;
        if (_filled == _sent.Length && nowTimestamp - _sent[_next] < _windowTicks) return DenialCode.RateLimitExceeded;
        return DenialCode.None;
    }

    /// <summary>Records that an order was sent at <paramref name="nowTimestamp"/> (takes a rate-limit slot).</summary>
    public void OnSent(long nowTimestamp)
    {
        _sent[_next] = nowTimestamp;
        _next = (_next + 1) % _sent.Length;
        if (_filled < _sent.Length) _filled++;
    }

    /// <summary>
    /// Post-trade limits: the reason to engage the breaker (source risk) when the day's loss or the loss streak is at
    /// its limit, or when the day's P&amp;L is not a finite number (the limit cannot be evaluated), else null.
    /// </summary>
    public string? PostTradeBreach()
    {
        double pnl = _book.DailyPnl;
        if (!double.IsFinite(pnl))
            return $"{AnomalyCodes.Code(AnomalyCode.PnlNotFinite)}: the day's P&L is {pnl} (realised {_book.RealizedToday}, unrealised {_book.UnrealizedTotal}): the daily loss limit cannot be evaluated";
        if (!(-pnl < _o.MaxDailyLoss))
            return $"daily loss limit: P&L {_book.DailyPnl:0.00} (realised {_book.RealizedToday:0.00}) reached -{_o.MaxDailyLoss:0.00}";
        if (_o.MaxLossStreak > 0 && _book.LossStreak >= _o.MaxLossStreak)
            return $"loss streak limit: {_book.LossStreak} losing closes in a row (limit {_o.MaxLossStreak})";
        return null;
    }
}
