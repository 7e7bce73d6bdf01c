using System.Text.Json;
using EdgeTrader.Health;
using EdgeTrader.KillSwitch;
using EdgeTrader.Trading;
using EdgeTrader.Trading.Risk;

namespace EdgeTrader.Status;

/// <summary>
/// The status object: what <c>status --json</c> prints, the control socket answers and the page reads. Fields keep
/// their names and meaning across versions (readers rely on them); new ones are only added.
/// </summary>
public static class StatusJson
{
    /// <summary>What a surface shows.</summary>
    /// <param name="Trading">Positions, the day's P&amp;L and trading detail of journal lines.</param>
    /// <param name="Decisions">The recent journal decisions.</param>
    public readonly record struct View(bool Trading, bool Decisions)
    {
        /// <summary>The control socket: everything but the journal tail.</summary>
        public static readonly View Control = new(true, false);
    }

    /// <summary>The whole status as one JSON object.</summary>
    public static byte[] Render(StatusSnapshot s, View view)
    {
        var buf = new System.Buffers.ArrayBufferWriter<byte>(8192);
        using (var w = new Utf8JsonWriter(buf))
        {
            w.WriteStartObject();
            WriteFields(w, s, view);
            w.WriteEndObject();
        }
        return buf.WrittenSpan.ToArray();
    }

