namespace EdgeTrader.KillSwitch;

/// <summary>Something that may veto a reset, e.g. the emergency-stop button while it is pressed or its wire is broken.</summary>
public interface IResetInterlock
{
    /// <summary>Null when a reset may proceed; otherwise the reason it must be refused, shown to the operator.</summary>
    string? WhyResetIsRefused();
}

/// <summary>Persists every transition before it is acknowledged (see <c>Persistence.BreakerStateFile</c>).</summary>
public interface IBreakerStateStore
{
    /// <summary>Durably stores <paramref name="state"/>; throws when it cannot (the breaker then stays or becomes ENGAGED).</summary>
    void Save(BreakerState state);
}

/// <summary>Outcome of a reset request.</summary>
/// <param name="Done">True when the breaker is now SAFE.</param>
/// <param name="RefusedBecause">Why not, when <paramref name="Done"/> is false.</param>
/// <param name="State">The state after the request.</param>
public readonly record struct ResetResult(bool Done, string? RefusedBecause, BreakerState State);

/// <summary>
/// The kill switch: a SAFE/ENGAGED latch. Anything may engage it, from any thread, at any time; engagement is
/// idempotent and closes every gate with a single reference write before anything else happens (persisting,
/// notifying). Only <see cref="Reset"/> leaves ENGAGED: never a timer, never a restart. Gates read
/// <see cref="IsEngaged"/>, which is one volatile read and takes no lock.
/// </summary>
public sealed class CircuitBreaker
{
    readonly object _transitionLock = new();
    readonly TimeProvider _time;
    readonly IBreakerStateStore? _store;
    readonly List<IResetInterlock> _interlocks = [];
    readonly List<Action<BreakerTransition>> _observers = [];
    volatile BreakerState _state;
    long _lastGatesClosedTimestamp;

    /// <summary>Starts in <paramref name="initial"/>, which is the persisted state (or ENGAGED when that was unreadable).</summary>
    public CircuitBreaker(BreakerState initial, TimeProvider time, IBreakerStateStore? store = null)
    {
        _state = initial;
        _time = time;
        _store = store;
    }

    /// <summary>The gate: true means no order may pass. One volatile read; safe from any thread.</summary>
    public bool IsEngaged => _state.Position == BreakerPosition.Engaged;

    /// <summary>Stopwatch timestamp taken right after the last own engagement closed the gates (latency measurements).</summary>
    public long LastGatesClosedTimestamp => Volatile.Read(ref _lastGatesClosedTimestamp);

    /// <summary>The current state as one consistent snapshot.</summary>
    public BreakerState State => _state;

    /// <summary>
    /// Registers an observer of every transition. Observers run on the thread that made the transition, in transition
    /// order, after the gates have already closed; they must be quick and must not block (enqueue, signal, return).
    /// </summary>
    public void Subscribe(Action<BreakerTransition> observer)
    {
        lock (_transitionLock) _observers.Add(observer);
    }

    /// <summary>Adds a veto on resets (checked on every reset attempt).</summary>
    public void AddResetInterlock(IResetInterlock interlock)
    {
        lock (_transitionLock) _interlocks.Add(interlock);
    }

    /// <summary>
    /// Engages with a new generation (highest seen + 1). When already ENGAGED nothing changes: the first reason stays,
    /// the call is a no-op and returns the current state. On return the gates are closed.
    /// </summary>
    public BreakerState Engage(string reason, BreakerSource source)
    {
        if (_state.IsEngaged) return _state; // idempotent fast path: already latched
        lock (_transitionLock)
        {
            var prev = _state;
            if (prev.IsEngaged) return prev;
            long gen = prev.HighestSeenGeneration + 1;
            var next = prev with
            {
                Position = BreakerPosition.Engaged,
                Generation = gen,
                Reason = string.IsNullOrWhiteSpace(reason) ? "(no reason given)" : reason,
                Source = source,
                Since = _time.GetUtcNow(),
                HighestSeenGeneration = gen,
            };
            _state = next; // gates closed here
            Volatile.Write(ref _lastGatesClosedTimestamp, System.Diagnostics.Stopwatch.GetTimestamp());
            PersistEngaged(next);
            Notify(prev, next);
            return next;
        }
    }

    /// <summary>
    /// A peer reported ENGAGED at <paramref name="peerGeneration"/>. Engages (adopting that generation, source peer)
    /// only when the generation is above the one this node had seen when it was last reset; otherwise it is an
    /// engagement this node's operator already dealt with. Returns true when this call engaged the breaker.
    /// </summary>
    public bool EngageFromPeer(long peerGeneration, string reason)
    {
        lock (_transitionLock)
        {
            var prev = _state;
            if (peerGeneration <= prev.ResetGeneration)
            {
                return false;
            }
            if (prev.IsEngaged)
            {
                if (peerGeneration > prev.HighestSeenGeneration) _state = prev with { HighestSeenGeneration = peerGeneration };
                return false;
            }
            var next = prev with
            {
                Position = BreakerPosition.Engaged,
                Generation = peerGeneration,
                Reason = string.IsNullOrWhiteSpace(reason) ? "peer engaged" : reason,
                Source = BreakerSource.Peer,
                Since = _time.GetUtcNow(),
                HighestSeenGeneration = Math.Max(prev.HighestSeenGeneration, peerGeneration),
            };
            _state = next;
            PersistEngaged(next);
            Notify(prev, next);
            return true;
        }
    }

    /// <summary>Records a generation seen elsewhere (a peer's SAFE state) so that own engagements number above it.</summary>
    public void ObserveGeneration(long generation)
    {
        lock (_transitionLock)
        {
            var prev = _state;
            if (generation > prev.HighestSeenGeneration) _state = prev with { HighestSeenGeneration = generation };
        }
    }

    /// <summary>
    /// The deliberate local act that returns to SAFE. Refused while any interlock vetoes it (e.g. the emergency stop is
    /// pressed) or when the new state cannot be persisted; the breaker then stays ENGAGED. Resetting a SAFE breaker is a no-op.
    /// </summary>
    public ResetResult Reset(string reason, BreakerSource by)
    {
        lock (_transitionLock)
        {
            var prev = _state;
            if (!prev.IsEngaged) return new ResetResult(true, null, prev);
            foreach (var interlock in _interlocks)
            {
                var why = interlock.WhyResetIsRefused();
                if (why is not null) return new ResetResult(false, why, prev);
            }
            var next = prev with
            {
                Position = BreakerPosition.Safe,
                Reason = string.IsNullOrWhiteSpace(reason) ? "reset" : reason,
                Source = by,
                Since = _time.GetUtcNow(),
                ResetGeneration = prev.HighestSeenGeneration,
            };
            try
            {
                _store?.Save(next); // persist before opening the gates: never trade on state we cannot save
            }
            catch (Exception ex)
            {
                return new ResetResult(false, $"cannot persist the breaker state: {ex.Message}", prev);
            }
            _state = next;
            Notify(prev, next);
            return new ResetResult(true, null, next);
        }
    }

    void PersistEngaged(BreakerState next)
    {
        try
        {
            _store?.Save(next);
        }
        catch (Exception)
        {
            // Already ENGAGED in memory, which is the safe side; the store reports its own failure.
        }
    }

    void Notify(BreakerState prev, BreakerState next)
    {
        var t = new BreakerTransition(prev, next);
        foreach (var o in _observers)
        {
            try { o(t); }
            catch (Exception) { /* an observer's failure must not undo or block a transition */ }
        }
    }
}
