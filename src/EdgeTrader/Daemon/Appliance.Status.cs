using System.Text.Json;
using EdgeTrader.Configuration;
using EdgeTrader.Health;
using EdgeTrader.KillSwitch;
using EdgeTrader.Panel;
using EdgeTrader.Trading;
using EdgeTrader.Trading.Risk;

namespace EdgeTrader.App.Daemon;

// The status object: what `status --json` prints and the control socket answers.
public sealed partial class Appliance
{
    /// <summary>The status object (what `status --json` prints).</summary>
    public void WriteStatus(Utf8JsonWriter w)
    {
        w.WriteString("node", _o.Node);
        WriteBreaker(w, Breaker.State);
        w.WriteNumber("uptimeSeconds", Math.Round(_time.GetElapsedTime(_startTs).TotalSeconds, 3));
        w.WriteBoolean("dryRun", _o.Execution.DryRun);
        w.WriteString("strategy", OptionNames.Of(_o.Strategy.Kind));
        w.WriteNumber("pid", Environment.ProcessId);
        w.WriteNumber("run", _ids.Run);
        w.WriteBoolean("loopAlive", Health.LoopAlive);

        var c = _engine.Loop.Counters;
        var book = _engine.Loop.Book;
        w.WriteStartObject("counters");
        w.WriteNumber("ticks", c.Ticks);
        w.WriteNumber("ticksAccepted", c.Accepted);
        w.WriteNumber("signals", c.SignalCount);
        w.WriteNumber("orders", c.Orders);
        w.WriteNumber("blockedGate1", c.Gate1Blocked);
        w.WriteNumber("blockedGate2", c.Gate2Blocked);
        var (gaps, missing) = c.Gaps;
        w.WriteNumber("seqGaps", gaps);
        w.WriteNumber("seqGapTicks", missing);
        w.WriteNumber("seqRestarts", c.SeqRestarts);
        var g = c.Gateway;
        w.WriteNumber("acks", g.Acks);
        w.WriteNumber("fills", g.Fills);
        w.WriteNumber("rejects", g.Rejects);
        w.WriteNumber("ackTimeouts", g.Timeouts);
        w.WriteNumber("unknownGatewayMessages", g.Unknown);
        w.WriteNumber("sendFailures", g.SendFailures);
        w.WriteNumber("cancelAllSent", _engine.CancelAllSent);
        w.WriteNumber("inFlight", _engine.Loop.InFlightCount);
        WriteNonZero(w, "denials", 1, DenialCodes.Count, i => DenialCodes.Code((DenialCode)i), i => c.DeniedFor((DenialCode)i));
        WriteNonZero(w, "dropped", 0, TickDropReasons.Count, i => TickDropReasons.Code((TickDropReason)i), i => c.DroppedFor((TickDropReason)i));
        w.WriteEndObject();

        w.WriteStartObject("day");
        w.WriteString("date", book.Day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        w.WriteNumber("trades", book.TradesToday);
        w.WriteNumber("realized", Math.Round(book.RealizedToday, 2));
        w.WriteNumber("unrealized", Math.Round(book.UnrealizedTotal, 2));
        w.WriteNumber("lossStreak", book.LossStreak);
        w.WriteEndObject();

        w.WriteStartObject("positions");
        for (int i = 0; i < _symbols.Count; i++)
        {
            w.WriteStartObject(_symbols.Name(i));
            w.WriteNumber("net", book.Net(i));
            w.WriteNumber("avgPrice", book.AvgPrice(i));
            w.WriteEndObject();
        }
        w.WriteEndObject();

        w.WriteStartObject("recovery");
        _engine.Loop.Recovery.WriteStatus(w);
        w.WriteEndObject();

        w.WriteStartObject("links");
        foreach (var link in new[] { Link.Bridge, Link.Gateway, Link.Mqtt })
        {
            var s = Health.Get(link);
            w.WriteStartObject(link.ToString().ToLowerInvariant());
            w.WriteString("state", s.State.ToString().ToLowerInvariant());
            w.WriteString("detail", s.Detail);
            w.WriteEndObject();
        }
        w.WriteEndObject();

        w.WriteStartObject("journal");
        w.WriteNumber("appended", _journal.AppendedLines);
        w.WriteNumber("committed", _journal.CommittedLines);
        if (_journal.Failure is { } f) w.WriteString("failure", f);
        w.WriteEndObject();

        if (_panel is not null)
        {
            var d = _panel.Driver;
            w.WriteStartObject("panel");
            w.WriteString("driver", d.Name);
            w.WriteString("description", d.Description);
            w.WriteBoolean("emergencyStop", d.IsActive(PanelInput.EmergencyStop));
            w.WriteBoolean("reset", d.IsActive(PanelInput.Reset));
            w.WriteStartObject("leds");
            w.WriteBoolean("green", _panel.LedIsOn(PanelLed.Green));
            w.WriteBoolean("red", _panel.LedIsOn(PanelLed.Red));
            w.WriteBoolean("amber", _panel.LedIsOn(PanelLed.Amber));
            w.WriteEndObject();
            var lat = _panel.EngageLatency.Sorted();
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
        else
        {
            w.WriteStartObject("panel");
            w.WriteString("driver", "none");
            w.WriteEndObject();
        }
    }

    /// <summary>An object of the codes whose count is not zero (denials, drop reasons).</summary>
    static void WriteNonZero(Utf8JsonWriter w, string name, int first, int count, Func<int, string> code, Func<int, long> value)
    {
        w.WriteStartObject(name);
        for (int i = first; i < count; i++)
        {
            long v = value(i);
            if (v > 0) w.WriteNumber(code(i), v);
        }
        w.WriteEndObject();
    }
}
