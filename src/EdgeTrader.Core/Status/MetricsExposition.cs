using EdgeTrader.Health;
using EdgeTrader.KillSwitch;
using EdgeTrader.Trading;
using EdgeTrader.Trading.Risk;

namespace EdgeTrader.Status;

/// <summary>
/// <c>/metrics</c>: the snapshot in the Prometheus text format. Names carry the <c>edgetrader_</c> prefix, base units
/// (seconds, bytes) and <c>_total</c> on counters; every label value of a closed set (sources, reasons, codes, link
/// states) is written even at zero, so a rate() or an alert never waits for a first occurrence. Counters count since
/// the process started (Prometheus handles the reset at a restart).
/// </summary>
public static class MetricsExposition
{
    static readonly string[] LinkStates = ["unused", "connecting", "up", "degraded"];

    /// <summary>Renders one scrape; the book (positions and P&amp;L per symbol) only with <paramref name="trading"/>
    /// (<c>http.showTrading</c>).</summary>
    public static byte[] Render(StatusSnapshot s, bool trading)
    {
        var m = new PrometheusText();
        Write(m, s, trading);
        return m.ToUtf8();
    }

    /// <summary>
    /// Writes every family. The book's families (<c>edgetrader_position_net_lots</c>,
    /// <c>edgetrader_position_average_price</c>, <c>edgetrader_pnl_unrealized</c>, <c>edgetrader_pnl_realized_today</c>,
    /// <c>edgetrader_pnl_realized_today_by_symbol</c>) only with <paramref name="trading"/>: whoever may read /metrics
    /// may read the page, and the page shows the book only with <c>http.showTrading</c>.
    /// </summary>
    public static void Write(PrometheusText m, StatusSnapshot s, bool trading)
    {
        var b = s.Breaker;
        m.Family("edgetrader_build_info", "gauge", "Always 1; labels carry the version and node name.")
            .Sample("edgetrader_build_info", [("version", s.Version), ("node", s.Node)], 1);
        m.Family("edgetrader_start_time_seconds", "gauge", "When the daemon started (Unix time).")
            .Sample("edgetrader_start_time_seconds", Math.Round(s.TakenAt.ToUnixTimeMilliseconds() / 1000.0 - s.UptimeSeconds, 3));
        m.Family("edgetrader_dry_run", "gauge", "1 while orders are simulated, 0 when they leave the box.")
            .Sample("edgetrader_dry_run", s.DryRun ? 1 : 0);

        // The kill switch.
        m.Family("edgetrader_breaker_engaged", "gauge", "1 while the kill switch is ENGAGED (no order can leave), 0 while SAFE.")
            .Sample("edgetrader_breaker_engaged", b.IsEngaged ? 1 : 0);
        m.Family("edgetrader_breaker_generation", "gauge", "Counter of the current or last engagement at its origin (0: none yet).")
            .Sample("edgetrader_breaker_generation", b.Generation);
        m.Family("edgetrader_breaker_since_timestamp_seconds", "gauge", "When the breaker entered its current state (Unix time): engaged-since while ENGAGED.")
            .Sample("edgetrader_breaker_since_timestamp_seconds", b.Since.ToUnixTimeMilliseconds() / 1000.0);
        m.Family("edgetrader_breaker_info", "gauge", "Always 1; labels carry the state, source, reason and engagement identity.")
            .Sample("edgetrader_breaker_info", [("state", BreakerNames.Of(b.Position)), ("source", BreakerNames.Of(b.Source)),
                ("reason", b.Reason.Length > 120 ? b.Reason[..120] : b.Reason), ("identity", s.Identity), ("engagement", EngagementIdentity.Full(b))], 1);
        m.Family("edgetrader_breaker_latch_saved", "gauge", "1 while the breaker's state is saved; 0: it could not be (resets are refused).")
            .Sample("edgetrader_breaker_latch_saved", s.LatchProblem is null ? 1 : 0);
        m.Family("edgetrader_breaker_engagements_total", "counter", "Engagements since start, by source.");
        foreach (var src in Enum.GetValues<BreakerSource>())
            m.Sample("edgetrader_breaker_engagements_total", "source", BreakerNames.Of(src), s.EngagementsBySource[(int)src]);

        // The tick loop.
        m.Family("edgetrader_tick_loop_alive", "gauge", "1 while the tick loop beats (at least once a second).")
            .Sample("edgetrader_tick_loop_alive", s.LoopAlive ? 1 : 0);
        m.Family("edgetrader_tick_loop_beat_age_seconds", "gauge", "Seconds since the tick loop last beat (it wakes at least every 50 ms).")
            .Sample("edgetrader_tick_loop_beat_age_seconds", Math.Round(s.LoopBeatAgeSeconds, 6));
        if (s.LastTickAgeSeconds is { } age)
            m.Family("edgetrader_last_tick_age_seconds", "gauge", "Seconds since the last tick arrived from the bridge.")
                .Sample("edgetrader_last_tick_age_seconds", Math.Round(age, 6));

        var c = s.Counters;
        m.Family("edgetrader_ticks_received_total", "counter", "Ticks received (valid or not).").Sample("edgetrader_ticks_received_total", c.Ticks);
        m.Family("edgetrader_ticks_accepted_total", "counter", "Ticks that passed validation.").Sample("edgetrader_ticks_accepted_total", c.Accepted);
        m.Family("edgetrader_ticks_dropped_total", "counter", "Ticks dropped before the strategy, by reason.");
        for (int i = 0; i < c.Dropped.Length; i++) m.Sample("edgetrader_ticks_dropped_total", "reason", TickDropReasons.Code((TickDropReason)i), c.Dropped[i]);
        m.Family("edgetrader_gate_blocked_total", "counter", "Blocked by the ENGAGED breaker: at gate 1 (ticks) and gate 2 (signals between the gates).")
            .Sample("edgetrader_gate_blocked_total", "gate", "1", c.BlockedGate1)
            .Sample("edgetrader_gate_blocked_total", "gate", "2", c.BlockedGate2);
        m.Family("edgetrader_signals_total", "counter", "Order intents the strategy produced.").Sample("edgetrader_signals_total", c.Signals);
        m.Family("edgetrader_feed_seq_gaps_total", "counter", "Gaps in the feed's sequence numbers.").Sample("edgetrader_feed_seq_gaps_total", c.SeqGaps);
        m.Family("edgetrader_feed_seq_gap_ticks_total", "counter", "Ticks missing in those gaps.").Sample("edgetrader_feed_seq_gap_ticks_total", c.SeqGapTicks);
        m.Family("edgetrader_feed_seq_restarts_total", "counter", "Times the feed's sequence went backwards (bridge restarted).").Sample("edgetrader_feed_seq_restarts_total", c.SeqRestarts);

        m.Family("edgetrader_orders_sent_total", "counter", "Orders that left (in dry-run: were simulated).").Sample("edgetrader_orders_sent_total", c.Orders);
        m.Family("edgetrader_orders_acked_total", "counter", "Orders the gateway acknowledged.").Sample("edgetrader_orders_acked_total", c.Acks);
        m.Family("edgetrader_order_fills_total", "counter", "Fills (partial or whole) applied.").Sample("edgetrader_order_fills_total", c.Fills);
        m.Family("edgetrader_orders_rejected_total", "counter", "Orders the gateway rejected.").Sample("edgetrader_orders_rejected_total", c.Rejects);
        m.Family("edgetrader_orders_ack_timed_out_total", "counter", "Orders not acknowledged within gateway.ackTimeoutMs.").Sample("edgetrader_orders_ack_timed_out_total", c.AckTimeouts);
        m.Family("edgetrader_orders_send_failed_total", "counter", "Orders that passed both gates but the transport refused.").Sample("edgetrader_orders_send_failed_total", c.SendFailures);
        m.Family("edgetrader_gateway_unknown_messages_total", "counter", "Gateway messages that could not be used.").Sample("edgetrader_gateway_unknown_messages_total", c.UnknownGatewayMessages);
        m.Family("edgetrader_cancel_all_sent_total", "counter", "cancel_all messages sent at engagements.").Sample("edgetrader_cancel_all_sent_total", c.CancelAllSent);
        m.Family("edgetrader_orders_in_flight", "gauge", "Orders sent and not yet filled or rejected.").Sample("edgetrader_orders_in_flight", c.InFlight);
        var ca = s.CancelAll;
        m.Family("edgetrader_cancel_all_attempts_total", "counter", "cancel_all tries, resends included.").Sample("edgetrader_cancel_all_attempts_total", ca.Attempts);
        m.Family("edgetrader_cancel_all_rejections_total", "counter", "cancel_all reports in which the gateway rejected the request.").Sample("edgetrader_cancel_all_rejections_total", ca.Rejections);
        m.Family("edgetrader_cancel_all_unconfirmed", "gauge", "1 while the gateway has not confirmed the latest cancel_all.").Sample("edgetrader_cancel_all_unconfirmed", ca.Unconfirmed ? 1 : 0);
        m.Family("edgetrader_orders_cancelled_by_gateway_total", "counter", "Orders a cancel_all report listed as cancelled.").Sample("edgetrader_orders_cancelled_by_gateway_total", c.CancelledByGateway);
        m.Family("edgetrader_fills_after_cancel_total", "counter", "Fills of orders already reported cancelled (booked).").Sample("edgetrader_fills_after_cancel_total", c.FillsAfterCancel);
        m.Family("edgetrader_denials_total", "counter", "Order intents denied, by stable code.");
        for (int i = 1; i < c.Denied.Length; i++) m.Sample("edgetrader_denials_total", "code", DenialCodes.Code((DenialCode)i), c.Denied[i]);
        m.Family("edgetrader_anomalies_total", "counter", "Anomalies the trading rules detected, by stable code.");
        for (int i = 0; i < c.Anomalies.Length; i++) m.Sample("edgetrader_anomalies_total", "code", AnomalyCodes.Code((AnomalyCode)i), c.Anomalies[i]);

        m.Histogram("edgetrader_tick_to_order_seconds", "Tick frame received to order handed to the transport.", s.TickToOrder);

        // The book: only when trading is shown (http.showTrading).
        if (trading) WriteBook(m, s);
        m.Family("edgetrader_trades_today", "gauge", "Orders counted against risk.maxTradesPerDay today.").Sample("edgetrader_trades_today", s.Day.Trades);
        m.Family("edgetrader_loss_streak", "gauge", "Consecutive losing closes.").Sample("edgetrader_loss_streak", s.Day.LossStreak);
        WriteRest(m, s);
    }

