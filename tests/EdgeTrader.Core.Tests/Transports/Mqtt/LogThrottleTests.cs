using EdgeTrader.Tests.Support;
using EdgeTrader.Transports.Mqtt;

namespace EdgeTrader.Tests.Transports.Mqtt;

public class LogThrottleTests
{
    [Fact]
    public void At_most_max_lines_pass_per_period_of_the_injected_clock_and_a_new_period_lets_them_through_again()
    {
        var clock = TestClock.New();
        var t = new LogThrottle(TimeSpan.FromSeconds(10), 3, clock);
        Assert.Equal([true, true, true, false, false], Enumerable.Range(0, 5).Select(_ => t.Allow()));
        clock.Advance(TimeSpan.FromMilliseconds(9_999));
        Assert.False(t.Allow());
        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal([true, true, true, false], Enumerable.Range(0, 4).Select(_ => t.Allow()));
    }
}
