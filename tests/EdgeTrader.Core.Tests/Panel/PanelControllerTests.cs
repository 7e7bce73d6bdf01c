using EdgeTrader.Health;
using EdgeTrader.KillSwitch;
using EdgeTrader.Panel;

namespace EdgeTrader.Tests.Panel;

// The emergency stop, the lamps and shutdown, on a panel with every part fitted (SimPanel presses both channels).
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class PanelControllerTests : IDisposable
{
    readonly PanelHarness _h = new();
    SimPanelView Sim => new(_h);

    public void Dispose() => _h.Dispose();

    readonly record struct SimPanelView(PanelHarness H)
    {
        public bool Lamp(PanelLed l) => H.Sim.Lamp(l);
    }

    [Fact]
    public void Emergency_stop_press_engages_with_source_button_and_lights_red()
    {
        _h.Started();
        Assert.False(_h.Breaker.IsEngaged);
        Assert.False(Sim.Lamp(PanelLed.Red));

        _h.Sim.EmergencyStop(true);

        Assert.True(_h.Breaker.IsEngaged);
        Assert.Equal(BreakerSource.Button, _h.Breaker.State.Source);
        Assert.Equal(1, _h.Breaker.State.Generation);
        Assert.True(Sim.Lamp(PanelLed.Red));
        Assert.False(Sim.Lamp(PanelLed.Green));
        Assert.Equal(1, _h.Panel.EngageLatency.Count);
    }

    [Fact]
    public void A_press_on_an_engaged_node_is_a_new_stop_for_the_cluster()
    {
        _h.Started();
        var first = _h.Breaker.Command("desk", BreakerSource.Cli).State.Engagement;
        _h.EngageByButton();
        Assert.True(_h.Breaker.IsEngaged);
        Assert.Equal(BreakerSource.Button, _h.Breaker.State.Source);
        Assert.NotEqual(first, _h.Breaker.State.Engagement); // renewed: published again, cancel_all again
    }

    [Fact]
    public void A_stop_still_held_when_an_engaged_node_starts_makes_no_new_engagement()
    {
        // The breaker as restored from disk: ENGAGED by an earlier press. The wire is broken (the stop reads pressed)
        // before this process's panel exists, so the panel sees a state at start, not an edge.
        var time = Support.TestClock.New();
        var restored = BreakerState.FreshInstall(time.GetUtcNow(), "n") with
        {
            Position = BreakerPosition.Engaged,
            Engagement = new EngagementId("n", "0123456789abcdef", 1),
            Reason = "before the restart",
            Source = BreakerSource.Button,
        };
        using var h = new PanelHarness(breaker: new CircuitBreaker(restored, time), time: time);
        var seen = new List<BreakerTransition>();
        h.Breaker.Subscribe(seen.Add);
        h.Sim.EmergencyStop(true);
        h.Panel.Start();
        Assert.Same(restored, h.Breaker.State);
        Assert.Empty(seen);

        h.Sim.EmergencyStop(false);
        h.Sim.EmergencyStop(true); // a real press afterwards is a new stop
        Assert.NotEqual(restored.Engagement, h.Breaker.State.Engagement);
    }

    [Fact]
    public void Amber_flashes_while_the_latch_is_not_saved()
    {
        var time = Support.TestClock.New();
        var store = new FailingStore();
        using var h = new PanelHarness(breaker: new CircuitBreaker(BreakerState.FreshInstall(time.GetUtcNow()), time, store), time: time).Started();
        Assert.False(h.Sim.Lamp(PanelLed.Amber));

        store.Fail = true;
        h.Breaker.Command("desk", BreakerSource.Cli);
        var amberOn = h.CountOn(() => h.Sim.Pins.Amber);
        h.Run(1000);
        Assert.True(amberOn() >= 2); // flashing: a reset will be refused until it is saved

        store.Fail = false; // the retry saves it
        h.Run(CircuitBreaker.SaveRetryInterval + TimeSpan.FromMilliseconds(100));
        Assert.True(h.Breaker.LatchSaved);
        Assert.False(h.Sim.Lamp(PanelLed.Amber));
    }

    sealed class FailingStore : IBreakerStateStore
    {
        public volatile bool Fail;
        public void Save(BreakerState state) { if (Fail) throw new IOException("Read-only file system"); }
    }

    [Fact]
    public void Emergency_stop_already_pressed_at_start_engages()
    {
        _h.Sim.EmergencyStop(true);
        _h.Panel.Start();
        Assert.True(_h.Breaker.IsEngaged);
        Assert.Equal(BreakerSource.Button, _h.Breaker.State.Source);
    }

    [Fact]
    public void A_cut_wire_on_a_single_channel_panel_engages_like_a_press()
    {
        using var h = new PanelHarness(PanelHarness.Basic).Started();
        h.Sim.Channel(0, open: true); // the pull-up wins on a cut wire: the line reads high, as when pressed
        Assert.True(h.Breaker.IsEngaged);
        Assert.NotNull(h.Panel.WhyResetIsRefused());
    }

    [Fact]
    public void Releasing_the_emergency_stop_does_not_reset()
    {
        _h.Started();
        _h.EngageByButton();
        _h.Run(5000);
        Assert.True(_h.Breaker.IsEngaged);
        Assert.True(Sim.Lamp(PanelLed.Red));
    }

    [Fact]
    public void Cli_reset_is_refused_by_the_interlock_while_the_emergency_stop_is_pressed()
    {
        _h.Started();
        _h.Sim.EmergencyStop(true);

        var r = _h.Breaker.Reset("operator", BreakerSource.Cli);

        Assert.False(r.Done);
        Assert.True(_h.Breaker.IsEngaged);
        Assert.Contains("emergency-stop button is pressed or its wire is broken", r.RefusedBecause);

        _h.Sim.EmergencyStop(false);
        Assert.True(_h.Breaker.Reset("operator", BreakerSource.Cli).Done);
        Assert.False(_h.Breaker.IsEngaged);
    }

    [Fact]
    public void Before_start_the_emergency_stop_counts_as_pressed_so_no_reset_can_pass()
    {
        _h.Breaker.Engage("test", BreakerSource.Cli);
        Assert.False(_h.Breaker.Reset("operator", BreakerSource.Cli).Done);
        _h.Started();
        Assert.True(_h.Breaker.Reset("operator", BreakerSource.Cli).Done);
    }

    [Fact]
    public void Lamp_test_lights_all_three_during_the_first_300_ms_only()
    {
        _h.Panel.Start();
        _h.Run(250);
        Assert.True(Sim.Lamp(PanelLed.Green));
        Assert.True(Sim.Lamp(PanelLed.Red));
        Assert.True(Sim.Lamp(PanelLed.Amber));

        _h.Run(100);
        Assert.False(Sim.Lamp(PanelLed.Red));
        Assert.False(Sim.Lamp(PanelLed.Amber));
    }

    [Fact]
    public void Green_blinks_at_1_Hz_while_safe_and_the_loop_beats()
    {
        _h.Started();
        var changes = new List<(TimeSpan At, bool On)>();
        var t0 = _h.Time.GetTimestamp();
        _h.Sim.Driver.LineChanged += (pin, on) => { if (pin == _h.Sim.Pins.Green) changes.Add((_h.Time.GetElapsedTime(t0), on)); };

        _h.Run(4000);

        Assert.InRange(changes.Count, 7, 9); // 8 half periods of 500 ms in 4 s
        for (int i = 1; i < changes.Count; i++)
        {
            Assert.NotEqual(changes[i - 1].On, changes[i].On);
            Assert.Equal(500, (changes[i].At - changes[i - 1].At).TotalMilliseconds, 1);
        }
        Assert.False(Sim.Lamp(PanelLed.Red));
    }

    [Fact]
    public void Green_stops_blinking_when_the_loop_stops_beating()
    {
        _h.Started();
        _h.Run(2000);
        _h.Run(HealthMonitor.LoopAliveWindow + TimeSpan.FromMilliseconds(100), loopBeats: false);

        var greenOn = _h.CountOn(() => _h.Sim.Pins.Green);
        _h.Run(3000, loopBeats: false);

        Assert.Equal(0, greenOn());
        Assert.False(Sim.Lamp(PanelLed.Green));
        Assert.False(_h.Breaker.IsEngaged);

        _h.Run(2000); // the loop comes back: so does the blink
        Assert.True(greenOn() > 0);
    }

    [Fact]
    public void Green_stays_dark_while_engaged()
    {
        _h.Started();
        _h.Sim.EmergencyStop(true);
        var greenOn = _h.CountOn(() => _h.Sim.Pins.Green);
        _h.Run(3000);
        Assert.Equal(0, greenOn());
    }

    [Fact]
    public void Amber_is_steady_while_a_link_is_degraded()
    {
        _h.Started();
        Assert.False(Sim.Lamp(PanelLed.Amber));

        _h.Health.Set(Link.Bridge, LinkState.Degraded, "no tick for 5 s");
        _h.Run(100);
        Assert.True(Sim.Lamp(PanelLed.Amber));
        int amberOff = 0;
        _h.Sim.Driver.LineChanged += (pin, on) => { if (pin == _h.Sim.Pins.Amber && !on) amberOff++; };
        _h.Run(2000);
        Assert.Equal(0, amberOff);

        _h.Health.Set(Link.Bridge, LinkState.Up);
        _h.Run(100);
        Assert.False(Sim.Lamp(PanelLed.Amber));
    }

    [Fact]
    public void A_fault_reported_by_another_part_flashes_amber_and_refuses_resets_until_cleared()
    {
        _h.Started();
        _h.EngageByButton();
        var amberOn = _h.CountOn(() => _h.Sim.Pins.Amber);

        _h.Faults.Raise("LATCH_NOT_SAVED", "the breaker state could not be written");
        _h.Run(2000);

        Assert.InRange(amberOn(), 4, 6); // 200 ms on, 200 ms off: flashing, unlike a degraded link's steady amber
        var r = _h.Breaker.Reset("operator", BreakerSource.Cli);
        Assert.False(r.Done);
        Assert.Contains("LATCH_NOT_SAVED", r.RefusedBecause);

        _h.Faults.Clear("LATCH_NOT_SAVED");
        _h.Run(100);
        Assert.False(Sim.Lamp(PanelLed.Amber));
        Assert.True(_h.Breaker.Reset("operator", BreakerSource.Cli).Done);
    }

    [Fact]
    public void Dispose_switches_every_lamp_the_relay_and_the_buzzer_off()
    {
        _h.Started();
        Assert.True(_h.Sim.Relay);
        _h.Health.Set(Link.Mqtt, LinkState.Degraded, "broker down");
        _h.Sim.EmergencyStop(true);
        _h.Run(100);
        Assert.True(Sim.Lamp(PanelLed.Red) && Sim.Lamp(PanelLed.Amber) && _h.Sim.Buzzer);

        _h.Panel.Dispose();

        Assert.False(Sim.Lamp(PanelLed.Green) || Sim.Lamp(PanelLed.Red) || Sim.Lamp(PanelLed.Amber));
        Assert.False(_h.Sim.Relay);
        Assert.False(_h.Sim.Buzzer);
        _h.Run(1000); // no timer lights anything afterwards
        Assert.False(Sim.Lamp(PanelLed.Red) || Sim.Lamp(PanelLed.Amber) || Sim.Lamp(PanelLed.Green) || _h.Sim.Buzzer);
        Assert.All(Enumerable.Range(0, _h.Sim.Driver.LineNames.Count), pin => Assert.False(_h.Sim.Driver.IsOpen(pin)));
    }

    [Fact]
    public void Engage_latency_is_measured_from_the_edge_stamp_once_per_engagement()
    {
        using var h = new PanelHarness(edgeClock: TimeProvider.System).Started(); // the breaker stamps on the system clock
        h.Sim.EmergencyStop(true);
        h.Sim.EmergencyStop(false);
        h.Sim.EmergencyStop(true); // already engaged: not a new engagement
        Assert.Equal(1, h.Panel.EngageLatency.Count);
        var sample = h.Panel.EngageLatency.Sorted()[0];
        Assert.InRange(sample, 0, 1_000_000);
    }
}
