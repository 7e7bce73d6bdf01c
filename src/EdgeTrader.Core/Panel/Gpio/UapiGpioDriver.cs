using System.Device.Gpio;
using EdgeTrader.Interop.Gpio;
using Serilog;

namespace EdgeTrader.Panel.Gpio;

/// <summary>
/// EdgeTrader's <see cref="GpioDriver"/> on the Linux GPIO character device, uAPI v2 (<c>/dev/gpiochipN</c>). What
/// dotnet/iot's own drivers do not give, and a panel needs:
/// <list type="bullet">
/// <item>lines found by name on any chip (Pi 4: gpiochip0, Pi 5: the RP1 chip, whose number moves between kernels);
/// pin <c>i</c> is the <c>i</c>-th configured line;</item>
/// <item>the kernel's debounce on inputs (<c>GPIO_V2_LINE_ATTR_ID_DEBOUNCE</c>, per line);</item>
/// <item>every edge stamped by the kernel (CLOCK_MONOTONIC), delivered as a <see cref="GpioEdgeEventArgs"/>;</item>
/// <item>errors an operator can act on: the holder of a busy line, what to do about permissions, the names that exist.</item>
/// </list>
/// A line is requested when its mode is set (inputs with both edges, outputs at their initial value from the first
/// instant) with the consumer label "edgetrader". Edges are read on one thread (<c>panel-gpio</c>) that polls every
/// input request; if the device fails under it, <see cref="EdgeGpioDriver.Failed"/> is raised and the thread stops.
/// </summary>
public sealed class UapiGpioDriver : EdgeGpioDriver
{
    /// <summary>The consumer label the kernel shows for our lines (gpioinfo, GPIO_V2_GET_LINEINFO).</summary>
    public const string Consumer = "edgetrader";

    /// <summary>How long the edge reader blocks in poll before it looks for new lines and the stop flag.</summary>
    internal const int PollTimeoutMs = 100;

    readonly GpioLineSpec[] _specs;
    readonly string[] _names;
    readonly string _chip;
    GpioLineLocation[]? _at; // found at the first open
    readonly ILogger _log;
    readonly object _lock = new();
    readonly GpioLineRequest?[] _requests;
    readonly PinMode?[] _modes;
    Thread? _reader;
    readonly List<(int Pin, GpioV2LineEvent Event)> _batch = []; // the reader thread's only
    int _inputsVersion;
    volatile bool _stopping;
    bool _disposed;

    UapiGpioDriver(GpioLineSpec[] specs, string chip, ILogger log)
    {
        _specs = specs;
        _names = specs.Select(s => s.Name).ToArray();
        _chip = chip;
        _log = log;
        _requests = new GpioLineRequest?[specs.Length];
        _modes = new PinMode?[specs.Length];
    }

    /// <summary>
    /// A driver for <paramref name="lines"/>, found by name (on <paramref name="chip"/> only, when given: a label such
    /// as pinctrl-rp1, a kernel name such as gpiochip0, or a path) when the first pin is opened, so that a wrong
    /// configuration fails where the panel starts. Throws (then) <see cref="PanelException"/> naming the key of a
    /// missing line and listing the names that exist.
    /// </summary>
    public static UapiGpioDriver Open(IReadOnlyList<GpioLineSpec> lines, string chip, ILogger log) =>
        new([.. lines], chip, log.ForContext<UapiGpioDriver>());

    GpioLineLocation[] Located()
    {
        lock (_lock)
        {
            if (_at is not null) return _at;
            GpioScan scan;
            try
            {
                scan = GpioLineFinder.Scan(_chip);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                throw new PanelException($"cannot scan the GPIO chips: {ex.Message}", ex);
            }
            return _at = GpioDiagnostics.Resolve(_specs, scan, _chip, _log);
        }
    }

    /// <inheritdoc/>
    public override IReadOnlyList<string> LineNames => _names;

