namespace EdgeTrader.Trading.Strategies;

/// <summary>
/// Fast/slow exponential moving averages of the mid price, per symbol: BUY when the fast crosses above the slow,
/// SELL when it crosses below. Silent until <c>slow</c> ticks have warmed the averages up.
/// </summary>
public sealed class EmaCrossStrategy : IStrategy
{
    readonly double _alphaFast;
    readonly double _alphaSlow;
    readonly int _warmup;
    readonly double _qty;
    readonly State[] _state;

    struct State
    {
        public double Fast;
        public double Slow;
        public int Seen;
        public int LastSign; // +1 fast above slow, -1 below, 0 unknown
    }

    /// <summary>Periods in ticks; <paramref name="fast"/> &lt; <paramref name="slow"/>.</summary>
    public EmaCrossStrategy(int fast, int slow, double qty, int symbolCount)
    {
        _alphaFast = 2.0 / (fast + 1);
        _alphaSlow = 2.0 / (slow + 1);
        _warmup = slow;
        _qty = qty;
        _state = new State[symbolCount];
    }

    /// <inheritdoc/>
    public string Name => "ema-cross";

    /// <inheritdoc/>
    public bool OnTick(in Tick tick, out OrderIntent intent)
    {
        ref var s = ref _state[tick.SymbolId];
        double mid = tick.Mid;
        if (s.Seen == 0)
        {
            s.Fast = mid;
            s.Slow = mid;
        }
        else
        {
            s.Fast += _alphaFast * (mid - s.Fast);
            s.Slow += _alphaSlow * (mid - s.Slow);
        }
        if (s.Seen < _warmup) s.Seen++;

        int sign = s.Fast > s.Slow ? 1 : s.Fast < s.Slow ? -1 : 0;
        bool cross = s.Seen >= _warmup && sign != 0 && s.LastSign != 0 && sign != s.LastSign;
        if (sign != 0) s.LastSign = sign;
        if (!cross)
        {
            intent = default;
            return false;
        }
        bool buy = sign > 0;
        intent = new OrderIntent
        {
            SymbolId = tick.SymbolId,
            Side = buy ? Side.Buy : Side.Sell,
            Qty = _qty,
            Price = buy ? tick.Ask : tick.Bid,
        };
        return true;
    }
}
