namespace EdgeTrader.Trading;

/// <summary>One validated quote. A value type so the tick path does not allocate.</summary>
public struct Tick
{
    /// <summary>Index into the <see cref="SymbolTable"/>.</summary>
    public int SymbolId;
    /// <summary>Best bid; finite, positive, not above <see cref="Ask"/>.</summary>
    public double Bid;
    /// <summary>Best ask.</summary>
    public double Ask;
    /// <summary>Bridge time in epoch milliseconds (MT5 time_msc); our receive time when the format has none (dwx).</summary>
    public long TimeMs;
    /// <summary>Bridge sequence number; 0 when absent.</summary>
    public long Seq;

    /// <summary>Mid price.</summary>
    public readonly double Mid => (Bid + Ask) * 0.5;
}

/// <summary>Order side. Wire names "BUY"/"SELL".</summary>
public enum Side : byte
{
    /// <summary>Buy at the ask.</summary>
    Buy,
    /// <summary>Sell at the bid.</summary>
    Sell,
}

/// <summary>What a strategy wants; becomes an <see cref="Order"/> only after both gates and the risk checks.</summary>
public struct OrderIntent
{
    public int SymbolId;
    public Side Side;
    public double Qty;
    public double Price;
}

/// <summary>An order that passed both gates. Its id is (node, run, seq): unique for the node across restarts.</summary>
public struct Order
{
    /// <summary>Per-run order counter (1, 2, …).</summary>
    public long Seq;
    public int SymbolId;
    public Side Side;
    public double Qty;
    public double Price;
    public long TickSeq;
    public long TickTimeMs;
    /// <summary>When the order was stamped, epoch ms (before gate 2 was checked).</summary>
    public long TimeMs;
}