    /// <summary>Writes the status fields into the current object.</summary>
    public static void WriteFields(Utf8JsonWriter w, StatusSnapshot s, View view)
    {
        w.WriteString("node", s.Node);
        BreakerJson.WriteFields(w, s.Breaker, s.LatchProblem);
        w.WriteNumber("uptimeSeconds", Math.Round(s.UptimeSeconds, 3));
        w.WriteBoolean("dryRun", s.DryRun);
        w.WriteString("strategy", s.Strategy);
        w.WriteNumber("pid", s.Pid);
        w.WriteNumber("run", s.Run);
        w.WriteBoolean("loopAlive", s.LoopAlive);

        var c = s.Counters;
        w.WriteStartObject("counters");
        w.WriteNumber("ticks", c.Ticks);
        w.WriteNumber("ticksAccepted", c.Accepted);
        w.WriteNumber("signals", c.Signals);
        w.WriteNumber("orders", c.Orders);
        w.WriteNumber("blockedGate1", c.BlockedGate1);
        w.WriteNumber("blockedGate2", c.BlockedGate2);
        w.WriteNumber("seqGaps", c.SeqGaps);
        w.WriteNumber("seqGapTicks", c.SeqGapTicks);
        w.WriteNumber("seqRestarts", c.SeqRestarts);
        w.WriteNumber("acks", c.Acks);
        w.WriteNumber("fills", c.Fills);
        w.WriteNumber("rejects", c.Rejects);
        w.WriteNumber("ackTimeouts", c.AckTimeouts);
        w.WriteNumber("unknownGatewayMessages", c.UnknownGatewayMessages);
        w.WriteNumber("sendFailures", c.SendFailures);
        w.WriteNumber("cancelAllSent", c.CancelAllSent);
        w.WriteNumber("inFlight", c.InFlight);
        w.WriteNumber("cancelledByGateway", c.CancelledByGateway);
        w.WriteNumber("fillsAfterCancel", c.FillsAfterCancel);
        w.WriteStartObject("denials");
        for (int i = 1; i < c.Denied.Length; i++) if (c.Denied[i] > 0) w.WriteNumber(DenialCodes.Code((DenialCode)i), c.Denied[i]);
        w.WriteEndObject();
        w.WriteStartObject("dropped");
        for (int i = 0; i < c.Dropped.Length; i++) if (c.Dropped[i] > 0) w.WriteNumber(TickDropReasons.Code((TickDropReason)i), c.Dropped[i]);
        w.WriteEndObject();
        w.WriteStartObject("anomalies");
        for (int i = 0; i < c.Anomalies.Length; i++) if (c.Anomalies[i] > 0) w.WriteNumber(AnomalyCodes.Code((AnomalyCode)i), c.Anomalies[i]);
        w.WriteEndObject();
        w.WriteNumber("conflated", c.Conflated);
        w.WriteStartObject("conflatedBySymbol");
        foreach (var (symbol, n) in c.ConflatedBySymbol) if (n > 0) w.WriteNumber(symbol, n);
        w.WriteEndObject();
        w.WriteEndObject();

        if (view.Trading)
        {
            w.WriteStartObject("day");
            w.WriteString("date", s.Day.Date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
            w.WriteNumber("trades", s.Day.Trades);
            JsonNumbers.OrNull(w, "realized", Math.Round(s.Day.Realized, 2));
            JsonNumbers.OrNull(w, "unrealized", Math.Round(s.Day.Unrealized, 2));
            w.WriteNumber("lossStreak", s.Day.LossStreak);
            w.WriteEndObject();

            w.WriteStartObject("positions");
            foreach (var p in s.Positions)
            {
                w.WriteStartObject(p.Symbol);
                JsonNumbers.OrNull(w, "net", p.Net);
                JsonNumbers.OrNull(w, "avgPrice", p.AvgPrice);
                JsonNumbers.OrNull(w, "realizedToday", Math.Round(p.RealizedToday, 2));
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }

        w.WritePropertyName("recovery");
        w.WriteRawValue(s.RecoveryJson, skipInputValidation: true);

        // Orders still unresolved after an engagement are counters.inFlight; this is what the gateway said of the cancel.
        var ca = s.CancelAll;
        w.WriteStartObject("cancelAll");
        w.WriteString("state", ca.StateName);
        if (ca.RequestId is { } rid) w.WriteString("requestId", rid);
        w.WriteNumber("generation", ca.Generation);
        w.WriteString("reason", ca.Reason);
        w.WriteNumber("tries", ca.Tries);
        w.WriteNumber("affected", ca.Affected);
        if (ca.RejectReason is { } rr) w.WriteString("rejectReason", rr);
        w.WriteNumber("requests", ca.Requests);
        w.WriteNumber("attempts", ca.Attempts);
        w.WriteNumber("reports", ca.Reports);
        w.WriteNumber("rejections", ca.Rejections);
        w.WriteNumber("fillsAfter", ca.FillsAfter);
        w.WriteNumber("unresolved", c.InFlight);
        w.WriteEndObject();

        w.WriteStartObject("links");
        foreach (var l in s.Links)
        {
            w.WriteStartObject(l.Name);
            w.WriteString("state", l.StateName);
            w.WriteString("detail", l.Detail);
            w.WriteEndObject();
        }
        w.WriteEndObject();

        var j = s.Journal;
        w.WriteStartObject("journal");
        w.WriteNumber("appended", j.Appended);
        w.WriteNumber("committed", j.Committed);
        if (j.Failure is { } f) w.WriteString("failure", f);
        w.WriteNumber("lag", j.Lag);
        if (j.CommitLatency is { Count: > 0 } cl)
        {
            w.WriteNumber("commitMeanMs", Math.Round(cl.SumSeconds / cl.Count * 1000, 3));
            w.WriteNumber("commitP99AtMostMs", Math.Round(cl.QuantileUpperBound(0.99) * 1000, 3));
        }
        w.WriteEndObject();

        WritePanel(w, s.Panel);
        w.WriteStartArray("faults");
        foreach (var fault in s.Faults)
        {
            w.WriteStartObject();
            w.WriteString("code", fault.Code);
            w.WriteString("detail", fault.Detail);
            w.WriteString("since", BreakerJson.Timestamp(fault.Since));
            w.WriteEndObject();
        }
        w.WriteEndArray();

        // Added after the fields above; readers of the older object are unaffected.
        w.WriteString("version", s.Version);
        w.WriteString("identity", s.Identity);
        w.WriteString("takenAt", BreakerJson.Timestamp(s.TakenAt));
        w.WriteNumber("loopBeatAgeSeconds", Math.Round(s.LoopBeatAgeSeconds, 3));
        if (s.LastTickAgeSeconds is { } age) w.WriteNumber("lastTickAgeSeconds", Math.Round(age, 3));
        else w.WriteNull("lastTickAgeSeconds");
        w.WriteStartObject("lamps");
        w.WriteString("green", Lamps.Name(s.Lamps.Green));
        w.WriteString("red", Lamps.Name(s.Lamps.Red));
        w.WriteString("amber", Lamps.Name(s.Lamps.Amber));
        w.WriteEndObject();
        w.WriteStartObject("engagements");
        for (int i = 0; i < s.EngagementsBySource.Length; i++)
            if (s.EngagementsBySource[i] > 0) w.WriteNumber(BreakerNames.Of((BreakerSource)i), s.EngagementsBySource[i]);
        w.WriteEndObject();
        var t = s.TickToOrder;
        w.WriteStartObject("tickToOrder");
        w.WriteNumber("count", t.Count);
        if (t.Count > 0)
        {
            w.WriteNumber("meanUs", Math.Round(t.SumSeconds / t.Count * 1e6, 1));
            w.WriteNumber("p50AtMostUs", Math.Round(t.QuantileUpperBound(0.5) * 1e6, 1));
            w.WriteNumber("p99AtMostUs", Math.Round(t.QuantileUpperBound(0.99) * 1e6, 1));
        }
        w.WriteEndObject();
        w.WriteStartObject("control");
        w.WriteStartObject("requests");
        foreach (var (cmd, n) in s.ControlRequests) w.WriteNumber(cmd, n);
        w.WriteEndObject();
        w.WriteEndObject();
        WriteHttp(w, s.Http);
        w.WritePropertyName("system");
        HealthJson.WriteSystem(w, s.Box);

        if (view.Decisions)
        {
            w.WriteStartArray("decisions");
            foreach (var d in s.RecentDecisions)
            {
                w.WriteStartObject();
                w.WriteNumber("time", d.TimeMs);
                w.WriteString("type", d.Type);
                w.WriteString("text", view.Trading && d.TradingDetail is not null ? d.TradingDetail : d.Summary);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteBoolean("showTrading", view.Trading);
    }

    static void WritePanel(Utf8JsonWriter w, PanelReading? p)
    {
        w.WriteStartObject("panel");
        if (p is null)
        {
            w.WriteString("driver", "none");
            w.WriteEndObject();
            return;
        }
        w.WriteString("driver", p.Driver);
        w.WriteString("description", p.Description);
        w.WriteBoolean("emergencyStop", p.EmergencyStop);
        if (p.ChannelAOpen is { } a) w.WriteBoolean("channelAOpen", a);
        if (p.ChannelBOpen is { } b) w.WriteBoolean("channelBOpen", b);
        w.WriteBoolean("reset", p.Reset);
        if (p.TripEnergised is { } trip) w.WriteBoolean("tripEnergised", trip);
        if (p.EdmEnergised is { } edm) w.WriteBoolean("edmEnergised", edm);
        if (p.Buzzer is { } buzzer) w.WriteBoolean("buzzer", buzzer);
        w.WriteStartObject("leds");
        w.WriteBoolean("green", p.Green);
        w.WriteBoolean("red", p.Red);
        w.WriteBoolean("amber", p.Amber);
        w.WriteEndObject();
        var lat = p.EngageLatencySortedUs;
        w.WriteStartObject("engageLatencyUs");
        w.WriteNumber("count", lat.Length);
        if (lat.Length > 0)
        {
            w.WriteNumber("p50", Math.Round(LatencyRecorder.Percentile(lat, 50), 1));
            w.WriteNumber("p99", Math.Round(LatencyRecorder.Percentile(lat, 99), 1));
            w.WriteNumber("max", Math.Round(lat[^1], 1));
        }
        w.WriteEndObject();
        w.WriteEndObject();
    }

    static void WriteHttp(Utf8JsonWriter w, HttpReading h)
    {
        w.WriteStartObject("http");
        w.WriteBoolean("enabled", h.Enabled);
        if (h.Enabled)
        {
            if (h.Listening is { } l) w.WriteString("listen", l); else w.WriteNull("listen");
            if (h.Error is { } e) w.WriteString("error", e);
            w.WriteBoolean("tokenRequired", h.TokenRequired);
            w.WriteNumber("openConnections", h.Open);
            w.WriteNumber("accepted", h.Accepted);
            w.WriteNumber("refused", h.Refused);
            w.WriteNumber("timedOut", h.TimedOut);
            w.WriteNumber("dropped", h.Dropped);
            w.WriteStartObject("responses");
            foreach (var (status, n) in h.Responses) w.WriteNumber(status.ToString(System.Globalization.CultureInfo.InvariantCulture), n);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }
}
