using Microsoft.Extensions.Time.Testing;
using EdgeTrader.Configuration;
using EdgeTrader.Health;
using EdgeTrader.KillSwitch;
using EdgeTrader.Panel;
using EdgeTrader.Panel.Drivers;
using EdgeTrader.Tests.Support;

namespace EdgeTrader.Tests.Panel;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class PanelControllerTests : IDisposable
{
    static readonly TimeSpan Hold = TimeSpan.FromMilliseconds(2000);
    readonly FakeTimeProvider _time = TestClock.New();
    readonly SimPanelDriver _sim = new();
    readonly HealthMonitor _health;
    readonly CircuitBreaker _breaker;
    readonly PanelController _panel;

    public PanelControllerTests()
    {
        _health = new HealthMonitor(_time);
        _breaker = new CircuitBreaker(BreakerState.FreshInstall(_time.GetUtcNow()), _time);
        _panel = new PanelController(_sim, _breaker, _health, new PanelOptions { Driver = PanelDriverKind.Sim, ResetHoldMs = 2000 }, _time, Serilog.Core.Logger.None);
    }

    public void Dispose() => _panel.Dispose();

    /// <summary>Starts the panel and lets the lamp test pass, with the loop beating.</summary>
    void StartPastLampTest()
    {
        _panel.Start();
        Run(TimeSpan.FromMilliseconds(400));
    }

    /// <summary>Advances time in 50 ms steps, beating the tick loop on every step (as a live loop would).</summary>
    void Run(TimeSpan duration, bool loopBeats = true)
    {
        var step = TimeSpan.FromMilliseconds(50);
        for (var t = TimeSpan.Zero; t < duration; t += step)
        {
            if (loopBeats) _health.LoopBeat();
            _time.Advance(step);
        }
    }

    void PressAndRelease(PanelInput input)
    {
        _sim.Set(input, true);
        _sim.Set(input, false);
    }

    [Fact]
    public void Emergency_stop_press_engages_with_source_button_and_lights_red()
    {
        StartPastLampTest();
        Assert.False(_breaker.IsEngaged);
        Assert.False(_sim.Led(PanelLed.Red));

        _sim.Set(PanelInput.EmergencyStop, true);

        Assert.True(_breaker.IsEngaged);
        Assert.Equal(BreakerSource.Button, _breaker.State.Source);
        Assert.Equal(1, _breaker.State.Generation);
        Assert.True(_sim.Led(PanelLed.Red));
        Assert.False(_sim.Led(PanelLed.Green));
        Assert.Equal(1, _panel.EngageLatency.Count);
    }

    [Fact]
    public void A_press_on_an_engaged_node_is_a_new_stop_for_the_cluster()
    {
        StartPastLampTest();
        var first = _breaker.Command("desk", BreakerSource.Cli).State.Engagement;
        PressAndRelease(PanelInput.EmergencyStop);
        Assert.True(_breaker.IsEngaged);
        Assert.Equal(BreakerSource.Button, _breaker.State.Source);
        Assert.NotEqual(first, _breaker.State.Engagement); // renewed: published again, cancel_all again
    }

    [Fact]
    public void A_stop_still_held_when_an_engaged_node_starts_makes_no_new_engagement()
    {
        // The breaker as restored from disk: ENGAGED by an earlier press. The wire is broken (the stop reads pressed)
        // before this process's panel exists, so the panel sees a state at start, not an edge.
        var restored = BreakerState.FreshInstall(_time.GetUtcNow(), "n") with
        {
            Position = BreakerPosition.Engaged,
            Engagement = new EngagementId("n", "0123456789abcdef", 1),
            Reason = "before the restart",
            Source = BreakerSource.Button,
        };
        var breaker = new CircuitBreaker(restored, _time);
        var seen = new List<BreakerTransition>();
        breaker.Subscribe(seen.Add);
        var sim = new SimPanelDriver();
        sim.Set(PanelInput.EmergencyStop, true);
        using var panel = new PanelController(sim, breaker, _health, new PanelOptions { Driver = PanelDriverKind.Sim, ResetHoldMs = 2000 }, _time, Serilog.Core.Logger.None);
        panel.Start();
        Assert.Same(restored, breaker.State);
        Assert.Empty(seen);

        sim.Set(PanelInput.EmergencyStop, false);
        sim.Set(PanelInput.EmergencyStop, true); // a real press afterwards is a new stop
        Assert.NotEqual(restored.Engagement, breaker.State.Engagement);
    }

