using EdgeTrader.Trading;
using Serilog;

namespace EdgeTrader.Session;

/// <summary>Where the latest cancel_all stands (docs/contract.md §4.2).</summary>
public enum CancelAllState
{
    /// <summary>None was asked for since the start.</summary>
    None,
    /// <summary>The transport refused it (no gateway connected): it did not leave; it is tried again.</summary>
    Unsent,
    /// <summary>Handed to the transport; the gateway has not confirmed it (or its report is still coming in parts).</summary>
    Sent,
    /// <summary>The gateway accepted it (every part of its report came). Orders it did not list stay in flight.</summary>
    Accepted,
    /// <summary>The gateway rejected it: orders may still be working. A fault while it lasts (resets refused).</summary>
    Rejected,
    /// <summary>Dry-run: nothing left the box, nothing to cancel.</summary>
    DryRun,
}

/// <summary>One consistent reading of the cancel_all tracking, for status and metrics.</summary>
/// <param name="RequestId">The latest request's id, or null before the first.</param>
/// <param name="Generation">The engagement it was asked for (0 for a clean stop's while SAFE).</param>
/// <param name="Reason">The reason it carried.</param>
/// <param name="State">Where it stands.</param>
/// <param name="Tries">Times this request was handed to the transport or tried (its resends included).</param>
/// <param name="Affected">Orders the gateway reported for it (every part of its report).</param>
/// <param name="RejectReason">The gateway's reason for the latest rejection of it, or null.</param>
/// <param name="Requests">cancel_all requests made since the start (one per send of <see cref="CancelAllSchedule.Flush"/>).</param>
/// <param name="Attempts">Tries of all requests, resends included.</param>
/// <param name="Reports">Report frames received (every part, every request).</param>
/// <param name="Rejections">Rejected reports received.</param>
public sealed record CancelAllReading(string? RequestId, long Generation, string Reason, CancelAllState State, int Tries, long Affected,
    string? RejectReason, long Requests, long Attempts, long Reports, long Rejections)
{
    /// <summary>Fills booked after the latest request left (orders it did not catch, or that crossed it): booked, and counted here.</summary>
    public long FillsAfter { get; init; }

    /// <summary>The stable lower-case name of <see cref="State"/> (none, unsent, sent, accepted, rejected, dry-run).</summary>
    public string StateName => CancelAllSchedule.Name(State);

    /// <summary>True while the gateway has not confirmed the latest request (unsent, sent, rejected).</summary>
    public bool Unconfirmed => State is CancelAllState.Unsent or CancelAllState.Sent or CancelAllState.Rejected;
}

/// <summary>What a report frame meant for the latest request.</summary>
public enum CancelAllReportOutcome
{
    /// <summary>It answers an earlier request (its ids still count: those orders were cancelled).</summary>
    Stale,
    /// <summary>One part of an accepted report; more follow.</summary>
    Partial,
    /// <summary>The last part of an accepted report: the request is confirmed.</summary>
    Accepted,
    /// <summary>The gateway rejected the request.</summary>
    Rejected,
}

/// <summary>
/// cancel_all on every engagement and its confirmation: requested on the engaging thread (any), sent on the tick thread
/// before anything else goes out, then tracked until the gateway's <c>cancel_all_report</c> confirms it. Requests are
/// counted, not compared by generation (an adopted peer engagement may carry a lower number than an earlier own one):
/// one send covers every request made before it, with the latest reason, under one new request id. A request the
/// transport refused or the gateway has not answered is resent with the same id (<see cref="Resend"/>; the session
/// decides when). Everything except <see cref="Request"/> and the readings runs on the tick thread.
/// </summary>
public sealed class CancelAllSchedule(IOrderSink sink, TimeProvider time, ILogger log, string requestIdPrefix = "ca")
{
    readonly object _gate = new();
    long _requested;
    long _flushed;
    (string Reason, long Generation) _latest = ("", 0);
    long _sent;
    long _attempts;
    long _requests;
    long _reports;
    long _rejections;

    // The latest request (tick thread).
    string? _id;
    string _reason = "";
    long _generation;
    CancelAllState _state;
    int _tries;
    long _affected;
    bool _answerInProgress;
    string? _rejectReason;
    long _fillsAfter;
    volatile bool _countingFills; // from a request until the next reset
    long _lastAttemptTs;
    volatile CancelAllReading _reading = new(null, 0, "", CancelAllState.None, 0, 0, null, 0, 0, 0, 0);

    /// <summary>The stable name of a state.</summary>
    public static string Name(CancelAllState s) => s switch
    {
        CancelAllState.None => "none",
        CancelAllState.Unsent => "unsent",
        CancelAllState.Sent => "sent",
        CancelAllState.Accepted => "accepted",
        CancelAllState.Rejected => "rejected",
        CancelAllState.DryRun => "dry-run",
        _ => throw new ArgumentOutOfRangeException(nameof(s), s, "not a cancel_all state"),
    };

    /// <summary>cancel_all messages handed to the transport, resends included (in dry-run: requests seen).</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>True while a request waits to be sent. Any thread (one volatile read).</summary>
    public bool Pending => Interlocked.Read(ref _requested) > Volatile.Read(ref _flushed);

    /// <summary>The latest reading (any thread).</summary>
    public CancelAllReading Reading => _reading;

    /// <summary>The latest request's state (tick thread).</summary>
    public CancelAllState State => _state;

    /// <summary>The latest request's id, or null (tick thread).</summary>
    public string? RequestId => _id;

    /// <summary>When the latest request was last tried (<see cref="TimeProvider.GetTimestamp"/>; tick thread).</summary>
    public long LastAttemptTimestamp => _lastAttemptTs;

