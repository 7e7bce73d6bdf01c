using System.Diagnostics;
using System.Text;

namespace EdgeTrader.Session;

// cancel_all after it left: the gateway's report (docs/contract.md §4.2), resends while ENGAGED and unconfirmed, and
// the clean stop's own cancel_all with its bounded wait.
public sealed partial class TradingSession
{
    /// <summary>The fault raised while the gateway's answer to the latest cancel_all is a rejection (resets are refused).</summary>
    public const string CancelAllRejectedFault = "CANCEL_ALL_REJECTED";

    /// <summary>At a stop, how often a cancel_all the transport refused (no gateway connected) is tried again within the linger.</summary>
    static readonly TimeSpan StopRetryInterval = TimeSpan.FromMilliseconds(100);

    bool OnCancelAllReportFrame(ReadOnlySpan<byte> frame)
    {
        var r = GatewayWire.ParseCancelAllReport(frame);
        if (r is null)
        {
            Loop.OnUnknownGatewayMessage();
            return false;
        }
        // The ids count whatever the request: an order the gateway cancelled is cancelled.
        string why = $"cancelled by the gateway (cancel_all {r.RequestId})";
        int unknown = 0;
        foreach (var id in r.Ids)
        {
            bool ours = _ids.TryParse(Encoding.UTF8.GetBytes(id), out long seq) && Loop.OnCancelled(seq, why);
            if (!ours && !Loop.OnRestoredCancelled(id, why)) unknown++;
        }
        var reading = _cancels.Reading;
        switch (_cancels.OnReport(r))
        {
            case CancelAllReportOutcome.Accepted:
                reading = _cancels.Reading;
                _logger.Information("cancel-all {RequestId} accepted by the gateway: {Affected} order(s) cancelled; {InFlight} still in flight until filled or rejected",
                    r.RequestId, reading.Affected, Loop.InFlightCount);
                _faults?.Clear(CancelAllRejectedFault);
                break;
            case CancelAllReportOutcome.Rejected:
                _logger.Error("cancel-all {RequestId} REJECTED by the gateway: {Reason}; orders of this node may still be working; resets are refused until a cancel_all is accepted",
                    r.RequestId, r.Reason ?? "(no reason given)");
                _faults?.Raise(CancelAllRejectedFault, $"the gateway rejected cancel_all {r.RequestId}: {r.Reason ?? "(no reason given)"}; orders may still be working (edgetrader engage sends a new one)");
                break;
            case CancelAllReportOutcome.Stale:
                _logger.Information("cancel-all report for {RequestId} ({Status}), not the latest request ({Latest}): {Count} order(s) it lists applied",
                    r.RequestId, r.Accepted ? "accepted" : "rejected", reading.RequestId ?? "none", r.Ids.Count - unknown);
                break;
            case CancelAllReportOutcome.Partial:
                break;
        }
        if (unknown > 0) _logger.Warning("cancel-all report {RequestId}: {Count} id(s) name no order in flight here", r.RequestId, unknown);
        return true;
    }

    /// <summary>
    /// While ENGAGED and the latest cancel_all is not confirmed, it is tried again (same request id): at once when the
    /// gateway comes back after silence (it may have restarted and lost it); every heartbeat period while the
    /// transport refuses it; every ackTimeoutMs while a sent one has no report. A rejected one is resent when the
    /// gateway comes back. Never while SAFE: a cancel_all after a reset would cancel the new orders.
    /// </summary>
    void ResendCancelAll(long now)
    {
        bool returned = _gatewayReturned;
        _gatewayReturned = false;
        if (_cancels.Pending || !_breaker.IsEngaged) return;
        var state = _cancels.State;
        if (state is not (CancelAllState.Unsent or CancelAllState.Sent or CancelAllState.Rejected)) return;
        double since = _time.GetElapsedTime(_cancels.LastAttemptTimestamp, now).TotalMilliseconds;
        string? why = returned ? "the gateway is back"
            : state == CancelAllState.Unsent && since >= _gateway.HeartbeatMs ? "the gateway was not connected"
            : state == CancelAllState.Sent && since >= _gateway.AckTimeoutMs ? $"no report within {_gateway.AckTimeoutMs} ms"
            : null;
        if (why is not null) _cancels.Resend(why);
    }

    /// <summary>
    /// The tick thread's last act: a waiting cancel_all goes out (an engagement during the stop still cancels); with
    /// gateway.cancelOnShutdown a clean stop sends its own; then, while the latest one is unconfirmed, the gateway is
    /// heard up to gateway.shutdownLingerMs (wall time: the stop is bounded whatever the clock does) for its report. The
    /// log says what is known: confirmed, rejected, handed over unconfirmed, or never sent.
    /// </summary>
    void StopCancelling()
    {
        if (_cancels.Pending) _cancels.Flush();
        if (_link is null) return;
        if (_gateway.CancelOnShutdown)
        {
            _cancels.Request("clean stop: the daemon is shutting down", _breaker.State.Generation);
            _cancels.Flush();
        }
        if (_cancels.State is not (CancelAllState.Sent or CancelAllState.Unsent)) return;
        var linger = TimeSpan.FromMilliseconds(_gateway.ShutdownLingerMs);
        long start = Stopwatch.GetTimestamp();
        while (_cancels.State is CancelAllState.Sent or CancelAllState.Unsent)
        {
            var left = linger - Stopwatch.GetElapsedTime(start);
            if (left <= TimeSpan.Zero) break;
            var ready = _transport.Wait((int)Math.Clamp(left.TotalMilliseconds, 1, 20));
            if ((ready & Transports.Readiness.Closed) != 0) break;
            if ((ready & Transports.Readiness.Gateway) != 0) DrainGateway(_link);
            if (_cancels.State == CancelAllState.Unsent && _time.GetElapsedTime(_cancels.LastAttemptTimestamp) >= StopRetryInterval)
                _cancels.Resend("stopping: the gateway was not connected");
        }
        var c = _cancels.Reading;
        switch (c.State)
        {
            case CancelAllState.Accepted:
                _logger.Information("cancel-all {RequestId} at stop: confirmed by the gateway, {Affected} order(s) cancelled, {InFlight} still in flight", c.RequestId, c.Affected, Loop.InFlightCount);
                break;
            case CancelAllState.Rejected:
                _logger.Error("cancel-all {RequestId} at stop: REJECTED by the gateway ({Reason}); orders of this node may still be working", c.RequestId, c.RejectReason);
                break;
            case CancelAllState.Sent:
                _logger.Error("cancel-all {RequestId} at stop: handed to the gateway link but not confirmed within {Linger} ms; it may not have reached the gateway", c.RequestId, _gateway.ShutdownLingerMs);
                break;
            default:
                _logger.Error("cancel-all {RequestId} at stop: NOT sent, no gateway connected within {Linger} ms; orders of this node may still be working", c.RequestId, _gateway.ShutdownLingerMs);
                break;
        }
    }
}