    [Fact]
    public void Amber_is_on_while_the_latch_is_not_saved()
    {
        var store = new FailingStore();
        var breaker = new CircuitBreaker(BreakerState.FreshInstall(_time.GetUtcNow()), _time, store);
        var sim = new SimPanelDriver();
        using var panel = new PanelController(sim, breaker, _health, new PanelOptions { Driver = PanelDriverKind.Sim, ResetHoldMs = 2000 }, _time, Serilog.Core.Logger.None);
        panel.Start();
        Run(TimeSpan.FromMilliseconds(400));
        Assert.False(sim.Led(PanelLed.Amber));

        store.Fail = true;
        breaker.Command("desk", BreakerSource.Cli);
        Run(TimeSpan.FromMilliseconds(100));
        Assert.True(sim.Led(PanelLed.Amber));

        store.Fail = false; // the retry saves it
        Run(CircuitBreaker.SaveRetryInterval + TimeSpan.FromMilliseconds(100));
        Assert.True(breaker.LatchSaved);
        Assert.False(sim.Led(PanelLed.Amber));
    }

    sealed class FailingStore : IBreakerStateStore
    {
        public volatile bool Fail;
        public void Save(BreakerState state) { if (Fail) throw new IOException("Read-only file system"); }
    }

    [Fact]
    public void Emergency_stop_already_pressed_at_start_engages()
    {
        _sim.Set(PanelInput.EmergencyStop, true);
        _panel.Start();
        Assert.True(_breaker.IsEngaged);
        Assert.Equal(BreakerSource.Button, _breaker.State.Source);
    }

    [Fact]
    public void Releasing_the_emergency_stop_does_not_reset()
    {
        StartPastLampTest();
        PressAndRelease(PanelInput.EmergencyStop);
        Run(TimeSpan.FromSeconds(5));
        Assert.True(_breaker.IsEngaged);
        Assert.True(_sim.Led(PanelLed.Red));
    }

    [Fact]
    public void Reset_held_shorter_than_the_hold_time_does_not_reset()
    {
        StartPastLampTest();
        PressAndRelease(PanelInput.EmergencyStop);

        _sim.Set(PanelInput.Reset, true);
        Run(Hold - TimeSpan.FromMilliseconds(100));
        _sim.Set(PanelInput.Reset, false);
        Run(TimeSpan.FromSeconds(3));

        Assert.True(_breaker.IsEngaged);
    }

    [Fact]
    public void Reset_held_for_the_hold_time_resets_to_safe_and_lamps_follow()
    {
        StartPastLampTest();
        PressAndRelease(PanelInput.EmergencyStop);
        var gen = _breaker.State.Generation;

        _sim.Set(PanelInput.Reset, true);
        Run(Hold - TimeSpan.FromMilliseconds(50));
        Assert.True(_breaker.IsEngaged);
        Run(TimeSpan.FromMilliseconds(100));

        Assert.False(_breaker.IsEngaged);
        Assert.Equal(BreakerSource.Button, _breaker.State.Source);
        Assert.Equal(gen, _breaker.State.Generation);
        Assert.False(_sim.Led(PanelLed.Red));
    }

    [Fact]
    public void Reset_while_the_emergency_stop_is_pressed_is_refused()
    {
        StartPastLampTest();
        _sim.Set(PanelInput.EmergencyStop, true);

        _sim.Set(PanelInput.Reset, true);
        Run(Hold * 2);

        Assert.True(_breaker.IsEngaged);
        Assert.True(_sim.Led(PanelLed.Red));
    }

    [Fact]
    public void Cli_reset_is_refused_by_the_interlock_while_the_emergency_stop_is_pressed()
    {
        StartPastLampTest();
        _sim.Set(PanelInput.EmergencyStop, true);

        var r = _breaker.Reset("operator", BreakerSource.Cli);

        Assert.False(r.Done);
        Assert.True(_breaker.IsEngaged);
        Assert.Contains("emergency-stop button is pressed or its wire is broken", r.RefusedBecause);

        _sim.Set(PanelInput.EmergencyStop, false);
        Assert.True(_breaker.Reset("operator", BreakerSource.Cli).Done);
        Assert.False(_breaker.IsEngaged);
    }

    [Fact]
    public void Emergency_stop_pressed_during_the_reset_hold_vetoes_the_reset()
    {
        StartPastLampTest();
        PressAndRelease(PanelInput.EmergencyStop);
        _sim.Set(PanelInput.Reset, true);
        Run(TimeSpan.FromMilliseconds(1000));
        _sim.Set(PanelInput.EmergencyStop, true);
        Run(TimeSpan.FromMilliseconds(1500));
        Assert.True(_breaker.IsEngaged);
    }

    [Fact]
    public void Releasing_and_pressing_reset_again_restarts_the_hold()
    {
        StartPastLampTest();
        PressAndRelease(PanelInput.EmergencyStop);

        _sim.Set(PanelInput.Reset, true);
        Run(TimeSpan.FromMilliseconds(1500));
        _sim.Set(PanelInput.Reset, false);
        _sim.Set(PanelInput.Reset, true);
        Run(TimeSpan.FromMilliseconds(1500)); // 3000 ms since the first press, 1500 ms since the second
        Assert.True(_breaker.IsEngaged);

        Run(TimeSpan.FromMilliseconds(600));
        Assert.False(_breaker.IsEngaged);
    }

