using System.Text;
using EdgeTrader.Configuration;
using EdgeTrader.Interop.Gpio;
using Serilog;

namespace EdgeTrader.Panel.Drivers;

/// <summary>
/// The physical panel on the Linux GPIO character device (uAPI v2). Lines are found by name on any /dev/gpiochip*
/// (or on <see cref="PanelOptions.Chip"/> only) and requested with the consumer label "edgetrader".
/// <list type="bullet">
/// <item>Emergency stop: input, both edges, kernel debounce <see cref="PanelOptions.DebounceMs"/>. Line HIGH = active:
/// the NC contact to ground opens when pressed, and a cut wire reads the same as a press (the pull-up wins).</item>
/// <item>Reset: input, both edges, same debounce. Line LOW = held (momentary contact to ground, pull-up).</item>
/// <item>LEDs: push-pull, active-high outputs, requested already off.</item>
/// </list>
/// No bias flags are requested by default: the pull-ups are part of the wiring (hw/README.md). Edges are read on a
/// dedicated thread and carry the kernel's CLOCK_MONOTONIC timestamp. Until <see cref="Start"/> has read the real
/// levels, and after the GPIO device fails, the emergency stop reads active: an unknown panel never allows a reset.
/// </summary>
public sealed class GpioPanelDriver : IPanelDriver
{
    /// <summary>The consumer label the kernel shows for our lines (gpioinfo, GPIO_V2_GET_LINEINFO).</summary>
    public const string Consumer = "edgetrader";

    /// <summary>How long the edge reader blocks in poll before it looks at the stop flag (bounds Dispose).</summary>
    internal const int PollTimeoutMs = 100;

    readonly PanelOptions _options;
    readonly GpioInputBias _bias;
    readonly ILogger _log;
    readonly object _lock = new();
    readonly GpioLineRequest?[] _leds = new GpioLineRequest?[3];
    GpioLineRequest? _estop;
    GpioLineRequest? _reset;
    Thread? _reader;
    volatile bool _stopping;
    volatile bool _estopActive = true; // fail-safe until the real level is known
    volatile bool _resetActive;
    bool _started;
    bool _disposed;
    string _description = "gpio (not started)";

    /// <summary>Creates the driver; nothing is opened until <see cref="Start"/>.</summary>
    public GpioPanelDriver(PanelOptions options, ILogger log) : this(options, log, GpioInputBias.AsIs) { }

    /// <summary>
    /// Creates the driver with an input bias. <see cref="GpioInputBias.PullUp"/> asks the kernel for the SoC's internal
    /// pull-up on both inputs (Raspberry Pi pins 9-27 default to pull-down, so without an external pull-up or a
    /// config.txt "gpio=17,27=ip,pu" line a cut e-stop wire would read low = released).
    /// </summary>
    public GpioPanelDriver(PanelOptions options, ILogger log, GpioInputBias bias)
    {
        _options = options;
        _bias = bias;
        _log = log.ForContext<GpioPanelDriver>();
    }

    /// <inheritdoc/>
    public string Name => "gpio";

    /// <inheritdoc/>
    public string Description { get { lock (_lock) return _description; } }

    /// <inheritdoc/>
    public event Action<PanelInputEvent>? InputChanged;

    /// <inheritdoc/>
    public bool IsActive(PanelInput input) => input == PanelInput.EmergencyStop ? _estopActive : _resetActive;

    /// <inheritdoc/>
    public void SetLed(PanelLed led, bool on)
    {
        GpioLineRequest? line;
        lock (_lock)
        {
            if (_disposed) return;
            line = _leds[(int)led];
        }
        try
        {
            line?.SetValue(on);
        }
        catch (ObjectDisposedException)
        {
            // Dispose won the race; it switches every lamp off itself.
        }
    }

