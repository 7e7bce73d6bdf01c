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
/// The kill switch: a SAFE/ENGAGED latch. Anything may engage it, from any thread, at any time; engaging closes every
/// gate with a single reference write before anything else happens (persisting, notifying). Only <see cref="Reset"/>
/// leaves ENGAGED: never a timer, never a restart. Gates read <see cref="IsEngaged"/>, which is one volatile read and
/// takes no lock.
/// <para>
/// Transitions are serialised by one lock, which covers only the state change and its save. Observers run after the
/// lock is released, in transition order, one transition at a time (as Polly's <c>ScheduledTaskExecutor</c> schedules
/// circuit callbacks): the thread that made a transition runs the queued observers unless another thread is already
/// running them, so an observer that stalls (a blocked stderr) delays only later notifications, never another engage
/// or reset.
/// </para>
/// <para>
/// An ENGAGED state that cannot be saved stays ENGAGED in memory (the safe side), is reported through
/// <see cref="LatchSaved"/>/<see cref="LatchProblem"/>, is retried every <see cref="SaveRetryInterval"/>, and every
/// reset is refused until it is saved.
/// </para>
/// </summary>
public sealed class CircuitBreaker
{
    /// <summary>How often an ENGAGED state that could not be saved is tried again.</summary>
    public static readonly TimeSpan SaveRetryInterval = TimeSpan.FromSeconds(1);

    readonly object _transitionLock = new();
    readonly TimeProvider _time;
    readonly IBreakerStateStore? _store;
    readonly List<IResetInterlock> _interlocks = [];
    volatile Action<BreakerTransition>[] _observers = [];
    volatile Action<string?>[] _latchObservers = [];
    readonly List<DealtEntry> _seen = []; // not dealt with, seen since the last reset (under _transitionLock)
    readonly Queue<Action> _pending = new();
    readonly object _pendingLock = new();
    bool _draining;
    volatile BreakerState _state;
    volatile string? _latchProblem;
    ITimer? _retryTimer;
    long _lastGatesClosedTimestamp;

    /// <summary>
    /// Starts in <paramref name="initial"/>, the state read at start. <paramref name="initialSaved"/> false (a state
    /// made at start, e.g. ENGAGED because of a storage problem) saves it now, with the usual retry and reporting.
    /// </summary>
    public CircuitBreaker(BreakerState initial, TimeProvider time, IBreakerStateStore? store = null, bool initialSaved = true)
    {
        _state = initial;
        _time = time;
        _store = store;
        if (!initialSaved)
        {
            lock (_transitionLock) Persist(initial);
            Drain();
        }
    }

    /// <summary>The gate: true means no order may pass. One volatile read; safe from any thread.</summary>
    public bool IsEngaged => _state.Position == BreakerPosition.Engaged;

    /// <summary>Stopwatch timestamp taken right after the last own engagement closed the gates (latency measurements).</summary>
    public long LastGatesClosedTimestamp => Volatile.Read(ref _lastGatesClosedTimestamp);

    /// <summary>The current state as one consistent snapshot.</summary>
    public BreakerState State => _state;

    /// <summary>False while the current state could not be saved (then every reset is refused); see <see cref="LatchProblem"/>.</summary>
    public bool LatchSaved => _latchProblem is null;

    /// <summary>Why the current state is not saved, or null when it is.</summary>
    public string? LatchProblem => _latchProblem;

    /// <summary>
    /// Registers an observer of every transition. Observers run after the gates have closed and after the transition
    /// lock is released, in transition order, one at a time; they should be quick (enqueue, signal, return).
    /// </summary>
    public void Subscribe(Action<BreakerTransition> observer)
    {
        lock (_transitionLock) _observers = [.. _observers, observer];
    }

    /// <summary>Registers an observer of the latch's save status: called with the problem when a save fails, and with
    /// null when a retry (or a later save) succeeds. Scheduled like transition observers.</summary>
    public void SubscribeLatchSaved(Action<string?> observer)
    {
        lock (_transitionLock) _latchObservers = [.. _latchObservers, observer];
    }

    /// <summary>Adds a veto on resets (checked on every reset attempt).</summary>
    public void AddResetInterlock(IResetInterlock interlock)
    {
        lock (_transitionLock) _interlocks.Add(interlock);
    }

    /// <summary>
    /// An automatic engagement (a risk limit, a silent link, isolation, a start-up problem re-evaluated): when already
    /// ENGAGED nothing changes, the first reason stays and no new engagement is made. On return the gates are closed.
    /// </summary>
    public BreakerState Engage(string reason, BreakerSource source) => EngageCore(reason, source, renew: false).State;

    /// <summary>
    /// An explicit stop (the CLI, the control socket, an MQTT engage command, a press of the button): a stop for the
    /// whole cluster. On a SAFE node it engages; on an ENGAGED node it makes a new engagement that replaces the current
    /// one (reason, source, identity), which is published, so peers that were reset since engage again. On return the
    /// gates are closed; the result says which of the two happened.
    /// </summary>
    public EngageResult Command(string reason, BreakerSource source) => EngageCore(reason, source, renew: true);