    static void WriteBook(PrometheusText m, StatusSnapshot s)
    {
        m.Family("edgetrader_position_net_lots", "gauge", "Net position per symbol (lots; negative = short).");
        foreach (var p in s.Positions) m.Sample("edgetrader_position_net_lots", "symbol", p.Symbol, p.Net);
        m.Family("edgetrader_position_average_price", "gauge", "Average open price per symbol (0 when flat).");
        foreach (var p in s.Positions) m.Sample("edgetrader_position_average_price", "symbol", p.Symbol, p.AvgPrice);
        m.Family("edgetrader_pnl_unrealized", "gauge", "Unrealised P&L per symbol at the last mid (account currency).");
        foreach (var p in s.Positions) m.Sample("edgetrader_pnl_unrealized", "symbol", p.Symbol, Math.Round(p.Unrealized, 2));
        m.Family("edgetrader_pnl_realized_today", "gauge", "Realised P&L of the trading day (account currency).")
            .Sample("edgetrader_pnl_realized_today", Math.Round(s.Day.Realized, 2));
        // Its own family rather than a label on the total: sum() over it then adds no total twice.
        m.Family("edgetrader_pnl_realized_today_by_symbol", "gauge", "Realised P&L of the trading day per symbol (account currency).");
        foreach (var p in s.Positions) m.Sample("edgetrader_pnl_realized_today_by_symbol", "symbol", p.Symbol, Math.Round(p.RealizedToday, 2));
    }