    [Fact]
    public void Lamp_test_lights_all_three_during_the_first_300_ms_only()
    {
        _panel.Start();
        Run(TimeSpan.FromMilliseconds(250));
        Assert.True(_sim.Led(PanelLed.Green));
        Assert.True(_sim.Led(PanelLed.Red));
        Assert.True(_sim.Led(PanelLed.Amber));

        Run(TimeSpan.FromMilliseconds(100));
        Assert.False(_sim.Led(PanelLed.Red));
        Assert.False(_sim.Led(PanelLed.Amber));
    }

    [Fact]
    public void Green_blinks_at_1_Hz_while_safe_and_the_loop_beats()
    {
        StartPastLampTest();
        var changes = new List<(TimeSpan At, bool On)>();
        var t0 = _time.GetTimestamp();
        _sim.LedChanged += (led, on) => { if (led == PanelLed.Green) changes.Add((_time.GetElapsedTime(t0), on)); };

        Run(TimeSpan.FromSeconds(4));

        Assert.InRange(changes.Count, 7, 9); // 8 half periods of 500 ms in 4 s
        for (int i = 1; i < changes.Count; i++)
        {
            Assert.NotEqual(changes[i - 1].On, changes[i].On);
            Assert.Equal(500, (changes[i].At - changes[i - 1].At).TotalMilliseconds, 1);
        }
        Assert.False(_sim.Led(PanelLed.Red));
    }

    [Fact]
    public void Green_stops_blinking_when_the_loop_stops_beating()
    {
        StartPastLampTest();
        Run(TimeSpan.FromSeconds(2));
        Run(HealthMonitor.LoopAliveWindow + TimeSpan.FromMilliseconds(100), loopBeats: false);

        int greenOn = 0;
        _sim.LedChanged += (led, on) => { if (led == PanelLed.Green && on) greenOn++; };
        Run(TimeSpan.FromSeconds(3), loopBeats: false);

        Assert.Equal(0, greenOn);
        Assert.False(_sim.Led(PanelLed.Green));
        Assert.False(_breaker.IsEngaged);

        Run(TimeSpan.FromSeconds(2)); // the loop comes back: so does the blink
        Assert.True(greenOn > 0);
    }

    [Fact]
    public void Green_stays_dark_while_engaged()
    {
        StartPastLampTest();
        _sim.Set(PanelInput.EmergencyStop, true);
        int greenOn = 0;
        _sim.LedChanged += (led, on) => { if (led == PanelLed.Green && on) greenOn++; };
        Run(TimeSpan.FromSeconds(3));
        Assert.Equal(0, greenOn);
    }

    [Fact]
    public void Amber_is_steady_while_a_link_is_degraded()
    {
        StartPastLampTest();
        Assert.False(_sim.Led(PanelLed.Amber));

        _health.Set(Link.Bridge, LinkState.Degraded, "no tick for 5 s");
        Run(TimeSpan.FromMilliseconds(100));
        Assert.True(_sim.Led(PanelLed.Amber));
        int amberOff = 0;
        _sim.LedChanged += (led, on) => { if (led == PanelLed.Amber && !on) amberOff++; };
        Run(TimeSpan.FromSeconds(2));
        Assert.Equal(0, amberOff);

        _health.Set(Link.Bridge, LinkState.Up);
        Run(TimeSpan.FromMilliseconds(100));
        Assert.False(_sim.Led(PanelLed.Amber));
    }

    [Fact]
    public void Dispose_switches_every_lamp_off()
    {
        StartPastLampTest();
        _health.Set(Link.Mqtt, LinkState.Degraded, "broker down");
        _sim.Set(PanelInput.EmergencyStop, true);
        Run(TimeSpan.FromMilliseconds(100));
        Assert.True(_sim.Led(PanelLed.Red) && _sim.Led(PanelLed.Amber));

        _panel.Dispose();

        Assert.False(_sim.Led(PanelLed.Green));
        Assert.False(_sim.Led(PanelLed.Red));
        Assert.False(_sim.Led(PanelLed.Amber));
        Run(TimeSpan.FromSeconds(1)); // no timer lights anything afterwards
        Assert.False(_sim.Led(PanelLed.Red) || _sim.Led(PanelLed.Amber) || _sim.Led(PanelLed.Green));
    }

    [Fact]
    public void Engage_latency_is_measured_from_the_edge_stamp_once_per_engagement()
    {
        StartPastLampTest();
        _sim.Set(PanelInput.EmergencyStop, true);
        _sim.Set(PanelInput.EmergencyStop, false);
        _sim.Set(PanelInput.EmergencyStop, true); // already engaged: not a new engagement
        Assert.Equal(1, _panel.EngageLatency.Count);
        var sample = _panel.EngageLatency.Sorted()[0];
        Assert.InRange(sample, 0, 1_000_000);
    }
}