    /// <inheritdoc/>
    public void Start()
    {
        lock (_lock)
        {
            if (_disposed) throw new ObjectDisposedException(nameof(GpioPanelDriver));
            if (_started) throw new InvalidOperationException("the gpio panel driver is already started");
            _started = true;
        }
        var roles = new (string Key, string Line)[]
        {
            ("panel.emergencyStopLine", _options.EmergencyStopLine),
            ("panel.resetLine", _options.ResetLine),
            ("panel.greenLedLine", _options.GreenLedLine),
            ("panel.redLedLine", _options.RedLedLine),
            ("panel.amberLedLine", _options.AmberLedLine),
        };
        foreach (var (key, line) in roles)
        {
            if (string.IsNullOrWhiteSpace(line)) throw new PanelException($"{key} is empty: name the GPIO line, e.g. \"GPIO17\"");
        }
        var dup = roles.GroupBy(r => r.Line, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null)
            throw new PanelException($"GPIO line {dup.Key} is configured twice ({string.Join(", ", dup.Select(d => d.Key))}): every panel signal needs its own line");

        GpioScan scan;
        try
        {
            scan = GpioLineFinder.Scan(_options.Chip);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            throw new PanelException($"cannot scan the GPIO chips: {ex.Message}", ex);
        }
        var locations = Resolve(roles, scan);
        var opened = new List<GpioLineRequest>();
        try
        {
            uint debounceUs = (uint)Math.Max(0, _options.DebounceMs) * 1000;
            var estop = RequestLine(locations[0], roles[0].Key, l => l.RequestInput(locations[0].Offset, Consumer, debounceUs, _bias == GpioInputBias.PullUp), opened);
            var reset = RequestLine(locations[1], roles[1].Key, l => l.RequestInput(locations[1].Offset, Consumer, debounceUs, _bias == GpioInputBias.PullUp), opened);
            var leds = new GpioLineRequest[3];
            for (int i = 0; i < 3; i++)
            {
                var loc = locations[2 + i];
                leds[i] = RequestLine(loc, roles[2 + i].Key, l => l.RequestOutput(loc.Offset, Consumer, initial: false), opened);
            }
            // Levels read after the requests: an edge in between is queued and deduplicated by the reader.
            bool estopHigh = estop.GetValue();
            bool resetHigh = reset.GetValue();
            lock (_lock)
            {
                _estop = estop;
                _reset = reset;
                for (int i = 0; i < 3; i++) _leds[i] = leds[i];
                _description = Describe(locations, debounceUs);
            }
            _estopActive = estopHigh;
            _resetActive = !resetHigh;
            long startNs = MonotonicNs();
            _log.Information("GPIO panel: {Description}; emergency stop {EStop}, reset {Reset}", _description,
                estopHigh ? "ACTIVE (line high)" : "released", resetHigh ? "released" : "held (ignored until released and pressed again)");
            _reader = new Thread(() => ReadEdges(startNs)) { IsBackground = true, Name = "panel-gpio" };
            _reader.Start();
        }
        catch (Exception ex)
        {
            foreach (var r in opened) r.Dispose();
            lock (_lock)
            {
                _estop = _reset = null;
                Array.Clear(_leds);
            }
            if (ex is PanelException) throw;
            if (ex is GpioException g) throw new PanelException($"GPIO panel: {g.Message}", g);
            throw;
        }
    }

