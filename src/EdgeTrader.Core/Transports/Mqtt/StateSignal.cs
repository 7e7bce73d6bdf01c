namespace EdgeTrader.Transports.Mqtt;

/// <summary>
/// "This node's state must go out": set by any thread (a breaker transition, a stale state seen on its own topic, a
/// connect), taken by the one publisher. Sets coalesce: the publisher reads the breaker's state when it publishes, so
/// one publish after any number of sets sends the latest state.
/// </summary>
internal sealed class StateSignal
{
    readonly object _lock = new();
    bool _set;
    TaskCompletionSource? _waiter;

    /// <summary>Marks the state as to be published and wakes the publisher.</summary>
    public void Set()
    {
        TaskCompletionSource? w;
        lock (_lock)
        {
            _set = true;
            w = _waiter;
            _waiter = null;
        }
        w?.TrySetResult();
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

    /// <summary>Waits until the mark is set, then takes it.</summary>
    public async Task TakeAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task wait;
            lock (_lock)
            {
                if (_set)
                {
                    _set = false;
                    return;
                }
                _waiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                wait = _waiter.Task;
            }
            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
