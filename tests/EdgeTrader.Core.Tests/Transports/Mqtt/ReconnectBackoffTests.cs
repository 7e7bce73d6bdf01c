using EdgeTrader.Transports.Mqtt;

namespace EdgeTrader.Tests.Transports.Mqtt;

/// <summary>The pause before the next connection attempt.</summary>
public sealed class ReconnectBackoffTests
{
    [Fact]
    public void The_backoff_doubles_from_1_s_to_at_most_5_s_and_starts_over_after_a_session()
    {
        var b = new ReconnectBackoff();
        Assert.Equal(new[] { 1, 2, 4, 5, 5, 5 }, Enumerable.Range(0, 6).Select(_ => (int)b.Next().TotalSeconds));
        b.Reset();
        Assert.Equal(TimeSpan.FromSeconds(1), b.Next());
        Assert.Equal(TimeSpan.FromSeconds(2), b.Next());
    }
}
