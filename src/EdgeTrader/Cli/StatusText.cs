using System.Globalization;
using System.Text;
using System.Text.Json;

namespace EdgeTrader.App.Cli;

/// <summary>The at-a-glance rendering of the status JSON.</summary>
internal static class StatusText
{
    public static string Render(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var r = doc.RootElement;
        var sb = new StringBuilder();
        string state = r.GetProperty("state").GetString() ?? "?";
        sb.Append(CultureInfo.InvariantCulture, $"{r.GetProperty("node").GetString()}: {state}  generation {r.GetProperty("generation").GetInt64()}  source {r.GetProperty("source").GetString()}  since {r.GetProperty("since").GetString()}\n");
        sb.Append(CultureInfo.InvariantCulture, $"  reason: {r.GetProperty("reason").GetString()}\n");
        sb.Append(CultureInfo.InvariantCulture, $"  mode: {(r.GetProperty("dryRun").GetBoolean() ? "dry-run" : "LIVE")}, strategy {r.GetProperty("strategy").GetString()}, uptime {r.GetProperty("uptimeSeconds").GetDouble():0.0} s, loop {(r.GetProperty("loopAlive").GetBoolean() ? "alive" : "NOT BEATING")}\n");
        var c = r.GetProperty("counters");
        sb.Append(CultureInfo.InvariantCulture, $"  ticks {c.GetProperty("ticks").GetInt64()} (accepted {c.GetProperty("ticksAccepted").GetInt64()}), signals {c.GetProperty("signals").GetInt64()}, orders {c.GetProperty("orders").GetInt64()}, blocked gate1 {c.GetProperty("blockedGate1").GetInt64()} gate2 {c.GetProperty("blockedGate2").GetInt64()}\n");
        sb.Append(CultureInfo.InvariantCulture, $"  acks {c.GetProperty("acks").GetInt64()}, fills {c.GetProperty("fills").GetInt64()}, rejects {c.GetProperty("rejects").GetInt64()}, ack timeouts {c.GetProperty("ackTimeouts").GetInt64()}, seq gaps {c.GetProperty("seqGaps").GetInt64()}\n");
        Dict(sb, "denials", c.GetProperty("denials"));
        Dict(sb, "dropped", c.GetProperty("dropped"));
        foreach (var link in r.GetProperty("links").EnumerateObject())
        {
            string detail = link.Value.GetProperty("detail").GetString() ?? "";
            sb.Append(CultureInfo.InvariantCulture, $"  link {link.Name,-8} {link.Value.GetProperty("state").GetString()}{(detail.Length > 0 ? " - " + detail : "")}\n");
        }
        Health(sb, r);
        var p = r.GetProperty("panel");
        if (p.GetProperty("driver").GetString() != "none")
        {
            var leds = p.GetProperty("leds");
            sb.Append(CultureInfo.InvariantCulture, $"  panel {p.GetProperty("driver").GetString()}: e-stop {(p.GetProperty("emergencyStop").GetBoolean() ? "ACTIVE" : "released")}, leds green {On(leds, "green")} red {On(leds, "red")} amber {On(leds, "amber")}\n");
        }
        return sb.ToString();
    }

    // The lines the status snapshot added: engagement identity, lamps, box health, HTTP surfaces.
    static void Health(StringBuilder sb, JsonElement r)
    {
        if (r.TryGetProperty("lamps", out var l))
            sb.Append(CultureInfo.InvariantCulture, $"  engagement {Str(r, "identity")}; lamps green {Str(l, "green")} red {Str(l, "red")} amber {Str(l, "amber")}; last tick {(r.TryGetProperty("lastTickAgeSeconds", out var t) && t.ValueKind == JsonValueKind.Number ? $"{t.GetDouble():0.0} s ago" : "none yet")}\n");
        if (r.TryGetProperty("system", out var s))
            foreach (var part in new[] { "clock", "watchdog", "power", "disk" })
                if (s.TryGetProperty(part, out var x))
                    sb.Append(CultureInfo.InvariantCulture, $"  {part,-8} {(x.TryGetProperty("ok", out var ok) && ok.ValueKind == JsonValueKind.False ? "!! " : "")}{Str(x, "detail")}\n");
        if (r.TryGetProperty("http", out var h) && h.GetProperty("enabled").GetBoolean())
            sb.Append(CultureInfo.InvariantCulture, $"  http {(h.TryGetProperty("error", out var e) ? "ERROR " + e.GetString() : "on " + Str(h, "listen"))}{(h.GetProperty("tokenRequired").GetBoolean() ? " (token)" : "")}\n");
    }

    static string Str(JsonElement e, string name) => e.TryGetProperty(name, out var v) ? v.ToString() : "";

    static string On(JsonElement leds, string name) => leds.GetProperty(name).GetBoolean() ? "on" : "off";

    static void Dict(StringBuilder sb, string title, JsonElement obj)
    {
        var parts = obj.EnumerateObject().Select(p => $"{p.Name}={p.Value.GetInt64()}").ToArray();
        if (parts.Length > 0) sb.Append(CultureInfo.InvariantCulture, $"  {title}: {string.Join(", ", parts)}\n");
    }
}
