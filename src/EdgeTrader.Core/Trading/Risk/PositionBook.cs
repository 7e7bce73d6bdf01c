namespace EdgeTrader.Trading.Risk;

/// <summary>
/// Positions, in-flight quantities and P&amp;L per symbol, and the day's counters (trades, realised P&amp;L, loss streak).
/// Owned by the tick thread; other threads read the counters for status only.
/// </summary>
public sealed class PositionBook
{
    readonly double _contractSize;
    readonly double[] _net;
    readonly double[] _avg;
    readonly double[] _lastMid;
    readonly double[] _pendingBuy;
    readonly double[] _pendingSell;
    readonly double[] _unrealized;
    readonly double[] _realized; // realised today per symbol: preallocated, so a fill allocates nothing

    /// <summary>Empty book for <paramref name="symbolCount"/> symbols.</summary>
    public PositionBook(int symbolCount, double contractSize)
    {
        _contractSize = contractSize;
        _net = new double[symbolCount];
        _avg = new double[symbolCount];
        _lastMid = new double[symbolCount];
        _pendingBuy = new double[symbolCount];
        _pendingSell = new double[symbolCount];
        _unrealized = new double[symbolCount];
        _realized = new double[symbolCount];
    }

    /// <summary>The trading day the daily counters belong to.</summary>
    public DateOnly Day { get; private set; }
    /// <summary>Orders sent on <see cref="Day"/>.</summary>
    public int TradesToday { get; private set; }
    /// <summary>
    /// Realised P&amp;L of <see cref="Day"/>: the running total the daily-loss rule reads. Live fills add to it and to
    /// their symbol's <see cref="RealizedTodayOf"/> alike, so it is their sum, plus what a restore carried for
    /// symbols no longer configured.
    /// </summary>
    public double RealizedToday { get; private set; }
    /// <summary>Consecutive losing closes (reset by a winning close).</summary>
    public int LossStreak { get; private set; }
    /// <summary>
    /// Unrealised P&amp;L of all open positions at the last mids: summed from the per-symbol values each time, never
    /// carried as a running total (a running total absorbs a loss into the rounding of a huge mark and never gives it
    /// back). Not finite while any symbol's mark makes it so.
    /// </summary>
    public double UnrealizedTotal
    {
        get
        {
            double t = 0;
            var u = _unrealized;
            for (int i = 0; i < u.Length; i++) t += u[i];
            return t;
        }
    }
    /// <summary>Realised today + unrealised: the number the daily-loss limit watches.</summary>
    public double DailyPnl => RealizedToday + UnrealizedTotal;

    /// <summary>Net position of a symbol (positive long).</summary>
    public double Net(int symbolId) => _net[symbolId];

    /// <summary>Average open price of a symbol's net position (0 when flat).</summary>
    public double AvgPrice(int symbolId) => _avg[symbolId];

    /// <summary>Realised P&amp;L of <see cref="Day"/> of one symbol (for status; the risk rules read the total).</summary>
    public double RealizedTodayOf(int symbolId) => _realized[symbolId];

    /// <summary>Unrealised P&amp;L of one symbol at its last mark.</summary>
    public double Unrealized(int symbolId) => _unrealized[symbolId];

    /// <summary>Quantity in flight (sent, not yet filled or given up) of a symbol and side.</summary>
    public double Pending(int symbolId, Side side) => side == Side.Buy ? _pendingBuy[symbolId] : _pendingSell[symbolId];

    /// <summary>Restores a symbol's net position and its average price at start (rebuilt from the journal's fills).</summary>
    public void RestorePosition(int symbolId, double net, double avgPrice)
    {
        _net[symbolId] = net;
        _avg[symbolId] = net == 0 ? 0 : avgPrice;
        if (_lastMid[symbolId] != 0) Mark(symbolId, _lastMid[symbolId]);
    }

    /// <summary>
    /// Counts a restored order (sent in an earlier run, not settled) as in flight, without counting it as a new trade:
    /// the journal's reading already did.
    /// </summary>
    public void AddPending(int symbolId, Side side, double qty)
    {
        if (side == Side.Buy) _pendingBuy[symbolId] += qty; else _pendingSell[symbolId] += qty;
    }

    /// <summary>Starts trading day <paramref name="day"/> when it is later than <see cref="Day"/> (counters to zero; positions and the loss streak stay).</summary>
    public void RollDay(DateOnly day)
    {
        if (day <= Day) return;
        Day = day;
        TradesToday = 0;
        RealizedToday = 0;
        Array.Clear(_realized);
    }

    /// <summary>
    /// Restores the day's counters at start (rebuilt from the journal): the total <paramref name="realized"/> as is, and
    /// the realised P&amp;L per symbol id from <paramref name="realizedBySymbol"/> (symbols past its end: 0).
    /// </summary>
    public void Restore(DateOnly day, int trades, double realized, int lossStreak, ReadOnlySpan<double> realizedBySymbol = default)
    {
        Day = day;
        TradesToday = trades;
        RealizedToday = realized;
        LossStreak = lossStreak;
        Array.Clear(_realized);
        realizedBySymbol[..Math.Min(realizedBySymbol.Length, _realized.Length)].CopyTo(_realized);
    }

    /// <summary>Worst-case net position after an order of <paramref name="qty"/> on <paramref name="side"/>, counting orders in flight.</summary>
    public double ExposureAfter(int symbolId, Side side, double qty) => side == Side.Buy
        ? Math.Abs(_net[symbolId] + _pendingBuy[symbolId] + qty)
        : Math.Abs(_net[symbolId] - _pendingSell[symbolId] - qty);

    /// <summary>An order left: counts as a trade and as in flight until filled, rejected or given up.</summary>
    public void OnSent(int symbolId, Side side, double qty)
    {
        TradesToday++;
        if (side == Side.Buy) _pendingBuy[symbolId] += qty; else _pendingSell[symbolId] += qty;
    }

    /// <summary>An in-flight order ended without (more) fill.</summary>
    public void OnGivenUp(int symbolId, Side side, double qty)
    {
        if (side == Side.Buy) _pendingBuy[symbolId] = Math.Max(0, _pendingBuy[symbolId] - qty);
        else _pendingSell[symbolId] = Math.Max(0, _pendingSell[symbolId] - qty);
    }

    /// <summary>Applies a fill; returns the P&amp;L it realised (0 when it only opened or added).</summary>
    public double OnFill(int symbolId, Side side, double qty, double price)
    {
        OnGivenUp(symbolId, side, qty);
        double realized = PositionMath.Apply(ref _net[symbolId], ref _avg[symbolId], side, qty, price, _contractSize);
        RealizedToday += realized;
        _realized[symbolId] += realized;
        LossStreak = PositionMath.LossStreakAfter(LossStreak, realized);
        Mark(symbolId, _lastMid[symbolId] == 0 ? price : _lastMid[symbolId]);
        return realized;
    }

    /// <summary>Marks a symbol to a new mid: its unrealised P&amp;L is recomputed from its position alone.</summary>
    public void Mark(int symbolId, double mid)
    {
        _lastMid[symbolId] = mid;
        double net = _net[symbolId];
        _unrealized[symbolId] = net == 0 ? 0 : (mid - _avg[symbolId]) * net * _contractSize;
    }
}