    /// <summary>Asks for a cancel_all of the engagement <paramref name="generation"/>. Any thread; the caller wakes the tick thread.</summary>
    public void Request(string reason, long generation)
    {
        lock (_gate) _latest = (reason, generation); // off the tick path: engagements are rare
        Interlocked.Increment(ref _requested);
    }

    /// <summary>Sends the waiting request, if any, under a new request id (tick thread).</summary>
    public void Flush()
    {
        long requested = Interlocked.Read(ref _requested);
        if (requested <= _flushed) return;
        Volatile.Write(ref _flushed, requested);
        (_reason, _generation) = Latest();
        _id = requestIdPrefix + Interlocked.Increment(ref _requests).ToString(System.Globalization.CultureInfo.InvariantCulture);
        (_tries, _affected, _answerInProgress, _rejectReason, _fillsAfter) = (0, 0, false, null, 0);
        _countingFills = true;
        Attempt(resend: null);
    }

    /// <summary>Tries the latest request again with the same id (tick thread); <paramref name="why"/> goes to the log.</summary>
    public void Resend(string why)
    {
        if (_id is null) return;
        Attempt(why);
    }

    void Attempt(string? resend)
    {
        var before = _state;
        bool sent = sink.CancelAll(_id!, _reason, _generation, time.GetUtcNow().ToUnixTimeMilliseconds());
        _tries++;
        Interlocked.Increment(ref _attempts);
        _lastAttemptTs = time.GetTimestamp();
        if (sent) Interlocked.Increment(ref _sent);
        if (sink.SimulatesFills)
        {
            _state = CancelAllState.DryRun;
            log.Warning("cancel-all (dry-run, nothing to cancel): generation {Generation}, {Reason}", _generation, _reason);
        }
        else
        {
            _state = sent ? CancelAllState.Sent : CancelAllState.Unsent;
            _answerInProgress = false;
            // A refused resend after a refused try says nothing new: the gateway is still away.
            if (resend is null || sent || before != CancelAllState.Unsent)
            {
                log.Warning("cancel-all {Outcome} {RequestId}{Resend}: generation {Generation}, {Reason}",
                    sent ? "handed to the gateway link, awaiting its report:" : "NOT sent (gateway not connected), will retry:",
                    _id, resend is null ? "" : $" (resend {_tries - 1}: {resend})", _generation, _reason);
            }
        }
        Publish();
    }

    /// <summary>
    /// One report frame (tick thread). Parts of an accepted answer add up; the last confirms. A report to an earlier
    /// request changes nothing here (its ids are the caller's to apply).
    /// </summary>
    public CancelAllReportOutcome OnReport(CancelAllReport r)
    {
        Interlocked.Increment(ref _reports);
        if (_id is null || r.RequestId != _id || _state == CancelAllState.DryRun)
        {
            Publish();
            return CancelAllReportOutcome.Stale;
        }
        CancelAllReportOutcome outcome;
        if (!r.Accepted)
        {
            Interlocked.Increment(ref _rejections);
            (_state, _rejectReason, _answerInProgress) = (CancelAllState.Rejected, r.Reason ?? "(no reason given)", false);
            outcome = CancelAllReportOutcome.Rejected;
        }
        else
        {
            // The first part of an answer starts its count: a resend may be answered again, in full.
            _affected = (_answerInProgress ? _affected : 0) + r.Affected;
            _answerInProgress = !r.Last;
            if (r.Last) _state = CancelAllState.Accepted;
            outcome = r.Last ? CancelAllReportOutcome.Accepted : CancelAllReportOutcome.Partial;
        }
        Publish();
        return outcome;
    }

    /// <summary>The breaker was reset (any thread): fills from now on belong to resumed trading, not to the cancel.</summary>
    public void OnReset() => _countingFills = false;

    /// <summary>A fill was booked (tick thread): counted when it came after the latest request left and before a reset.</summary>
    public void OnFillBooked()
    {
        if (!_countingFills || _state is not (CancelAllState.Sent or CancelAllState.Accepted or CancelAllState.Rejected)) return;
        _fillsAfter++;
        Publish();
    }

    void Publish() => _reading = new CancelAllReading(_id, _generation, _reason, _state, _tries, _affected, _rejectReason,
        Interlocked.Read(ref _requests), Interlocked.Read(ref _attempts), Interlocked.Read(ref _reports), Interlocked.Read(ref _rejections)) { FillsAfter = _fillsAfter };

    (string, long) Latest()
    {
        lock (_gate) return _latest;
    }
}

/// <summary>
/// The sink the loop sends through: a waiting cancel_all goes out first, so no order ever leaves ahead of the
/// cancel_all of an engagement that happened before it, even one already reset.
/// </summary>
public sealed class CancelFirstSink(IOrderSink inner, CancelAllSchedule cancels) : IOrderSink
{
    /// <inheritdoc/>
    public bool SimulatesFills => inner.SimulatesFills;

    /// <inheritdoc/>
    public bool TrySend(in Order order)
    {
        if (cancels.Pending) cancels.Flush();
        return inner.TrySend(in order);
    }

    /// <inheritdoc/>
    public bool CancelAll(string requestId, string reason, long generation, long timeMs) => inner.CancelAll(requestId, reason, generation, timeMs);
}

/// <summary>Orders and cancel_all as frames on the gateway link.</summary>
public sealed class GatewayOrderSink(Transports.IGatewayLink link, GatewayWire wire) : IOrderSink
{
    /// <inheritdoc/>
    public bool SimulatesFills => false;

    /// <inheritdoc/>
    public bool TrySend(in Order order) => link.TrySend(wire.Order(in order));

    /// <inheritdoc/>
    public bool CancelAll(string requestId, string reason, long generation, long timeMs) => link.TrySend(wire.CancelAll(requestId, reason, generation, timeMs));
}
