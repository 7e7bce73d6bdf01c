using EdgeTrader.KillSwitch;
using EdgeTrader.Panel;

namespace EdgeTrader.Tests.Panel;

// A two-channel emergency stop (two NC contacts on two lines).
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class DualChannelTests : IDisposable
{
    readonly PanelHarness _h = new PanelHarness().Started();

    public void Dispose() => _h.Dispose();

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Either_channel_opening_engages_at_once(int channel)
    {
        _h.Sim.Channel(channel, open: true);
        Assert.True(_h.Breaker.IsEngaged);
        Assert.Equal(BreakerSource.Button, _h.Breaker.State.Source);
        Assert.Empty(_h.Faults.Active); // no discrepancy yet: the engagement did not wait for it
    }

    [Fact]
    public void Channels_that_disagree_longer_than_the_discrepancy_time_are_a_fault_cleared_only_once_both_were_open()
    {
        _h.Sim.Channel(1, open: true); // B opens, A stays closed (a welded or bridged contact)
        _h.Run(150);
        Assert.Empty(_h.Faults.Active);
        _h.Run(100);
        Assert.Equal(PanelFaults.EStopDiscrepancy, Assert.Single(_h.Faults.Active).Code);

        _h.Sim.Channel(1, open: false); // both closed again: not enough
        Assert.Single(_h.Faults.Active);
        Assert.False(_h.Breaker.Reset("operator", BreakerSource.Cli).Done);

        _h.Sim.EmergencyStop(true); // both seen open: the fault clears
        Assert.Empty(_h.Faults.Active);
        _h.Sim.EmergencyStop(false);
        Assert.True(_h.Breaker.Reset("operator", BreakerSource.Cli).Done);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void A_stop_where_only_one_channel_opened_is_a_discrepancy_once_both_are_closed_even_if_shorter_than_the_discrepancy_time(int channel)
    {
        _h.Sim.Channel(channel, open: true); // a short press; the other channel's contact is welded or bridged closed
        _h.Run(50);
        Assert.Empty(_h.Faults.Active);
        _h.Sim.Channel(channel, open: false);

        Assert.Equal(PanelFaults.EStopDiscrepancy, Assert.Single(_h.Faults.Active).Code);
        var r = _h.Breaker.Reset("operator", BreakerSource.Cli);
        Assert.False(r.Done);
        Assert.Contains(PanelFaults.EStopDiscrepancy, r.RefusedBecause);
        _h.HoldReset(1000);
        Assert.True(_h.Breaker.IsEngaged);

        _h.Sim.EmergencyStop(true); // both seen open in one stop: the switch test that clears it
        _h.Sim.EmergencyStop(false);
        Assert.Empty(_h.Faults.Active);
        Assert.True(_h.Breaker.Reset("operator", BreakerSource.Cli).Done);
    }

    [Fact]
    public void A_stop_where_both_channels_opened_one_after_the_other_is_no_fault()
    {
        _h.Sim.Channel(1, open: true);
        _h.Run(50);
        _h.Sim.Channel(0, open: true);
        _h.Sim.Channel(1, open: false);
        _h.Run(50);
        _h.Sim.Channel(0, open: false);

        Assert.Empty(_h.Faults.Active);
        Assert.True(_h.Breaker.Reset("operator", BreakerSource.Cli).Done);
    }

    [Fact]
    public void Channels_that_follow_each_other_within_the_discrepancy_time_are_no_fault()
    {
        _h.Sim.Channel(0, open: true);
        _h.Run(150);
        _h.Sim.Channel(1, open: true);
        _h.Run(1000);
        _h.Sim.Channel(1, open: false);
        _h.Run(100);
        _h.Sim.Channel(0, open: false);
        _h.Run(1000);
        Assert.Empty(_h.Faults.Active);
        Assert.True(_h.Breaker.Reset("operator", BreakerSource.Cli).Done);
    }

    [Fact]
    public void A_channel_that_toggles_alone_is_a_fault_not_a_release()
    {
        _h.Sim.Channel(0, open: true);
        _h.Run(300);
        for (int i = 0; i < 3; i++)
        {
            _h.Sim.Channel(0, open: false);
            _h.Run(50);
            _h.Sim.Channel(0, open: true);
            _h.Run(300);
        }
        _h.Sim.Channel(0, open: false);
        Assert.Single(_h.Faults.Active, f => f.Code == PanelFaults.EStopDiscrepancy);
        Assert.False(_h.Breaker.Reset("operator", BreakerSource.Cli).Done);
    }
}
