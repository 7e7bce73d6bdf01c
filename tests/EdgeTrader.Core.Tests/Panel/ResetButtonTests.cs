using EdgeTrader.KillSwitch;
using EdgeTrader.Panel;

namespace EdgeTrader.Tests.Panel;

// The reset button as SF_ResetButton: a reset on the release, after a hold between resetHoldMs (350) and
// resetMaxHoldMs (5000); held longer it is stuck, a fault until seen released.
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ResetButtonTests : IDisposable
{
    readonly PanelHarness _h = new PanelHarness().Started();

    public ResetButtonTests() => _h.EngageByButton();

    public void Dispose() => _h.Dispose();

    [Fact]
    public void A_contact_that_bounces_and_then_stays_closed_never_resets()
    {
        for (int i = 0; i < 5; i++) // contact bounce: closes and opens a few times, 10 ms apart
        {
            _h.Sim.Reset(true);
            _h.Time.Advance(TimeSpan.FromMilliseconds(10));
            _h.Sim.Reset(false);
            _h.Time.Advance(TimeSpan.FromMilliseconds(10));
        }
        _h.Sim.Reset(true); // and then stays closed (shorted, or a weight on the button)
        _h.Run(30_000);

        Assert.True(_h.Breaker.IsEngaged);
    }

    [Fact]
    public void Held_inside_the_window_it_resets_on_the_release_once_the_release_has_lasted_the_debounce_time()
    {
        var gen = _h.Breaker.State.Generation;
        _h.Sim.Reset(true);
        _h.Run(1000);
        Assert.True(_h.Breaker.IsEngaged); // still held: nothing yet

        _h.Sim.Reset(false);
        Assert.True(_h.Breaker.IsEngaged); // released, but not yet for max(panel.debounceMs, 20 ms)
        _h.Time.Advance(TimeSpan.FromMilliseconds(19));
        Assert.True(_h.Breaker.IsEngaged);
        _h.Time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.False(_h.Breaker.IsEngaged);
        Assert.Equal(BreakerSource.Button, _h.Breaker.State.Source);
        Assert.Equal(gen, _h.Breaker.State.Generation);
        Assert.Contains("released after", _h.Breaker.State.Reason);
        _h.Run(100);
        Assert.False(_h.Sim.Lamp(PanelLed.Red));
    }

    [Fact]
    public void A_release_that_is_pressed_again_within_the_debounce_time_does_not_reset()
    {
        _h.Sim.Reset(true);
        _h.Run(1000);
        _h.Sim.Reset(false); // a 1 ms chatter of a contact that stays closed
        _h.Time.Advance(TimeSpan.FromMilliseconds(1));
        _h.Sim.Reset(true);
        _h.Run(1000);

        Assert.True(_h.Breaker.IsEngaged);
    }

    [Fact]
    public void A_press_within_the_debounce_time_of_a_release_starts_a_new_hold()
    {
        _h.Sim.Reset(true);
        _h.Run(1000);
        _h.Sim.Reset(false);
        _h.Time.Advance(TimeSpan.FromMilliseconds(5));
        _h.HoldReset(200); // 200 ms since the new press: a tap, whatever came before

        Assert.True(_h.Breaker.IsEngaged);
        _h.HoldReset(400);
        Assert.False(_h.Breaker.IsEngaged);
    }

    [Fact]
    public void A_release_whose_line_reads_pressed_when_the_debounce_time_is_over_does_not_reset()
    {
        _h.Sim.Reset(true);
        _h.Run(1000);
        _h.Sim.Reset(false);
        _h.Sim.Driver.SetInputWithoutEdge(_h.Sim.Pins.Reset, false); // pressed again, and the edge was lost

        _h.Run(1000);
        Assert.True(_h.Breaker.IsEngaged);
    }

    [Fact]
    public void An_emergency_stop_pressed_while_a_release_settles_cancels_the_reset()
    {
        _h.Sim.Reset(true);
        _h.Run(1000);
        _h.Sim.Reset(false);
        _h.Sim.EmergencyStop(true);
        _h.Sim.EmergencyStop(false);

        _h.Run(1000);
        Assert.True(_h.Breaker.IsEngaged);
    }

    [Theory]
    [InlineData(300, false)] // under the minimum: a tap
    [InlineData(400, true)]
    [InlineData(4900, true)]
    public void Only_a_hold_between_the_minimum_and_the_maximum_resets(int holdMs, bool resets)
    {
        _h.HoldReset(holdMs);
        Assert.Equal(resets, !_h.Breaker.IsEngaged);
        Assert.Empty(_h.Faults.Active);
    }

    [Fact]
    public void Held_past_the_maximum_it_is_a_stuck_button_fault_and_its_release_does_not_reset()
    {
        _h.Sim.Reset(true);
        _h.Run(5100);

        var stuck = Assert.Single(_h.Faults.Active);
        Assert.Equal(PanelFaults.ResetStuck, stuck.Code);
        var cli = _h.Breaker.Reset("operator", BreakerSource.Cli);
        Assert.False(cli.Done);
        Assert.Contains(PanelFaults.ResetStuck, cli.RefusedBecause);
        var amberOn = _h.CountOn(() => _h.Sim.Pins.Amber);
        _h.Run(1000);
        Assert.True(amberOn() >= 2); // flashing

        _h.Sim.Reset(false); // seen released: the fault clears, but this release is not a reset
        Assert.Empty(_h.Faults.Active);
        Assert.True(_h.Breaker.IsEngaged);

        _h.HoldReset(1000); // a proper press afterwards resets
        Assert.False(_h.Breaker.IsEngaged);
    }

    [Fact]
    public void A_reset_held_while_the_emergency_stop_is_pressed_is_refused()
    {
        _h.Sim.EmergencyStop(true);
        _h.HoldReset(1000);
        Assert.True(_h.Breaker.IsEngaged);
        Assert.True(_h.Sim.Lamp(PanelLed.Red));
    }

    [Fact]
    public void An_emergency_stop_pressed_during_the_hold_cancels_it_even_when_released_before_the_reset_button()
    {
        _h.Sim.Reset(true);
        _h.Run(500);
        _h.EngageByButton();
        _h.Run(500);
        _h.Sim.Reset(false);
        Assert.True(_h.Breaker.IsEngaged);
    }

    [Fact]
    public void A_reset_button_held_at_start_never_resets_and_is_stuck_after_the_maximum()
    {
        using var h = new PanelHarness();
        h.Sim.Reset(true);
        h.Breaker.Engage("test", BreakerSource.Cli);
        h.Started();
        h.Run(1000);
        h.Sim.Reset(false); // a release inside the window, but its press was not seen
        Assert.True(h.Breaker.IsEngaged);

        using var h2 = new PanelHarness();
        h2.Sim.Reset(true);
        h2.Started();
        h2.Run(5000);
        Assert.Equal(PanelFaults.ResetStuck, Assert.Single(h2.Faults.Active).Code);
    }
}
