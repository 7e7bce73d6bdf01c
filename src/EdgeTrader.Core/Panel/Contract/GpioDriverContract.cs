using System.Device.Gpio;
using EdgeTrader.Panel.Gpio;

namespace EdgeTrader.Panel.Contract;

/// <summary>A driver broke a rule of the contract.</summary>
public sealed class ContractViolation(string message) : Exception(message);

/// <summary>
/// The rules every panel GPIO driver keeps, checked through <see cref="GpioController"/> the way the panel uses it (as
/// dotnet/iot's GpioControllerTestBase does for its drivers). One copy of the rules: the unit suite runs them against
/// the sim driver (GpioDriverContractTests), and <c>edgetrader selftest gpio-driver</c> runs them against the uAPI
/// driver on a real kernel chip inside the gpio-sim VM, where there is no SDK to run xunit.
/// </summary>
public static class GpioDriverContract
{
    /// <summary>How long a check waits for an edge that must come (the VM is emulated and may be loaded).</summary>
    public static readonly TimeSpan EdgeDeadline = TimeSpan.FromSeconds(5);
    /// <summary>How long a check waits to be sure an edge that must not come does not.</summary>
    public static readonly TimeSpan QuietWindow = TimeSpan.FromMilliseconds(300);

    /// <summary>Every rule, by name, in order.</summary>
    public static IReadOnlyList<(string Name, Action<IGpioContractRig> Check)> All { get; } =
    [
        ("input_reads_the_level_it_had_before_it_was_opened", InputReadsTheLevelItHadBeforeItWasOpened),
        ("every_edge_reaches_the_callback_with_its_pin_and_direction", EveryEdgeReachesTheCallbackWithItsPinAndDirection),
        ("edges_carry_a_monotonic_stamp_taken_when_they_happened", EdgesCarryAMonotonicStampTakenWhenTheyHappened),
        ("a_callback_sees_only_the_edge_types_it_asked_for", ACallbackSeesOnlyTheEdgeTypesItAskedFor),
        ("no_callback_after_it_is_unregistered", NoCallbackAfterItIsUnregistered),
        ("an_output_opened_low_or_high_shows_that_level_at_once", AnOutputOpenedLowOrHighShowsThatLevelAtOnce),
        ("a_written_output_is_on_the_line_and_reads_back", AWrittenOutputIsOnTheLineAndReadsBack),
        ("wait_for_event_returns_on_an_edge_and_times_out_without_one", WaitForEventReturnsOnAnEdgeAndTimesOutWithoutOne),
        ("no_callback_after_the_controller_is_disposed", NoCallbackAfterTheControllerIsDisposed),
    ];

    /// <summary>Runs one rule by name against a rig.</summary>
    public static void Run(string name, IGpioContractRig rig)
    {
        foreach (var (n, check) in All)
        {
            if (n != name) continue;
            check(rig);
            return;
        }
        throw new ArgumentException($"no contract rule named {name}", nameof(name));
    }

    static void That(bool condition, string what)
    {
        if (!condition) throw new ContractViolation(what);
    }

    /// <summary>The panel reads its inputs once at start; a stop pressed before the daemon started must read pressed.</summary>
    public static void InputReadsTheLevelItHadBeforeItWasOpened(IGpioContractRig rig)
    {
        foreach (bool level in new[] { true, false, true })
        {
            rig.DriveInput(level);
            using var gpio = new GpioController(rig.CreateDriver());
            gpio.OpenPin(rig.InputPin, PinMode.Input);
            var read = gpio.Read(rig.InputPin);
            That(read == (level ? PinValue.High : PinValue.Low), $"input driven {(level ? "high" : "low")} before open reads {read}");
        }
    }

