using EdgeTrader.Trading;
using EdgeTrader.Trading.Risk;

namespace EdgeTrader.Tests.Trading.Risk;

/// <summary>How a fill moves a position and what it realises: one rule for the live book and the journal's reading.</summary>
public sealed class PositionMathTests
{
    static (double Net, double Avg, double Realized) Apply(double net, double avg, Side side, double qty, double price, double contract = 10)
    {
        double r = PositionMath.Apply(ref net, ref avg, side, qty, price, contract);
        return (net, avg, r);
    }

    [Fact]
    public void Opening_and_adding_realise_nothing_and_average_the_price_by_quantity()
    {
        Assert.Equal((2.0, 1.5, 0.0), Apply(0, 0, Side.Buy, 2, 1.5));
        var (net, avg, r) = Apply(2, 1.5, Side.Buy, 1, 3);
        Assert.Equal((3.0, 0.0), (net, r));
        Assert.Equal(2.0, avg, 12); // (2 x 1.5 + 1 x 3) / 3
        (net, avg, r) = Apply(-2, 1.5, Side.Sell, 2, 2.5);
        Assert.Equal((-4.0, 0.0), (net, r));
        Assert.Equal(2.0, avg, 12);
    }

    [Fact]
    public void A_partial_close_realises_the_price_difference_times_the_closed_quantity_and_contract_size_and_keeps_the_average()
    {
        var (net, avg, r) = Apply(3, 2, Side.Sell, 1, 2.5);
        Assert.Equal((2.0, 2.0), (net, avg));
        Assert.Equal(5, r, 12); // (2.5 - 2) x 1 x 10
        (net, avg, r) = Apply(-3, 2, Side.Buy, 1, 2.5); // a short closed higher loses
        Assert.Equal((-2.0, 2.0), (net, avg));
        Assert.Equal(-5, r, 12);
    }

    [Fact]
    public void A_full_close_leaves_a_flat_position_without_an_average()
    {
        Assert.Equal((0.0, 0.0, -10.0), Apply(2, 2, Side.Sell, 2, 1.5));
        var (net, avg, _) = Apply(0.3, 2, Side.Sell, 0.1 + 0.2, 2); // 0.3 - (0.1 + 0.2) is -5.6e-17: flat
        Assert.Equal((0.0, 0.0), (net, avg));
    }

    [Fact]
    public void A_flip_realises_the_closed_part_and_opens_the_rest_at_its_price()
    {
        var (net, avg, r) = Apply(2, 2, Side.Sell, 5, 3);
        Assert.Equal((-3.0, 3.0), (net, avg));
        Assert.Equal(20, r, 12); // (3 - 2) x 2 x 10
        (net, avg, r) = Apply(-1, 2, Side.Buy, 4, 1);
        Assert.Equal((3.0, 1.0), (net, avg));
        Assert.Equal(10, r, 12); // short 1 at 2 closed at 1
    }

    [Theory]
    [InlineData(3, -0.01, 4)]
    [InlineData(3, 0.01, 0)]
    [InlineData(3, 0.0, 3)]
    public void A_loss_lengthens_the_streak_a_win_ends_it_and_break_even_leaves_it(int streak, double realized, int after) =>
        Assert.Equal(after, PositionMath.LossStreakAfter(streak, realized));
}
