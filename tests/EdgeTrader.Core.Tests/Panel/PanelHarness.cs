using Microsoft.Extensions.Time.Testing;
using EdgeTrader.Configuration;
using EdgeTrader.Health;
using EdgeTrader.KillSwitch;
using EdgeTrader.Panel;
using EdgeTrader.Panel.Gpio;
using EdgeTrader.Tests.Support;

namespace EdgeTrader.Tests.Panel;

/// <summary>
/// A panel on a simulated chip, a real breaker with the fault board as its interlock (as the daemon wires them),
/// fake time. <see cref="Run"/> advances time in 50 ms steps and beats the tick loop on each, as a live loop would.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class PanelHarness : IDisposable
{
    /// <summary>Every optional part fitted: two stop channels, trip relay with EDM, buzzer.</summary>
    public static PanelOptions Full => new()
    {
        Driver = PanelDriverKind.Sim, ResetHoldMs = 350, ResetMaxHoldMs = 5000,
        EmergencyStopLineB = "GPIO5", DiscrepancyMs = 200, TripLine = "GPIO16", EdmLine = "GPIO26", EdmSettleMs = 250, BuzzerLine = "GPIO12",
    };

    /// <summary>The five lines every panel has, nothing else.</summary>
    public static PanelOptions Basic => new() { Driver = PanelDriverKind.Sim, ResetHoldMs = 350, ResetMaxHoldMs = 5000 };

    public FakeTimeProvider Time { get; }
    public HealthMonitor Health { get; }
    public FaultBoard Faults { get; }
    public CircuitBreaker Breaker { get; }
    public SimPanel Sim { get; }
    public PanelController Panel { get; }
    public PanelOptions Options { get; }

    /// <param name="options">Default <see cref="Full"/>.</param>
    /// <param name="edgeClock">What stamps the sim's edges: the fake clock (default), or the system's for a latency measured against the breaker's real stamp.</param>
    /// <param name="breaker">A breaker of the test's own (restored state, failing store), on <paramref name="time"/>.</param>
    /// <param name="time">The fake clock <paramref name="breaker"/> runs on.</param>
    public PanelHarness(PanelOptions? options = null, TimeProvider? edgeClock = null, CircuitBreaker? breaker = null, FakeTimeProvider? time = null)
    {
        Options = options ?? Full;
        Time = time ?? TestClock.New();
        Health = new HealthMonitor(Time);
        Faults = new FaultBoard(Time);
        Breaker = breaker ?? new CircuitBreaker(BreakerState.FreshInstall(Time.GetUtcNow()), Time);
        Breaker.AddResetInterlock(Faults);
        Sim = new SimPanel(Options, edgeClock ?? Time);
        Panel = new PanelController(PanelHardware.Open(Options, Serilog.Core.Logger.None, Sim.Driver), Breaker, Health, Faults, Options, Time, Serilog.Core.Logger.None);
    }

    public void Dispose() => Panel.Dispose();

    /// <summary>Starts the panel and lets the lamp test pass, with the loop beating.</summary>
    public PanelHarness Started()
    {
        Panel.Start();
        Run(TimeSpan.FromMilliseconds(400));
        return this;
    }

    /// <summary>Advances time in 50 ms steps, beating the tick loop on every step unless told otherwise.</summary>
    public void Run(TimeSpan duration, bool loopBeats = true)
    {
        var step = TimeSpan.FromMilliseconds(50);
        for (var t = TimeSpan.Zero; t < duration; t += step)
        {
            if (loopBeats) Health.LoopBeat();
            Time.Advance(step);
        }
    }

    public void Run(int ms, bool loopBeats = true) => Run(TimeSpan.FromMilliseconds(ms), loopBeats);

    /// <summary>Press and release the emergency stop: ENGAGED, stop closed again.</summary>
    public void EngageByButton()
    {
        Sim.EmergencyStop(true);
        Sim.EmergencyStop(false);
    }

    /// <summary>Holds the reset button for <paramref name="ms"/>, releases it and lets the release settle (one 50 ms step).</summary>
    public void HoldReset(int ms)
    {
        Sim.Reset(true);
        Run(ms);
        Sim.Reset(false);
        Run(50);
    }

    /// <summary>Counts a line's rising edges from now on.</summary>
    public Func<int> CountOn(Func<int> pinOf)
    {
        int n = 0, pin = pinOf();
        Sim.Driver.LineChanged += (p, high) => { if (p == pin && high) n++; };
        return () => n;
    }
}
