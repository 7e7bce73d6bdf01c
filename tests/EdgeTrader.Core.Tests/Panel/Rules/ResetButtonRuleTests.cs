using EdgeTrader.Panel.Rules;
using EdgeTrader.Tests.Support;

namespace EdgeTrader.Tests.Panel.Rules;

public sealed class ResetButtonRuleTests
{
    const long Ms = 1_000_000;

    [Fact]
    public void The_hold_is_timed_between_the_edges_stamps_not_by_when_their_callbacks_ran()
    {
        var time = TestClock.New();
        int stuck = 0;
        using var b = new ResetButton(TimeSpan.FromMilliseconds(350), TimeSpan.FromSeconds(5), ResetButton.MinSettle, time, () => stuck++, () => { });
        b.Initial(held: false);

        b.OnLevel(true, 1_000 * Ms);
        time.Advance(TimeSpan.FromMilliseconds(900)); // the release callback arrives late (a loaded box)...
        Assert.Equal(ResetVerdict.None, b.OnLevel(false, 1_300 * Ms)); // ...but the kernel stamped it 300 ms after the press
        Assert.Equal(300, b.LastHold.TotalMilliseconds);

        b.OnLevel(true, 3_000 * Ms);
        Assert.Equal(ResetVerdict.Settling, b.OnLevel(false, 3_400 * Ms)); // 400 ms between the stamps, whenever it arrived
        Assert.Equal(0, stuck);
    }

    [Fact]
    public void A_release_stamped_past_the_maximum_does_not_reset_even_before_the_timer_fired()
    {
        var time = TestClock.New();
        using var b = new ResetButton(TimeSpan.FromMilliseconds(350), TimeSpan.FromSeconds(5), ResetButton.MinSettle, time, () => { }, () => { });
        b.Initial(held: false);
        b.OnLevel(true, 0);
        Assert.Equal(ResetVerdict.None, b.OnLevel(false, 5_100 * Ms));
        Assert.Contains("more than", b.LastRefusal);
    }

    [Theory]
    [InlineData(0, 20)]
    [InlineData(10, 20)]
    [InlineData(50, 50)]
    public void A_release_settles_for_the_debounce_time_and_at_least_20_ms(int debounceMs, int settleMs) =>
        Assert.Equal(TimeSpan.FromMilliseconds(settleMs), ResetButton.SettleFor(debounceMs));

    [Fact]
    public void A_settled_release_resets_only_when_the_line_still_reads_released()
    {
        var time = TestClock.New();
        ResetButton? b = null;
        var verdicts = new List<ResetVerdict>();
        bool lineReleased = true;
        b = new ResetButton(TimeSpan.FromMilliseconds(350), TimeSpan.FromSeconds(5), ResetButton.MinSettle, time, () => { }, () => verdicts.Add(b!.SettleElapsed(lineReleased)));
        using var _ = b;
        b.Initial(held: false);

        b.OnLevel(true, 0);
        Assert.Equal(ResetVerdict.Settling, b.OnLevel(false, 500 * Ms));
        time.Advance(TimeSpan.FromMilliseconds(20));
        Assert.Equal([ResetVerdict.Reset], verdicts);

        b.OnLevel(true, 1_000 * Ms);
        b.OnLevel(false, 1_500 * Ms);
        lineReleased = false; // pressed again, its edge not (yet) seen
        time.Advance(TimeSpan.FromMilliseconds(20));
        Assert.Equal([ResetVerdict.Reset, ResetVerdict.None], verdicts);
        Assert.False(b.Settling);
        Assert.Contains("reads pressed", b.LastRefusal);
    }
}
