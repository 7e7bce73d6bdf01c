using System.Device.Gpio;

namespace EdgeTrader.Panel.Gpio;

/// <summary>
/// An in-process GPIO chip for the demo and the tests, with the behaviour of a real line (the same contract suite runs
/// against it and against the uAPI driver): each line has an outside level (<see cref="SetInput"/>, like a contact or
/// a pull); an input reads that level from the moment it is opened and raises an edge on every change; an output
/// drives its own level until it is closed, after which the line shows the outside level again (a released relay
/// line falls back to its pull-down). No debounce: a simulated contact does not bounce unless a test makes it.
/// </summary>
public sealed class SimGpioDriver : EdgeGpioDriver
{
    readonly string[] _names;
    readonly object _lock = new();
    readonly bool[] _outside;
    readonly bool[] _driven;
    readonly PinMode?[] _mode;
    readonly uint[] _seq;

    readonly TimeProvider _clock;
    readonly long _clockBase;

    /// <summary>
    /// A chip whose pin i is the line <paramref name="lineNames"/>[i]; every outside level starts low. Edges are stamped
    /// from <paramref name="clock"/> (default the system's monotonic clock, as the kernel stamps them; tests pass their
    /// fake clock so that a hold of 1 s of fake time is 1 s between the stamps).
    /// </summary>
    public SimGpioDriver(IReadOnlyList<string> lineNames, TimeProvider? clock = null)
    {
        _clock = clock ?? TimeProvider.System;
        _clockBase = _clock.GetTimestamp();
        _names = [.. lineNames];
        _outside = new bool[_names.Length];
        _driven = new bool[_names.Length];
        _mode = new PinMode?[_names.Length];
        _seq = new uint[_names.Length];
    }

    /// <summary>Raised (on the caller's thread) when what a line shows changes: an output written, or released.</summary>
    public event Action<int, bool>? LineChanged;

    /// <inheritdoc/>
    public override IReadOnlyList<string> LineNames => _names;

    /// <inheritdoc/>
    public override string Description => $"sim [{string.Join(" ", _names)}] (in process)";

    /// <summary>The pin of a line name, or -1.</summary>
    public int PinOf(string name) => Array.IndexOf(_names, name);

    /// <summary>
    /// Sets the outside level of a line (a contact closing to ground = low, opening against a pull-up = high). An open
    /// input raises an edge when its level changes; an output ignores it until released.
    /// </summary>
    public void SetInput(int pin, bool high)
    {
        CheckPin(pin);
        uint seq;
        lock (_lock)
        {
            if (_outside[pin] == high) return;
            _outside[pin] = high;
            if (_mode[pin] is not (PinMode.Input or PinMode.InputPullUp or PinMode.InputPullDown)) return;
            seq = ++_seq[pin];
        }
        RaiseEdge(pin, high ? PinEventTypes.Rising : PinEventTypes.Falling, StampNs(), seq);
    }

    /// <summary>Sets the outside level of a line and raises no edge: an edge the kernel lost (its queue overflowed).</summary>
    public void SetInputWithoutEdge(int pin, bool high)
    {
        CheckPin(pin);
        lock (_lock) _outside[pin] = high;
    }

    long StampNs() =>
        _clock == TimeProvider.System
            ? MonotonicClock.NowNs()
            : _clock.GetElapsedTime(_clockBase).Ticks * 100; // another clock (a test's): ns since this chip was made

    /// <summary>What the line shows now, as a meter on it would read: the driven level of an open output, else the outside level.</summary>
    public bool LineLevel(int pin)
    {
        CheckPin(pin);
        lock (_lock) return _mode[pin] == PinMode.Output ? _driven[pin] : _outside[pin];
    }

    /// <summary>True while the pin is open (requested).</summary>
    public bool IsOpen(int pin)
    {
        CheckPin(pin);
        lock (_lock) return _mode[pin] is not null;
    }

    /// <inheritdoc/>
    protected override void OpenPin(int pinNumber)
    {
        CheckPin(pinNumber);
        lock (_lock) _mode[pinNumber] ??= PinMode.Input;
    }

    /// <inheritdoc/>
    protected override void ClosePin(int pinNumber)
    {
        CheckPin(pinNumber);
        bool changed;
        lock (_lock)
        {
            changed = _mode[pinNumber] == PinMode.Output && _driven[pinNumber] != _outside[pinNumber];
            _mode[pinNumber] = null;
        }
        ForgetCallbacks(pinNumber);
        if (changed) LineChanged?.Invoke(pinNumber, LineLevel(pinNumber));
    }

    /// <inheritdoc/>
    protected override void SetPinMode(int pinNumber, PinMode mode) => SetPinMode(pinNumber, mode, PinValue.Low);

    /// <inheritdoc/>
    protected override void SetPinMode(int pinNumber, PinMode mode, PinValue initialValue)
    {
        CheckPin(pinNumber);
        if (!IsPinModeSupported(pinNumber, mode)) throw new InvalidOperationException($"sim line {_names[pinNumber]} does not support {mode}");
        bool before, after;
        lock (_lock)
        {
            before = _mode[pinNumber] == PinMode.Output ? _driven[pinNumber] : _outside[pinNumber];
            _mode[pinNumber] = mode;
            if (mode == PinMode.Output) _driven[pinNumber] = initialValue == PinValue.High;
            after = mode == PinMode.Output ? _driven[pinNumber] : _outside[pinNumber];
        }
        if (before != after) LineChanged?.Invoke(pinNumber, after);
    }

    /// <inheritdoc/>
    protected override PinMode GetPinMode(int pinNumber)
    {
        CheckPin(pinNumber);
        lock (_lock) return _mode[pinNumber] ?? PinMode.Input;
    }

    /// <inheritdoc/>
    protected override bool IsPinModeSupported(int pinNumber, PinMode mode) =>
        mode is PinMode.Input or PinMode.InputPullUp or PinMode.InputPullDown or PinMode.Output;

    /// <inheritdoc/>
    protected override PinValue Read(int pinNumber) => LineLevel(pinNumber) ? PinValue.High : PinValue.Low;

    /// <inheritdoc/>
    protected override void Write(int pinNumber, PinValue value)
    {
        CheckPin(pinNumber);
        bool high = value == PinValue.High, changed;
        lock (_lock)
        {
            if (_mode[pinNumber] != PinMode.Output) return;
            changed = _driven[pinNumber] != high;
            _driven[pinNumber] = high;
        }
        if (changed) LineChanged?.Invoke(pinNumber, high);
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            for (int i = 0; i < _names.Length; i++)
                if (IsOpen(i)) ClosePin(i);
        }
        base.Dispose(disposing);
    }
}
