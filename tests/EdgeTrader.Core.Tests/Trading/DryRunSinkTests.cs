using EdgeTrader.Trading;

namespace EdgeTrader.Tests.Trading;

/// <summary>The dry-run route takes every order, simulates its fill, and counts the cancel-alls it was asked for.</summary>
public sealed class DryRunSinkTests
{
    [Fact]
    public void Every_cancel_all_is_counted_and_every_order_taken()
    {
        var sink = new DryRunSink();
        Assert.True(sink.SimulatesFills);
        Assert.True(sink.TrySend(new Order { Seq = 1 }));
        Assert.Equal(0, sink.CancelAllCount);
        Assert.True(sink.CancelAll("r-1", "engaged", 1, 0));
        Assert.True(sink.CancelAll("r-2", "engaged", 2, 0));
        Assert.Equal(2, sink.CancelAllCount);
    }
}