    EngageResult EngageCore(string reason, BreakerSource source, bool renew)
    {
        var current = _state; // one read: a second one could already see a concurrent reset
        if (current.IsEngaged && !renew) return new EngageResult(EngageOutcome.Unchanged, current); // already latched
        EngageResult result;
        lock (_transitionLock)
        {
            var prev = _state;
            if (prev.IsEngaged && !renew) return new EngageResult(EngageOutcome.Unchanged, prev);
            var self = prev.Self.Advance(); // a new incarnation when the counter is at its end: never a number peers refuse
            var next = prev with
            {
                Position = BreakerPosition.Engaged,
                Engagement = self.Latest,
                Reason = string.IsNullOrWhiteSpace(reason) ? "(no reason given)" : reason,
                Source = source,
                Since = _time.GetUtcNow(),
                Self = self,
            };
            _state = next; // gates closed here
            Volatile.Write(ref _lastGatesClosedTimestamp, System.Diagnostics.Stopwatch.GetTimestamp());
            Persist(next);
            Schedule(prev, next);
            result = new EngageResult(prev.IsEngaged ? EngageOutcome.Renewed : EngageOutcome.New, next);
        }
        Drain();
        return result;
    }

    /// <summary>
    /// A peer's retained state. Every engagement it names (the one it is in or was last in, and its own latest) that this
    /// node has not dealt with engages this node (source peer, adopting that engagement's identity) or, when already
    /// ENGAGED, is remembered so that the next reset deals with it. Dealt with means: shown before a reset here by the
    /// same peer or by its origin (see <see cref="EngagementLedger"/>), or this node's own engagement. A peer's own
    /// counter also makes the ledger forget what it holds for it above that counter (never issued, so planted or buggy).
    /// An engagement of this node's origin and incarnation above its counter is not dealt with (its save was lost, or an
    /// older state file was restored): it engages like any other, and raises the counter to it, saved, so that no later
    /// own engagement reuses that identity.
    /// </summary>
    public PeerVerdict EngageFromPeer(PeerReport report) => FromReport(report, ownTopic: false);

    /// <summary>
    /// This node's own retained state as the broker holds it (read back at every connection). Only what it names of this
    /// node's origin and incarnation counts: an own engagement there above the counter (its save was lost, or an older
    /// <c>breaker.json</c> was restored) raises the counter to it, saved, and engages a SAFE node (source startup:
    /// the latch on disk is older than what this node published) or is remembered by an ENGAGED one, as a peer's would be.
    /// </summary>
    public PeerVerdict NoteOwnState(PeerReport report) => FromReport(report, ownTopic: true);

    PeerVerdict FromReport(PeerReport report, bool ownTopic)
    {
        PeerVerdict verdict = PeerVerdict.DealtWith;
        lock (_transitionLock)
        {
            var prev = _state;
            var ledger = prev.Dealt;
            if (!ownTopic && report.Own is { } own && own.Origin == report.Publisher) ledger = ledger.ForgetAbove(own.Origin, own.Incarnation, own.Seq);
            var self = Raised(prev.Self, report);
            EngagementId? fresh = null;
            foreach (var claim in Claims(report))
            {
                if (ownTopic && (claim.Origin != prev.Self.Node || claim.Incarnation != prev.Self.Incarnation)) continue;
                if (IsOwn(prev.Self, claim) || ledger.IsDealtWith(report.Publisher, claim)) continue;
                Remember(DealtEntry.For(report.Publisher, claim));
                fresh ??= claim;
            }
            if (fresh is not null) verdict = PeerVerdict.Seen;
            if (fresh is { } f && !prev.IsEngaged)
            {
                string reason = ownTopic
                    ? $"own engagement {f} is above this node's counter {prev.Self.Counter} (a save was lost, or an older state file was restored)"
                    : string.IsNullOrWhiteSpace(report.Reason) ? $"peer {report.Publisher} engaged" : $"peer {report.Publisher} engaged: {report.Reason}";
                var next = prev with
                {
                    Position = BreakerPosition.Engaged,
                    Engagement = f,
                    Reason = reason,
                    Source = ownTopic ? BreakerSource.Startup : BreakerSource.Peer,
                    Since = _time.GetUtcNow(),
                    Dealt = ledger,
                    Self = self,
                };
                _state = next;
                Persist(next);
                Schedule(prev, next);
                verdict = PeerVerdict.Engaged;
            }
            else if (!ReferenceEquals(ledger, prev.Dealt) || self != prev.Self)
            {
                // Only forgets what was held for a peer, or raises the own counter: saved, not a transition.
                var next = prev with { Dealt = ledger, Self = self };
                _state = next;
                Persist(next);
            }
        }
        Drain();
        return verdict;
    }

    static NodeIdentity Raised(NodeIdentity self, PeerReport r)
    {
        foreach (var claim in Claims(r)) self = self.RaisedBy(claim);
        return self;
    }