    /// <summary>An edge is how a press reaches the breaker: each one, with the pin and whether it rose or fell.</summary>
    public static void EveryEdgeReachesTheCallbackWithItsPinAndDirection(IGpioContractRig rig)
    {
        rig.DriveInput(false);
        using var gpio = new GpioController(rig.CreateDriver());
        using var edges = new EdgeLog();
        gpio.OpenPin(rig.InputPin, PinMode.Input);
        gpio.RegisterCallbackForPinValueChangedEvent(rig.InputPin, PinEventTypes.Rising | PinEventTypes.Falling, edges.Handler);
        for (int i = 0; i < 3; i++)
        {
            rig.DriveInput(true);
            var up = edges.Next(EdgeDeadline);
            That(up is not null, $"no edge within {EdgeDeadline.TotalSeconds} s after the input rose (cycle {i})");
            That(up!.ChangeType == PinEventTypes.Rising && up.PinNumber == rig.InputPin, $"rise reported as {up.ChangeType} on pin {up.PinNumber}");
            rig.DriveInput(false);
            var down = edges.Next(EdgeDeadline);
            That(down is not null, $"no edge within {EdgeDeadline.TotalSeconds} s after the input fell (cycle {i})");
            That(down!.ChangeType == PinEventTypes.Falling && down.PinNumber == rig.InputPin, $"fall reported as {down.ChangeType} on pin {down.PinNumber}");
        }
        That(edges.Next(QuietWindow) is null, "an edge arrived that the input did not make");
    }

    /// <summary>The engage latency and the reset hold are timed from the edge's own stamp (CLOCK_MONOTONIC).</summary>
    public static void EdgesCarryAMonotonicStampTakenWhenTheyHappened(IGpioContractRig rig)
    {
        rig.DriveInput(false);
        using var gpio = new GpioController(rig.CreateDriver());
        using var edges = new EdgeLog();
        gpio.OpenPin(rig.InputPin, PinMode.Input);
        gpio.RegisterCallbackForPinValueChangedEvent(rig.InputPin, PinEventTypes.Rising | PinEventTypes.Falling, edges.Handler);
        long previous = 0;
        for (int i = 0; i < 4; i++)
        {
            long before = MonotonicClock.NowNs();
            rig.DriveInput(i % 2 == 0);
            var e = edges.Next(EdgeDeadline);
            long after = MonotonicClock.NowNs();
            That(e is GpioEdgeEventArgs, $"edge {i} is a {e?.GetType().Name ?? "missing event"}, not a GpioEdgeEventArgs with a stamp");
            long ts = ((GpioEdgeEventArgs)e!).TimestampNs;
            That(ts >= before && ts <= after, $"edge {i} stamped {ts}, outside [{before}, {after}] (CLOCK_MONOTONIC around the change)");
            That(ts > previous, $"edge {i} stamped {ts}, not after the previous edge's {previous}");
            previous = ts;
        }
    }

    /// <summary>A callback registered for rising edges only is not called for falling ones.</summary>
    public static void ACallbackSeesOnlyTheEdgeTypesItAskedFor(IGpioContractRig rig)
    {
        rig.DriveInput(false);
        using var gpio = new GpioController(rig.CreateDriver());
        using var rising = new EdgeLog();
        using var both = new EdgeLog();
        gpio.OpenPin(rig.InputPin, PinMode.Input);
        gpio.RegisterCallbackForPinValueChangedEvent(rig.InputPin, PinEventTypes.Rising, rising.Handler);
        gpio.RegisterCallbackForPinValueChangedEvent(rig.InputPin, PinEventTypes.Rising | PinEventTypes.Falling, both.Handler);
        rig.DriveInput(true);
        That(both.Next(EdgeDeadline) is not null && rising.Next(EdgeDeadline) is { ChangeType: PinEventTypes.Rising }, "the rise did not reach both callbacks");
        rig.DriveInput(false);
        That(both.Next(EdgeDeadline) is { ChangeType: PinEventTypes.Falling }, "the fall did not reach the both-edges callback");
        That(rising.Next(QuietWindow) is null, "a rising-only callback was called for a fall");
    }

    /// <summary>Unregistering stops the calls (a disposed panel must not act on edges).</summary>
    public static void NoCallbackAfterItIsUnregistered(IGpioContractRig rig)
    {
        rig.DriveInput(false);
        using var gpio = new GpioController(rig.CreateDriver());
        using var edges = new EdgeLog();
        using var witness = new EdgeLog();
        gpio.OpenPin(rig.InputPin, PinMode.Input);
        gpio.RegisterCallbackForPinValueChangedEvent(rig.InputPin, PinEventTypes.Rising | PinEventTypes.Falling, edges.Handler);
        gpio.RegisterCallbackForPinValueChangedEvent(rig.InputPin, PinEventTypes.Rising | PinEventTypes.Falling, witness.Handler);
        gpio.UnregisterCallbackForPinValueChangedEvent(rig.InputPin, edges.Handler);
        rig.DriveInput(true);
        That(witness.Next(EdgeDeadline) is not null, "the edge did not reach the callback that stayed registered");
        That(edges.Next(QuietWindow) is null, "an unregistered callback was called");
    }