    GpioLineLocation[] Resolve((string Key, string Line)[] roles, GpioScan scan)
    {
        string where = _options.Chip.Length > 0 ? $" on chip \"{_options.Chip}\" (panel.chip)" : "";
        if (scan.Chips.Count == 0)
        {
            var sb = new StringBuilder();
            if (scan.Unreadable.Count > 0)
            {
                sb.Append($"cannot open any GPIO chip{where}: ");
                sb.Append(string.Join("; ", scan.Unreadable.Select(e => e.Message)));
                if (scan.Unreadable.Any(e => e.Errno is GpioNative.EACCES or GpioNative.EPERM)) sb.Append(". ").Append(PermissionHint);
                if (scan.Unreadable.Any(e => e.Errno == GpioNative.ENOTTY)) sb.Append(". The GPIO character device uAPI v2 needs Linux 5.10 or newer");
            }
            else
            {
                var all = GpioChip.DevicePaths();
                sb.Append(all.Count == 0
                    ? "no GPIO character device (/dev/gpiochip*) exists: this kernel has no GPIO chip or no CONFIG_GPIO_CDEV"
                    : $"no GPIO chip matches panel.chip \"{_options.Chip}\" (give a label such as pinctrl-rp1, a name such as gpiochip0, or a path; present: {string.Join(", ", all)})");
            }
            throw new PanelException(sb.ToString());
        }
        var found = new GpioLineLocation[roles.Length];
        var missing = new List<string>();
        for (int i = 0; i < roles.Length; i++)
        {
            var loc = scan.Find(roles[i].Line, out var dups);
            if (loc is null) { missing.Add($"{roles[i].Line} ({roles[i].Key})"); continue; }
            if (dups.Count > 0)
                _log.Warning("GPIO line {Line} exists on several chips; using {Chip} offset {Offset}, also on {Others}: set panel.chip to choose",
                    roles[i].Line, loc.Chip.Path, loc.Offset, string.Join(", ", dups.Select(d => $"{d.Chip.Path}:{d.Offset}")));
            found[i] = loc;
        }
        if (missing.Count > 0)
        {
            var sb = new StringBuilder();
            sb.Append(missing.Count == 1 ? "GPIO line " : "GPIO lines ").Append(string.Join(", ", missing)).Append(" not found").Append(where).Append(". ");
            sb.Append("Line names that exist: ");
            sb.Append(string.Join("; ", scan.Chips.Select(c =>
            {
                var names = c.Lines.Where(l => l.Name.Length > 0).Select(l => l.Name).ToArray();
                return $"{c.Chip.Path} [{c.Chip.Label}]: {(names.Length > 0 ? string.Join(" ", names) : "(no named lines)")}";
            })));
            if (scan.Unreadable.Count > 0)
            {
                sb.Append(". Not searched: ").Append(string.Join("; ", scan.Unreadable.Select(e => e.Message)));
                if (scan.Unreadable.Any(e => e.Errno is GpioNative.EACCES or GpioNative.EPERM)) sb.Append(". ").Append(PermissionHint);
            }
            throw new PanelException(sb.ToString());
        }
        return found;
    }

    const string PermissionHint =
        "Permission denied: add the user that runs edgetrader to group 'gpio' (the owner group of /dev/gpiochip* on Raspberry Pi OS), " +
        "or run it as the edgetrader service user, whose systemd unit allows the device (DeviceAllow=char-gpiochip rw)";

    static GpioLineRequest RequestLine(GpioLineLocation loc, string key, Func<GpioChip, GpioLineRequest> request, List<GpioLineRequest> opened)
    {
        GpioChip chip;
        try
        {
            chip = GpioChip.Open(loc.Chip.Path);
        }
        catch (GpioException ex) when (ex.Errno is GpioNative.EACCES or GpioNative.EPERM)
        {
            throw new PanelException($"cannot open {loc.Chip.Path} for GPIO line {loc.Name} ({key}): {ex.Message}. {PermissionHint}", ex);
        }
        using (chip)
        {
            try
            {
                var r = request(chip);
                opened.Add(r);
                return r;
            }
            catch (GpioException ex) when (ex.Errno == GpioNative.EBUSY)
            {
                string holder;
                try
                {
                    var info = chip.GetLineInfo(loc.Offset);
                    holder = info.Consumer.Length > 0
                        ? $"held by consumer \"{info.Consumer}\""
                        : "held by a kernel driver (no consumer label; check device-tree overlays such as w1-gpio or gpio-keys)";
                }
                catch (GpioException)
                {
                    holder = "held by another user (its consumer could not be read)";
                }
                throw new PanelException(
                    $"GPIO line {loc.Name} ({key}, {loc.Chip.Path} offset {loc.Offset}) is busy: {holder}. " +
                    "Stop the other program (or service) that uses it, or wire the panel to free lines and change the configuration", ex);
            }
            catch (GpioException ex) when (ex.Errno is GpioNative.EACCES or GpioNative.EPERM)
            {
                throw new PanelException($"GPIO line {loc.Name} ({key}): {ex.Message}. {PermissionHint}", ex);
            }
            catch (GpioException ex)
            {
                throw new PanelException($"cannot request GPIO line {loc.Name} ({key}, {loc.Chip.Path} offset {loc.Offset}): {ex.Message}", ex);
            }
        }
    }