    /// <inheritdoc/>
    public override string Description
    {
        get
        {
            GpioLineLocation[]? at;
            lock (_lock) at = _at;
            if (at is null) return $"gpio uapi-v2 (lines not yet found: {string.Join(" ", _names)})";
            var parts = _specs.Select((s, i) => $"{s.Name}@{at[i].Chip.Path}:{at[i].Offset}{(s.DebounceUs > 0 ? $"/{s.DebounceUs / 1000}ms" : "")}");
            return $"gpio uapi-v2 [{string.Join(",", at.Select(a => a.Chip.Label).Distinct())}] {string.Join(" ", parts)}";
        }
    }

    /// <inheritdoc/>
    protected override void OpenPin(int pinNumber)
    {
        CheckPin(pinNumber);
        Located();
    }

    /// <inheritdoc/>
    protected override void ClosePin(int pinNumber)
    {
        CheckPin(pinNumber);
        GpioLineRequest? r;
        lock (_lock)
        {
            r = _requests[pinNumber];
            _requests[pinNumber] = null;
            _modes[pinNumber] = null;
            _inputsVersion++;
        }
        ForgetCallbacks(pinNumber);
        r?.Dispose(); // the reader holds a reference while it polls: the fd closes when it lets go
    }

    /// <inheritdoc/>
    protected override void SetPinMode(int pinNumber, PinMode mode) => SetPinMode(pinNumber, mode, PinValue.Low);

    /// <inheritdoc/>
    protected override void SetPinMode(int pinNumber, PinMode mode, PinValue initialValue)
    {
        CheckPin(pinNumber);
        if (!IsPinModeSupported(pinNumber, mode)) throw new InvalidOperationException($"GPIO line {_names[pinNumber]} does not support {mode}");
        var loc = Located()[pinNumber];
        var spec = _specs[pinNumber];
        lock (_lock)
        {
            if (_disposed) throw new ObjectDisposedException(nameof(UapiGpioDriver));
            if (_modes[pinNumber] == mode && _requests[pinNumber] is not null)
            {
                if (mode == PinMode.Output) _requests[pinNumber]!.SetValue(initialValue == PinValue.High);
                return;
            }
            // A new direction or bias is a new request: the line is released and requested again.
            _requests[pinNumber]?.Dispose();
            _requests[pinNumber] = null;
            _modes[pinNumber] = null;
            var r = GpioDiagnostics.Request(loc, spec.Key, chip => mode switch
            {
                PinMode.Output => chip.RequestOutput(loc.Offset, Consumer, initialValue == PinValue.High),
                PinMode.InputPullUp => chip.RequestInput(loc.Offset, Consumer, spec.DebounceUs, GpioAbi.FlagBiasPullUp),
                PinMode.InputPullDown => chip.RequestInput(loc.Offset, Consumer, spec.DebounceUs, GpioAbi.FlagBiasPullDown),
                _ => chip.RequestInput(loc.Offset, Consumer, spec.DebounceUs),
            });
            _requests[pinNumber] = r;
            _modes[pinNumber] = mode;
            if (mode != PinMode.Output)
            {
                _inputsVersion++;
                if (_reader is null)
                {
                    _reader = new Thread(ReadEdges) { IsBackground = true, Name = "panel-gpio" };
                    _reader.Start();
                }
            }
        }
    }

    /// <inheritdoc/>
    protected override PinMode GetPinMode(int pinNumber)
    {
        CheckPin(pinNumber);
        lock (_lock) return _modes[pinNumber] ?? PinMode.Input;
    }

    /// <inheritdoc/>
    protected override bool IsPinModeSupported(int pinNumber, PinMode mode) =>
        mode is PinMode.Input or PinMode.InputPullUp or PinMode.InputPullDown or PinMode.Output;

    /// <inheritdoc/>
    protected override PinValue Read(int pinNumber)
    {
        var r = RequestOf(pinNumber, "read");
        try
        {
            return r.GetValue() ? PinValue.High : PinValue.Low;
        }
        catch (GpioException ex)
        {
            throw new IOException($"GPIO line {_names[pinNumber]}: {ex.Message}", ex);
        }
    }

