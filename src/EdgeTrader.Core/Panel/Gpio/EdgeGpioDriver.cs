using System.Device.Gpio;

namespace EdgeTrader.Panel.Gpio;

/// <summary>
/// What EdgeTrader's two <see cref="GpioDriver"/>s (the uAPI driver and the sim driver) share: callback bookkeeping per
/// pin and event type, <c>WaitForEvent</c> on top of it, and a failure event. Subclasses call <see cref="RaiseEdge"/>
/// from their own thread for every edge of an input line; callbacks run on that thread and must be quick.
/// </summary>
public abstract class EdgeGpioDriver : GpioDriver
{
    readonly object _callbacksLock = new();
    // Copy-on-write per pin, so that raising never holds the lock while user code runs.
    readonly Dictionary<int, (PinEventTypes Types, PinChangeEventHandler Handler)[]> _callbacks = [];

    /// <summary>
    /// Raised when the driver can no longer report its inputs (the GPIO device failed under it). A panel must then treat
    /// every stop input as demanded: an input that cannot be read is not a released one.
    /// </summary>
    public event Action<Exception>? Failed;

    /// <summary>The line names, by pin number (pin = index in the configured list).</summary>
    public abstract IReadOnlyList<string> LineNames { get; }

    /// <summary>What was opened, for logs and status.</summary>
    public abstract string Description { get; }

    /// <summary>Delivers one edge to the callbacks registered for <paramref name="pin"/> and its type.</summary>
    protected void RaiseEdge(int pin, PinEventTypes type, long timestampNs, uint sequence)
    {
        (PinEventTypes Types, PinChangeEventHandler Handler)[]? list;
        lock (_callbacksLock) _callbacks.TryGetValue(pin, out list);
        if (list is null) return;
        GpioEdgeEventArgs? args = null;
        foreach (var (types, handler) in list)
        {
            if ((types & type) == 0) continue;
            args ??= new GpioEdgeEventArgs(type, pin, timestampNs, sequence);
            handler(this, args);
        }
    }

    /// <summary>Reports that the inputs cannot be read any more (see <see cref="Failed"/>).</summary>
    protected void RaiseFailed(Exception ex) => Failed?.Invoke(ex);

    /// <summary>Forgets every callback of a pin (on close).</summary>
    protected void ForgetCallbacks(int pin)
    {
        lock (_callbacksLock) _callbacks.Remove(pin);
    }

    /// <inheritdoc/>
    protected override void AddCallbackForPinValueChangedEvent(int pinNumber, PinEventTypes eventTypes, PinChangeEventHandler callback)
    {
        CheckPin(pinNumber);
        lock (_callbacksLock)
        {
            _callbacks.TryGetValue(pinNumber, out var list);
            _callbacks[pinNumber] = [.. list ?? [], (eventTypes, callback)];
        }
    }

    /// <inheritdoc/>
    protected override void RemoveCallbackForPinValueChangedEvent(int pinNumber, PinChangeEventHandler callback)
    {
        lock (_callbacksLock)
        {
            if (!_callbacks.TryGetValue(pinNumber, out var list)) return;
            var rest = list.Where(c => c.Handler != callback).ToArray();
            if (rest.Length == 0) _callbacks.Remove(pinNumber);
            else _callbacks[pinNumber] = rest;
        }
    }

    /// <inheritdoc/>
    protected override WaitForEventResult WaitForEvent(int pinNumber, PinEventTypes eventTypes, CancellationToken cancellationToken)
    {
        using var seen = new ManualResetEventSlim();
        PinEventTypes got = PinEventTypes.None;
        void OnEdge(object sender, PinValueChangedEventArgs e)
        {
            got = e.ChangeType;
            seen.Set();
        }
        AddCallbackForPinValueChangedEvent(pinNumber, eventTypes, OnEdge);
        try
        {
            seen.Wait(cancellationToken);
            return new WaitForEventResult { EventTypes = got, TimedOut = false };
        }
        catch (OperationCanceledException)
        {
            return new WaitForEventResult { EventTypes = PinEventTypes.None, TimedOut = true };
        }
        finally
        {
            RemoveCallbackForPinValueChangedEvent(pinNumber, OnEdge);
        }
    }

    /// <inheritdoc/>
    protected override int PinCount => LineNames.Count;

    /// <summary>Throws for a pin number that names no configured line.</summary>
    protected void CheckPin(int pin)
    {
        if ((uint)pin >= (uint)LineNames.Count)
            throw new ArgumentOutOfRangeException(nameof(pin), pin, $"pin {pin} is not one of the {LineNames.Count} configured lines");
    }
}