    /// <summary>A relay or lamp line is requested at its initial level: the relay never pulses on while the daemon starts.</summary>
    public static void AnOutputOpenedLowOrHighShowsThatLevelAtOnce(IGpioContractRig rig)
    {
        foreach (var initial in new[] { PinValue.Low, PinValue.High, PinValue.Low })
        {
            using var gpio = new GpioController(rig.CreateDriver());
            gpio.OpenPin(rig.OutputPin, PinMode.Output, initial);
            That(rig.ReadOutputLine() == (initial == PinValue.High), $"output opened {initial} shows {(rig.ReadOutputLine() ? "high" : "low")} on the line");
            That(gpio.Read(rig.OutputPin) == initial, $"output opened {initial} reads back {gpio.Read(rig.OutputPin)}");
        }
    }

    /// <summary>What the panel writes is on the line (the lamp lights, the relay drops) and reads back.</summary>
    public static void AWrittenOutputIsOnTheLineAndReadsBack(IGpioContractRig rig)
    {
        using var gpio = new GpioController(rig.CreateDriver());
        gpio.OpenPin(rig.OutputPin, PinMode.Output, PinValue.Low);
        foreach (var v in new[] { PinValue.High, PinValue.Low, PinValue.High, PinValue.Low })
        {
            gpio.Write(rig.OutputPin, v);
            That(rig.ReadOutputLine() == (v == PinValue.High), $"wrote {v}, the line shows {(rig.ReadOutputLine() ? "high" : "low")}");
            That(gpio.Read(rig.OutputPin) == v, $"wrote {v}, read back {gpio.Read(rig.OutputPin)}");
        }
    }

    /// <summary>GpioController's blocking wait works on the driver (Iot.Device bindings use it).</summary>
    public static void WaitForEventReturnsOnAnEdgeAndTimesOutWithoutOne(IGpioContractRig rig)
    {
        rig.DriveInput(false);
        using var gpio = new GpioController(rig.CreateDriver());
        gpio.OpenPin(rig.InputPin, PinMode.Input);
        var quiet = gpio.WaitForEvent(rig.InputPin, PinEventTypes.Rising, QuietWindow);
        That(quiet.TimedOut, "WaitForEvent returned without an edge");
        var waiter = Task.Run(() => gpio.WaitForEvent(rig.InputPin, PinEventTypes.Rising, EdgeDeadline));
        var deadline = DateTime.UtcNow + EdgeDeadline;
        WaitForEventResult r = default;
        // Drive until the waiter has seen it: the wait may start after the first change.
        for (bool high = true; !waiter.IsCompleted && DateTime.UtcNow < deadline; high = !high)
        {
            rig.DriveInput(high);
            waiter.Wait(TimeSpan.FromMilliseconds(100));
        }
        That(waiter.IsCompleted, "WaitForEvent did not return within the deadline while the input toggled");
        r = waiter.Result;
        That(!r.TimedOut && r.EventTypes == PinEventTypes.Rising, $"WaitForEvent returned {r.EventTypes} timedOut={r.TimedOut}");
    }

    /// <summary>After the panel's controller is disposed nothing calls back into it.</summary>
    public static void NoCallbackAfterTheControllerIsDisposed(IGpioContractRig rig)
    {
        rig.DriveInput(false);
        using var edges = new EdgeLog();
        var gpio = new GpioController(rig.CreateDriver());
        gpio.OpenPin(rig.InputPin, PinMode.Input);
        gpio.RegisterCallbackForPinValueChangedEvent(rig.InputPin, PinEventTypes.Rising | PinEventTypes.Falling, edges.Handler);
        gpio.Dispose();
        rig.DriveInput(true);
        That(edges.Next(QuietWindow) is null, "a callback ran after the controller was disposed");
        rig.DriveInput(false);
    }

    /// <summary>Edges as they arrive, from any thread.</summary>
    sealed class EdgeLog : IDisposable
    {
        readonly System.Collections.Concurrent.BlockingCollection<PinValueChangedEventArgs> _q = [];
        public void Handler(object sender, PinValueChangedEventArgs e) => _q.Add(e);
        public PinValueChangedEventArgs? Next(TimeSpan within) => _q.TryTake(out var e, within) ? e : null;
        public void Dispose() => _q.Dispose();
    }
}