    static string Describe(GpioLineLocation[] l, uint debounceUs)
    {
        static string At(GpioLineLocation x) => $"{x.Name}@{x.Chip.Path}:{x.Offset}";
        return $"gpio [{l[0].Chip.Label}] emergencyStop={At(l[0])} (high=stop) reset={At(l[1])} (low=held) " +
               $"debounce={debounceUs / 1000}ms leds green={At(l[2])} red={At(l[3])} amber={At(l[4])}";
    }

    void ReadEdges(long startNs)
    {
        GpioLineRequest estop, reset;
        lock (_lock)
        {
            if (_estop is null || _reset is null) return;
            estop = _estop;
            reset = _reset;
        }
        bool estopRef = false, resetRef = false;
        try
        {
            estop.Handle.DangerousAddRef(ref estopRef);
            reset.Handle.DangerousAddRef(ref resetRef);
            Span<int> fds = [(int)estop.Handle.DangerousGetHandle(), (int)reset.Handle.DangerousGetHandle()];
            Span<bool> readable = stackalloc bool[2];
            var events = new GpioV2LineEvent[16];

            if (_estopActive) Raise(new PanelInputEvent(PanelInput.EmergencyStop, true, startNs));
            while (!_stopping)
            {
                if (!GpioPoll.Wait(fds, readable, PollTimeoutMs)) continue;
                for (int i = 0; i < 2; i++)
                {
                    if (!readable[i]) continue;
                    var input = i == 0 ? PanelInput.EmergencyStop : PanelInput.Reset;
                    int n = (i == 0 ? estop : reset).ReadEvents(events);
                    for (int k = 0; k < n; k++) OnEdge(input, events[k]);
                }
            }
        }
        catch (Exception ex)
        {
            if (_stopping) return;
            // The panel can no longer be read: fail safe as if the stop were pressed.
            _log.Fatal(ex, "GPIO panel edge reader failed; treating the emergency stop as pressed");
            _estopActive = true;
            Raise(new PanelInputEvent(PanelInput.EmergencyStop, true, MonotonicNs()));
        }
        finally
        {
            if (estopRef) estop.Handle.DangerousRelease();
            if (resetRef) reset.Handle.DangerousRelease();
        }
    }

    void OnEdge(PanelInput input, in GpioV2LineEvent ev)
    {
        bool high = ev.Id == GpioAbi.EventRisingEdge;
        bool active = input == PanelInput.EmergencyStop ? high : !high;
        if (input == PanelInput.EmergencyStop)
        {
            if (_estopActive == active) return; // duplicate of the level read at start
            _estopActive = active;
        }
        else
        {
            if (_resetActive == active) return;
            _resetActive = active;
        }
        Raise(new PanelInputEvent(input, active, (long)ev.TimestampNs));
    }

    void Raise(PanelInputEvent e)
    {
        try
        {
            InputChanged?.Invoke(e);
        }
        catch (Exception ex)
        {
            _log.Error(ex, "panel input handler failed for {Input}", e.Input.ToString());
        }
    }

    static long MonotonicNs() => PanelController.MonotonicNs();

    /// <summary>Stops the edge reader, drives every lamp off, releases the lines.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed) return;
            _disposed = true;
        }
        _stopping = true;
        if (_reader is not null && !_reader.Join(TimeSpan.FromSeconds(2)))
            _log.Warning("GPIO panel edge reader did not stop within 2 s");
        GpioLineRequest? estop, reset;
        GpioLineRequest?[] leds;
        lock (_lock)
        {
            estop = _estop;
            reset = _reset;
            leds = (GpioLineRequest?[])_leds.Clone();
            _estop = _reset = null;
            Array.Clear(_leds);
        }
        foreach (var led in leds)
        {
            if (led is null) continue;
            try { led.SetValue(false); } // released outputs keep their level on most SoCs: leave them dark
            catch (GpioException ex) { _log.Warning("cannot switch a lamp off at shutdown: {Error}", ex.Message); }
            led.Dispose();
        }
        estop?.Dispose();
        reset?.Dispose();
    }
}

/// <summary>Bias asked of the kernel on the panel inputs.</summary>
public enum GpioInputBias
{
    /// <summary>Leave the pin's bias as the board configured it (external pull-ups, or config.txt). Default.</summary>
    AsIs,
    /// <summary>Request the internal pull-up (GPIO_V2_LINE_FLAG_BIAS_PULL_UP).</summary>
    PullUp,
}
