namespace EdgeTrader.Trading.Risk;

/// <summary>
/// How a fill moves a net position and its average price, and what it realises; and how a realised P&amp;L moves the
/// loss streak. One rule for the live book and for the journal's reading at start.
/// </summary>
public static class PositionMath
{
    /// <summary>
    /// Applies a fill of <paramref name="qty"/> at <paramref name="price"/> to (<paramref name="net"/>,
    /// <paramref name="avg"/>); returns the P&amp;L it realised (price difference × closed qty × contract size; 0 when it
    /// only opened or added). A fill that flips the position opens the rest at its price.
    /// </summary>
    public static double Apply(ref double net, ref double avg, Side side, double qty, double price, double contractSize)
    {
        double signed = side == Side.Buy ? qty : -qty;
        if (net == 0 || Math.Sign(net) == Math.Sign(signed))
        {
            double newNet = net + signed;
            avg = (avg * Math.Abs(net) + price * qty) / Math.Abs(newNet);
            net = newNet;
            return 0;
        }
        double closing = Math.Min(Math.Abs(net), qty);
        double realized = (price - avg) * closing * Math.Sign(net) * contractSize;
        double after = net + signed;
        if (Math.Abs(after) < 1e-12) { after = 0; avg = 0; }
        else if (Math.Sign(after) != Math.Sign(net)) avg = price; // flipped: the rest opened at this price
        net = after;
        return realized;
    }

    /// <summary>A losing close lengthens the streak, a winning one ends it, a break-even one leaves it.</summary>
    public static int LossStreakAfter(int streak, double realized) => realized < 0 ? streak + 1 : realized > 0 ? 0 : streak;
}
