using System.Globalization;
using System.Text.Json;
using EdgeTrader.Tests.Cli;

namespace EdgeTrader.Tests.Trading;

/// <summary>
/// The daemon's wall clock steps back over midnight and forward again (libfaketime, the monotonic clock left real):
/// the trading day stays, the step is an anomaly in status, and with clock.engageOnStepBack the node engages.
/// </summary>
public sealed class ClockStepTests
{
    static readonly string[] Libraries =
    [
        "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1",
        "/usr/lib/aarch64-linux-gnu/faketime/libfaketimeMT.so.1",
    ];

    [SkippableFact]
    public void A_wall_clock_step_back_over_midnight_keeps_the_day_and_engages_by_config()
    {
        string? lib = Libraries.FirstOrDefault(File.Exists);
        Skip.If(lib is null, "libfaketime is not installed (Debian package faketime)");
        Skip.If(Bin.Launcher.Count > 0, "the binary runs under a launcher (qemu-user): the host's libfaketime cannot be preloaded into it");

        using var d = new Daemon($"tcp://127.0.0.1:{Bin.FreePort()}", $"tcp://127.0.0.1:{Bin.FreePort()}", dryRun: true, node: "clock-e2e");
        File.WriteAllText(d.ConfigPath, File.ReadAllText(d.ConfigPath).Replace(
            "\"clock\": { \"degradeWhenUnsynchronised\": false }",
            "\"clock\": { \"degradeWhenUnsynchronised\": false, \"engageOnStepBack\": true }"));
        // 30 s after the next UTC midnight (risk.timeZone is UTC), as an offset libfaketime re-reads from a file.
        var now = DateTimeOffset.UtcNow;
        var target = new DateTimeOffset(now.UtcDateTime.Date.AddDays(1).AddSeconds(30), TimeSpan.Zero);
        long offset = (long)Math.Round((target - now).TotalSeconds);
        string spec = Path.Combine(d.Dir, "faketime");
        File.WriteAllText(spec, Offset(offset));
        d.Start(new Dictionary<string, string>
        {
            ["LD_PRELOAD"] = lib!,
            ["FAKETIME_TIMESTAMP_FILE"] = spec,
            ["FAKETIME_CACHE_DURATION"] = "1",
            ["DONT_FAKE_MONOTONIC"] = "1",
        });
        string day = target.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        JsonElement s = default;
        bool faked = Bin.WaitFor(() => (s = d.TryStatus() ?? default).ValueKind == JsonValueKind.Object && DayOf(s) == day, TimeSpan.FromSeconds(10));
        Skip.If(!faked, $"libfaketime did not act on the binary (its day is {DayOf(s)}, not {day})");
        Assert.Equal("SAFE", s.GetProperty("state").GetString());

        File.WriteAllText(spec, Offset(offset - 150)); // 23:58:00 the day before
        Assert.True(Bin.WaitFor(() => Anomalies(s = d.TryStatus()!.Value, "CLOCK_STEP_BACK") >= 1, TimeSpan.FromSeconds(15)), $"no CLOCK_STEP_BACK: {s}");
        Assert.Equal(day, DayOf(s));
        Assert.Equal("ENGAGED", s.GetProperty("state").GetString());
        Assert.StartsWith("CLOCK_STEP_BACK", s.GetProperty("reason").GetString());
        Assert.Equal("risk", s.GetProperty("source").GetString());

        File.WriteAllText(spec, Offset(offset)); // and forward again
        Assert.True(Bin.WaitFor(() => Anomalies(s = d.TryStatus()!.Value, "CLOCK_STEP_FORWARD") >= 1, TimeSpan.FromSeconds(15)), $"no CLOCK_STEP_FORWARD: {s}");
        Assert.Equal(day, DayOf(s));
    }

    static string Offset(long seconds) => (seconds >= 0 ? "+" : "") + seconds.ToString(CultureInfo.InvariantCulture);

    static string? DayOf(JsonElement s) =>
        s.ValueKind == JsonValueKind.Object && s.TryGetProperty("day", out var d) ? d.GetProperty("date").GetString() : null;

    static long Anomalies(JsonElement s, string code) =>
        s.GetProperty("counters").GetProperty("anomalies").TryGetProperty(code, out var n) ? n.GetInt64() : 0;
}
