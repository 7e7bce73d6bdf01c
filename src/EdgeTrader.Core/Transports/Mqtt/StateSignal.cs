namespace EdgeTrader.Transports.Mqtt;

/// <summary>
/// "This node's state must go out": set by any thread (a breaker transition, a stale state seen on its own topic, a
/// connect), taken by the one publisher. Sets coalesce: the publisher reads the breaker's state when it publishes, so
/// one publish after any number of sets sends the latest state.
/// </summary>
/// <remarks>
/// A set that finds the publisher waiting hands the mark to it and runs it on the setting thread up to its first
/// real wait (the PUBACK): encoding the state and writing the packet to the socket, a few microseconds that never
/// block (the socket write is asynchronous). That saves a thread hop on the engage → peer's gates path.
/// </remarks>
internal sealed class StateSignal
{
    readonly object _lock = new();
    bool _set;
    TaskCompletionSource<bool>? _waiter;
    CancellationTokenRegistration _waiterCancel;

    /// <summary>Marks the state as to be published; a waiting publisher takes the mark at once.</summary>
    public void Set()
    {
        TaskCompletionSource<bool>? w;
        CancellationTokenRegistration cancel;
        lock (_lock)
        {
            w = _waiter;
            cancel = _waiterCancel;
            _waiter = null;
            _waiterCancel = default;
            if (w is null) _set = true;
        }
        if (w is null) return;
        cancel.Dispose(); // after this, the waiter's cancellation has either not run or has finished
        if (!w.TrySetResult(true))
        {
            lock (_lock) _set = true; // its publisher stopped meanwhile: keep the mark for the next one
        }
    }

    /// <summary>Takes the mark if it is set (true), without waiting.</summary>
    public bool TryTake()
    {
        lock (_lock)
        {
            if (!_set) return false;
            _set = false;
            return true;
        }
    }

    /// <summary>
    /// True once the mark was taken (at once when it is set); false when <paramref name="cancellationToken"/> ends the
    /// wait first. One waiter at a time.
    /// </summary>
    public Task<bool> TakeAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_set)
            {
                _set = false;
                return Task.FromResult(true);
            }
            if (cancellationToken.IsCancellationRequested) return Task.FromResult(false);
            if (_waiter is not null) throw new InvalidOperationException("one publisher at a time");
            // Default options on purpose: Set runs the publisher's continuation on its own thread (see remarks).
            var w = new TaskCompletionSource<bool>();
            _waiter = w;
            _waiterCancel = cancellationToken.Register(() =>
            {
                lock (_lock)
                {
                    if (_waiter == w)
                    {
                        _waiter = null;
                        _waiterCancel = default;
                    }
                }
                w.TrySetResult(false);
            });
            return w.Task;
        }
    }
}