    /// <inheritdoc/>
    protected override void Write(int pinNumber, PinValue value)
    {
        var r = RequestOf(pinNumber, "write");
        try
        {
            r.SetValue(value == PinValue.High);
        }
        catch (ObjectDisposedException)
        {
            // Closed by another thread in the meantime (shutdown): a released line is not driven any more.
        }
        catch (GpioException ex)
        {
            throw new IOException($"GPIO line {_names[pinNumber]}: {ex.Message}", ex);
        }
    }

    GpioLineRequest RequestOf(int pin, string what)
    {
        CheckPin(pin);
        lock (_lock)
            return _requests[pin] ?? throw new InvalidOperationException($"cannot {what} GPIO line {_names[pin]}: its mode was never set (the line is not requested)");
    }

    void ReadEdges()
    {
        Interop.NativeThread.NameCurrent("panel-gpio");
        var events = new GpioV2LineEvent[16];
        var pins = new List<int>();
        var reqs = new List<GpioLineRequest>();
        int version = -1;
        try
        {
            while (!_stopping)
            {
                lock (_lock)
                {
                    if (version != _inputsVersion)
                    {
                        version = _inputsVersion;
                        pins.Clear();
                        reqs.Clear();
                        for (int i = 0; i < _requests.Length; i++)
                        {
                            if (_requests[i] is { } r && _modes[i] != PinMode.Output)
                            {
                                pins.Add(i);
                                reqs.Add(r);
                            }
                        }
                    }
                }
                if (reqs.Count == 0)
                {
                    Thread.Sleep(PollTimeoutMs); // nothing to poll yet: a line requested later is picked up within this
                    continue;
                }
                PollOnce(pins, reqs, events);
            }
        }
        catch (Exception ex)
        {
            if (_stopping) return;
            _log.Fatal(ex, "GPIO edge reader failed; the panel's inputs can no longer be read");
            RaiseFailed(ex);
        }
    }

    void PollOnce(List<int> pins, List<GpioLineRequest> reqs, GpioV2LineEvent[] events)
    {
        int n = reqs.Count;
        Span<int> fds = stackalloc int[n];
        Span<bool> readable = stackalloc bool[n];
        Span<bool> added = stackalloc bool[n];
        try
        {
            for (int i = 0; i < n; i++)
            {
                bool ok = false;
                try { reqs[i].Handle.DangerousAddRef(ref ok); }
                catch (ObjectDisposedException) { return; } // closed since the list was built: rebuild it
                added[i] = ok;
                fds[i] = (int)reqs[i].Handle.DangerousGetHandle();
            }
            if (!GpioPoll.Wait(fds, readable, PollTimeoutMs)) return;
            _batch.Clear();
            for (int i = 0; i < n; i++)
            {
                if (!readable[i]) continue;
                int pin = pins[i];
                lock (_lock)
                {
                    if (!ReferenceEquals(_requests[pin], reqs[i])) continue; // closed or re-requested meanwhile
                }
                int k = reqs[i].ReadEvents(events);
                for (int e = 0; e < k; e++) _batch.Add((pin, events[e]));
            }
            // Edges of different lines that one wake-up found are delivered in the order the kernel stamped them, not
            // in line order: a stop released just before the reset button is pressed must be seen released first.
            if (_batch.Count > 1) _batch.Sort(static (a, b) => a.Event.TimestampNs.CompareTo(b.Event.TimestampNs));
            foreach (var (pin, ev) in _batch)
                RaiseEdge(pin, ev.Id == GpioAbi.EventRisingEdge ? PinEventTypes.Rising : PinEventTypes.Falling, (long)ev.TimestampNs, ev.LineSeqno);
        }
        finally
        {
            for (int i = 0; i < n; i++) if (added[i]) reqs[i].Handle.DangerousRelease();
        }
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            lock (_lock)
            {
                if (_disposed) return;
                _disposed = true;
            }
            _stopping = true;
            if (_reader is not null && !_reader.Join(TimeSpan.FromSeconds(2)))
                _log.Warning("GPIO edge reader did not stop within 2 s");
            lock (_lock)
            {
                for (int i = 0; i < _requests.Length; i++)
                {
                    _requests[i]?.Dispose();
                    _requests[i] = null;
                    _modes[i] = null;
                }
            }
        }
        base.Dispose(disposing);
    }
}