    static IEnumerable<EngagementId> Claims(PeerReport r)
    {
        if (r.Current is { } c) yield return c;
        if (r.Own is { } o && o != r.Current) yield return o;
    }

    /// <summary>This node's own engagement (made here, in this incarnation): this node knows exactly what became of it.</summary>
    static bool IsOwn(NodeIdentity self, EngagementId claim) =>
        claim.Origin == self.Node && claim.Incarnation == self.Incarnation && claim.Seq <= self.Counter;

    void Remember(DealtEntry e)
    {
        int i = _seen.FindIndex(x => x.Publisher == e.Publisher && x.Origin == e.Origin);
        if (i >= 0)
        {
            var old = _seen[i];
            if (old.Incarnation == e.Incarnation && old.Seq >= e.Seq) return;
            _seen.RemoveAt(i);
        }
        _seen.Add(e);
        if (_seen.Count > EngagementLedger.MaxEntries) _seen.RemoveAt(0);
    }

    /// <summary>
    /// The deliberate act that returns to SAFE. Refused while any interlock vetoes it (e.g. the emergency stop is
    /// pressed), while the ENGAGED state is not saved, when <paramref name="expected"/> is given and is not the current
    /// engagement (a signed remote reset names the engagement it clears), or when the new state cannot be persisted; the
    /// breaker then stays ENGAGED. Every engagement this node has seen is then dealt with. Resetting a SAFE breaker is a no-op.
    /// </summary>
    public ResetResult Reset(string reason, BreakerSource by, EngagementId? expected = null)
    {
        ResetResult result;
        lock (_transitionLock)
        {
            var prev = _state;
            if (!prev.IsEngaged) return new ResetResult(true, null, prev);
            if (expected is { } e && prev.Engagement != e)
            {
                return new ResetResult(false, $"the reset names engagement {e}, not the current one ({prev.Engagement?.ToString() ?? "none"})", prev);
            }
            if (_latchProblem is { } unsaved)
            {
                return new ResetResult(false, $"the engagement is not saved yet ({unsaved}): reset refused until it is", prev);
            }
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
                Dealt = prev.Dealt.With(_seen),
            };
            try
            {
                _store?.Save(next); // persist before opening the gates: never trade on state we cannot save
            }
            catch (Exception ex)
            {
                return new ResetResult(false, $"cannot persist the breaker state: {ex.Message}", prev);
            }
            _seen.Clear();
            _state = next;
            Schedule(prev, next);
            result = new ResetResult(true, null, next);
        }
        Drain();
        return result;
    }

    // ---- saving an ENGAGED state (under _transitionLock) ----

    void Persist(BreakerState next)
    {
        if (_store is null) return;
        try
        {
            _store.Save(next);
            if (_latchProblem is not null) SetLatchProblem(null);
        }
        catch (Exception ex)
        {
            // Already ENGAGED in memory, which is the safe side; said in status, logs and lamps, and retried.
            var problem = $"cannot save the breaker state: {ex.Message}";
            if (problem != _latchProblem) SetLatchProblem(problem);
            _retryTimer ??= _time.CreateTimer(_ => RetrySave(), null, SaveRetryInterval, SaveRetryInterval);
        }
    }

    void SetLatchProblem(string? problem)
    {
        _latchProblem = problem;
        if (problem is null)
        {
            _retryTimer?.Dispose();
            _retryTimer = null;
        }
        var observers = _latchObservers;
        lock (_pendingLock)
        {
            _pending.Enqueue(() =>
            {
                foreach (var o in observers)
                {
                    try { o(problem); }
                    catch (Exception) { /* an observer's failure must not undo or block anything */ }
                }
            });
        }
    }

    /// <summary>
    /// Tries to save the current state now, when it is not saved (the last attempt before the process ends). True when
    /// the state is saved; false means the state on disk is older than the one in memory, and a start after the
    /// storage is repaired would not know the current engagement.
    /// </summary>
    public bool TrySaveLatch()
    {
        RetrySave();
        return LatchSaved;
    }

    void RetrySave()
    {
        lock (_transitionLock)
        {
            if (_latchProblem is null) return;
            Persist(_state);
        }
        Drain();
    }

    // ---- observers (scheduled under the lock, run after it) ----

    void Schedule(BreakerState prev, BreakerState next)
    {
        var t = new BreakerTransition(prev, next);
        var observers = _observers;
        lock (_pendingLock)
        {
            _pending.Enqueue(() =>
            {
                foreach (var o in observers)
                {
                    try { o(t); }
                    catch (Exception) { /* an observer's failure must not undo or block a transition */ }
                }
            });
        }
    }

    void Drain()
    {
        lock (_pendingLock)
        {
            if (_draining) return; // another thread is running them: it runs ours too, in order
            _draining = true;
        }
        while (true)
        {
            Action next;
            lock (_pendingLock)
            {
                if (!_pending.TryDequeue(out next!))
                {
                    _draining = false;
                    return;
                }
            }
            next();
        }
    }
}
