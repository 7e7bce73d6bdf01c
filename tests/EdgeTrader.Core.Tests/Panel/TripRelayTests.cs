using EdgeTrader.Health;
using EdgeTrader.KillSwitch;
using EdgeTrader.Panel;

namespace EdgeTrader.Tests.Panel;

// The trip relay (de-energise to trip) and its EDM feedback contact.
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class TripRelayTests : IDisposable
{
    readonly PanelHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public void The_relay_is_off_from_the_request_through_the_lamp_test_and_energised_once_safe_and_beating()
    {
        bool everOn = false;
        _h.Sim.Driver.LineChanged += (pin, high) => { if (pin == _h.Sim.Pins.Trip && high) everOn = true; };
        _h.Panel.Start();
        Assert.False(_h.Sim.Relay);
        _h.Run(250);
        Assert.False(everOn);
        _h.Run(150);
        Assert.True(_h.Sim.Relay);
    }

    [Fact]
    public void An_engagement_from_any_source_opens_the_relay_at_once()
    {
        _h.Started();
        _h.Breaker.Engage("daily loss", BreakerSource.Risk);
        Assert.False(_h.Sim.Relay); // before any timer ran: on the engaging thread
        _h.Run(2000);
        Assert.False(_h.Sim.Relay);
        Assert.True(_h.Breaker.Reset("operator", BreakerSource.Cli).Done);
        _h.Run(100);
        Assert.True(_h.Sim.Relay);
    }

    [Fact]
    public void A_frozen_tick_loop_opens_the_relay_and_a_beating_one_closes_it_again()
    {
        _h.Started();
        _h.Run(HealthMonitor.LoopAliveWindow - TimeSpan.FromMilliseconds(100), loopBeats: false);
        Assert.True(_h.Sim.Relay);
        _h.Run(200, loopBeats: false);
        Assert.False(_h.Sim.Relay);
        Assert.False(_h.Breaker.IsEngaged);
        _h.Run(100);
        Assert.True(_h.Sim.Relay);
    }

    [Fact]
    public void A_welded_contact_is_an_edm_fault_after_the_settle_time_and_refuses_resets_until_the_feedback_matches()
    {
        _h.Started();
        _h.Sim.RelayFollows = false; // welded: the contact stays where it is (energised)
        _h.EngageByButton();
        Assert.False(_h.Sim.Relay);
        _h.Run(200);
        Assert.Empty(_h.Faults.Active); // inside the settle time

        _h.Run(100);
        Assert.Equal(PanelFaults.EdmMismatch, Assert.Single(_h.Faults.Active).Code);
        var r = _h.Breaker.Reset("operator", BreakerSource.Cli);
        Assert.False(r.Done);
        Assert.Contains(PanelFaults.EdmMismatch, r.RefusedBecause);
        _h.HoldReset(1000);
        Assert.True(_h.Breaker.IsEngaged);

        _h.Sim.RelayFollows = true; // the contact released (repaired)
        Assert.Empty(_h.Faults.Active);
        Assert.True(_h.Breaker.Reset("operator", BreakerSource.Cli).Done);
    }

    [Fact]
    public void A_relay_that_does_not_pull_in_is_an_edm_fault_too()
    {
        _h.Sim.RelayFollows = false; // feedback stays released while the coil is commanded on
        _h.Started();
        _h.Run(400);
        Assert.True(_h.Sim.Relay);
        Assert.Equal(PanelFaults.EdmMismatch, Assert.Single(_h.Faults.Active).Code);
    }

    [Fact]
    public void Feedback_that_follows_within_the_settle_time_is_no_fault()
    {
        _h.Started();
        for (int i = 0; i < 5; i++)
        {
            _h.EngageByButton();
            _h.Run(500);
            Assert.True(_h.Breaker.Reset("operator", BreakerSource.Cli).Done);
            _h.Run(500);
        }
        Assert.Empty(_h.Faults.Active);
    }

    [Fact]
    public void The_buzzer_sounds_250_ms_of_every_second_while_engaged_and_is_silent_while_safe()
    {
        _h.Started();
        var on = _h.CountOn(() => _h.Sim.Pins.Buzzer);
        _h.Run(3000);
        Assert.Equal(0, on());

        _h.EngageByButton();
        int high = 0;
        for (int i = 0; i < 80; i++) // 4 s in 50 ms steps
        {
            _h.Run(50);
            if (_h.Sim.Buzzer) high++;
        }
        Assert.InRange(on(), 3, 5);
        Assert.InRange(high, 16, 24); // a quarter of the samples

        Assert.True(_h.Breaker.Reset("operator", BreakerSource.Cli).Done);
        _h.Run(100);
        Assert.False(_h.Sim.Buzzer);
    }
}