    static void WriteRest(PrometheusText m, StatusSnapshot s)
    {
        // Links.
        m.Family("edgetrader_link_state", "gauge", "1 for the link's current state (unused, connecting, up, degraded), 0 for the others.");
        foreach (var l in s.Links)
            foreach (var st in LinkStates) m.Sample("edgetrader_link_state", [("link", l.Name), ("state", st)], l.StateName == st ? 1 : 0);
        m.Family("edgetrader_link_degraded", "gauge", "1 while the link is degraded (the amber lamp).");
        foreach (var l in s.Links) m.Sample("edgetrader_link_degraded", "link", l.Name, l.State == LinkState.Degraded ? 1 : 0);

        // Journal.
        var j = s.Journal;
        m.Family("edgetrader_journal_appended_lines_total", "counter", "Journal lines appended.").Sample("edgetrader_journal_appended_lines_total", j.Appended);
        m.Family("edgetrader_journal_committed_lines_total", "counter", "Journal lines written and fsync'd.").Sample("edgetrader_journal_committed_lines_total", j.Committed);
        m.Family("edgetrader_journal_uncommitted_lines", "gauge", "Journal lines appended and not yet durable (the group commit's lag).").Sample("edgetrader_journal_uncommitted_lines", j.Lag);
        m.Family("edgetrader_journal_failed", "gauge", "1 when the journal could not be written (the breaker is then ENGAGED).").Sample("edgetrader_journal_failed", j.Failure is null ? 0 : 1);
        if (j.CommitLatency is { } cl) m.Histogram("edgetrader_journal_commit_seconds", "One group commit: write + fsync.", cl);

        // Control socket and HTTP.
        m.Family("edgetrader_control_requests_total", "counter", "Control-socket requests, by command.");
        foreach (var (cmd, n) in s.ControlRequests) m.Sample("edgetrader_control_requests_total", "command", cmd, n);
        var h = s.Http;
        m.Family("edgetrader_http_responses_total", "counter", "HTTP responses, by status code.");
        foreach (var (status, n) in h.Responses) m.Sample("edgetrader_http_responses_total", "code", status.ToString(System.Globalization.CultureInfo.InvariantCulture), n);
        m.Family("edgetrader_http_connections_refused_total", "counter", "HTTP connections closed at accept (over a connection cap).").Sample("edgetrader_http_connections_refused_total", h.Refused);
        m.Family("edgetrader_http_connections_timed_out_total", "counter", "HTTP connections closed for a slow head or idleness.").Sample("edgetrader_http_connections_timed_out_total", h.TimedOut);
        m.Family("edgetrader_http_open_connections", "gauge", "HTTP connections open.").Sample("edgetrader_http_open_connections", h.Open);

        if (s.Panel is { } panel)
        {
            m.Family("edgetrader_panel_emergency_stop_active", "gauge", "1 while the emergency stop is pressed or its wire is broken.")
                .Sample("edgetrader_panel_emergency_stop_active", panel.EmergencyStop ? 1 : 0);
        }

        WriteBox(m, s.Box);
    }

