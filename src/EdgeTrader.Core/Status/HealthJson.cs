using System.Text.Json;
using EdgeTrader.Health;

namespace EdgeTrader.Status;

/// <summary>
/// <c>/healthz</c>: 200 only while the tick loop beats (503 otherwise), so an uptime check or a load balancer sees a
/// hung appliance as down. The body splits <c>system</c> (disk, clock, watchdog, power: the box) from
/// <c>trading</c> (latch, bridge, gateway, last tick): a box can be healthy while trading is stopped, and the other
/// way round. The <c>ok</c> fields inform; only the loop decides the status code.
/// </summary>
public static class HealthJson
{
    /// <summary>The status code for a snapshot: 200 while the loop beats, else 503.</summary>
    public static int StatusCode(StatusSnapshot s) => s.LoopAlive ? 200 : 503;

    /// <summary>The /healthz body.</summary>
    public static byte[] Render(StatusSnapshot s)
    {
        var buf = new System.Buffers.ArrayBufferWriter<byte>(2048);
        using (var w = new Utf8JsonWriter(buf))
        {
            w.WriteStartObject();
            w.WriteString("status", s.LoopAlive ? "ok" : "failing");
            w.WriteString("node", s.Node);
            if (!s.LoopAlive) w.WriteString("why", $"the tick loop has not beaten for {s.LoopBeatAgeSeconds:0.0} s");
            w.WriteString("time", BreakerJson.Timestamp(s.TakenAt));
            w.WritePropertyName("system");
            WriteSystem(w, s.Box);
            w.WritePropertyName("trading");
            WriteTrading(w, s);
            w.WriteEndObject();
        }
        return buf.WrittenSpan.ToArray();
    }

    /// <summary>The <c>system</c> object: the box's own health.</summary>
    public static void WriteSystem(Utf8JsonWriter w, BoxHealthReading b)
    {
        w.WriteStartObject();
        w.WriteBoolean("ok", b.Ok);

        w.WriteStartObject("disk");
        w.WriteBoolean("ok", b.Disk.Ok);
        w.WriteString("path", b.Disk.Path);
        if (b.Disk.FreeBytes is { } free) w.WriteNumber("freeBytes", free);
        if (b.Disk.TotalBytes is { } total) w.WriteNumber("totalBytes", total);
        w.WriteString("detail", b.Disk.Detail);
        w.WriteEndObject();

        w.WriteStartObject("clock");
        w.WriteBoolean("ok", b.Clock.IsSynchronized);
        w.WriteString("state", b.Clock.State switch { ClockSyncState.Synchronized => "synchronized", ClockSyncState.Unsynchronized => "unsynchronized", _ => "unknown" });
        w.WriteString("source", b.Clock.Source);
        if (b.Clock.MaxErrorSeconds is { } me) w.WriteNumber("maxErrorSeconds", me);
        w.WriteString("detail", b.Clock.Detail);
        w.WriteEndObject();

        var wd = b.Watchdog;
        w.WriteStartObject("watchdog");
        w.WriteBoolean("ok", wd.Ok);
        w.WriteBoolean("armed", wd.Armed is not null);
        if (wd.Armed?.TimeoutSeconds is { } t) w.WriteNumber("timeoutSeconds", t);
        if (wd.ServiceIntervalSeconds is { } si) w.WriteNumber("serviceWatchdogSeconds", si);
        w.WriteString("detail", wd.Detail);
        w.WriteStartArray("devices");
        foreach (var d in wd.Devices)
        {
            w.WriteStartObject();
            w.WriteString("device", d.Device);
            if (d.Identity is { } id) w.WriteString("identity", id);
            if (d.Armed is { } a) w.WriteBoolean("armed", a); else w.WriteNull("armed");
            if (d.TimeoutSeconds is { } to) w.WriteNumber("timeoutSeconds", to);
            if (d.MaxTimeoutSeconds is { } mx) w.WriteNumber("maxTimeoutSeconds", mx);
            if (d.BootStatus is { } bs) w.WriteNumber("bootStatus", bs);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();

        var p = b.Throttling;
        w.WriteStartObject("power");
        if (p.Ok is { } pok) w.WriteBoolean("ok", pok); else w.WriteNull("ok");
        w.WriteBoolean("readable", p.Readable);
        if (p.Readable) w.WriteString("throttled", "0x" + ((long)p.Bits).ToString("x", System.Globalization.CultureInfo.InvariantCulture));
        if (p.UnderVoltageAlarm is { } uv) w.WriteBoolean("underVoltageNow", uv);
        w.WriteString("detail", p.Detail);
        w.WriteEndObject();

        w.WriteEndObject();
    }

    static void WriteTrading(Utf8JsonWriter w, StatusSnapshot s)
    {
        bool linksOk = s.Links.All(l => l.State != LinkState.Degraded);
        w.WriteStartObject();
        w.WriteBoolean("ok", s.LoopAlive && !s.Breaker.IsEngaged && linksOk);
        w.WriteBoolean("loopAlive", s.LoopAlive);
        w.WriteNumber("loopBeatAgeSeconds", Math.Round(s.LoopBeatAgeSeconds, 3));
        w.WriteStartObject("latch");
        BreakerJson.WriteFields(w, s.Breaker, s.LatchProblem);
        w.WriteString("identity", s.Identity);
        w.WriteEndObject();
        foreach (var l in s.Links)
        {
            w.WriteStartObject(l.Name);
            w.WriteString("state", l.StateName);
            w.WriteString("detail", l.Detail);
            w.WriteEndObject();
        }
        if (s.LastTickAgeSeconds is { } age) w.WriteNumber("lastTickAgeSeconds", Math.Round(age, 3));
        else w.WriteNull("lastTickAgeSeconds");
        w.WriteBoolean("dryRun", s.DryRun);
        w.WriteEndObject();
    }
}