    static void WriteBox(PrometheusText m, BoxHealthReading box)
    {
        if (box.Disk.FreeBytes is { } free)
        {
            m.Family("edgetrader_state_dir_free_bytes", "gauge", "Bytes available in the state directory's filesystem.").Sample("edgetrader_state_dir_free_bytes", free);
            m.Family("edgetrader_state_dir_size_bytes", "gauge", "Size of the state directory's filesystem.").Sample("edgetrader_state_dir_size_bytes", box.Disk.TotalBytes ?? 0);
        }
        m.Family("edgetrader_clock_synchronized", "gauge", "1 when the clock is synchronised, 0 when not or unknown.")
            .Sample("edgetrader_clock_synchronized", box.Clock.IsSynchronized ? 1 : 0);
        m.Family("edgetrader_clock_sync_info", "gauge", "Always 1; labels say how synchronisation was read.")
            .Sample("edgetrader_clock_sync_info", [("state", box.Clock.State.ToString().ToLowerInvariant()), ("source", box.Clock.Source)], 1);
        if (box.Clock.MaxErrorSeconds is { } me)
            m.Family("edgetrader_clock_max_error_seconds", "gauge", "The kernel's maximum error estimate of the clock.").Sample("edgetrader_clock_max_error_seconds", me);

        var wd = box.Watchdog;
        m.Family("edgetrader_watchdog_devices", "gauge", "Hardware watchdogs the kernel has.").Sample("edgetrader_watchdog_devices", wd.Devices.Count);
        m.Family("edgetrader_watchdog_armed", "gauge", "1 while a hardware watchdog is running (read back from the device, not the configuration).")
            .Sample("edgetrader_watchdog_armed", wd.Armed is null ? 0 : 1);
        if (wd.Armed?.TimeoutSeconds is { } t)
            m.Family("edgetrader_watchdog_timeout_seconds", "gauge", "The armed hardware watchdog's timeout as set in the device.").Sample("edgetrader_watchdog_timeout_seconds", t);
        if (wd.ServiceIntervalSeconds is { } si)
            m.Family("edgetrader_service_watchdog_seconds", "gauge", "systemd's watchdog interval for this service (WatchdogSec=).").Sample("edgetrader_service_watchdog_seconds", si);

        var p = box.Throttling;
        if (p.Readable)
        {
            var bits = p.Bits;
            m.Family("edgetrader_power_throttled_bits", "gauge", "The Raspberry Pi firmware's get_throttled bits.").Sample("edgetrader_power_throttled_bits", (long)bits);
            m.Family("edgetrader_power_under_voltage", "gauge", "1 while the supply is under-voltage.").Sample("edgetrader_power_under_voltage", bits.HasFlag(ThrottleBits.UnderVoltage) || p.UnderVoltageAlarm == true ? 1 : 0);
            m.Family("edgetrader_power_under_voltage_occurred", "gauge", "1 when under-voltage has occurred since boot.").Sample("edgetrader_power_under_voltage_occurred", bits.HasFlag(ThrottleBits.UnderVoltageOccurred) ? 1 : 0);
            m.Family("edgetrader_power_throttled", "gauge", "1 while the CPU is throttled.").Sample("edgetrader_power_throttled", bits.HasFlag(ThrottleBits.Throttled) ? 1 : 0);
            m.Family("edgetrader_power_throttled_occurred", "gauge", "1 when throttling has occurred since boot.").Sample("edgetrader_power_throttled_occurred", bits.HasFlag(ThrottleBits.ThrottledOccurred) ? 1 : 0);
        }
    }
}
