using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using EdgeTrader.Tests.Cli;
using EdgeTrader.Tests.Persistence;
using Xunit.Abstractions;

namespace EdgeTrader.Tests.Session;

/// <summary>
/// A live daemon (the AOT binary) whose gateway section and bridge silence rule a test chooses, with its console log
/// kept, against sim-bridge in one of its hostile modes as its own process.
/// </summary>
internal sealed class GatewayDaemon : IDisposable
{
    readonly ConcurrentQueue<string> _log = new();
    public string Dir { get; } = Directory.CreateTempSubdirectory("et-cancel-").FullName;
    public string Socket => Path.Combine(Dir, "control.sock");
    public string ConfigPath => Path.Combine(Dir, "edgetrader.json");
    public Process? Process { get; private set; }
    public string Log => string.Join('\n', _log);

    /// <param name="gateway">Extra keys of the gateway section (JSON members, each followed by a comma).</param>
    /// <param name="bridgeEngageOnSilenceMs">bridge.engageOnSilenceMs (0 = never).</param>
    public GatewayDaemon(string ticks, string gw, string gateway = "", int bridgeEngageOnSilenceMs = 0) => File.WriteAllText(ConfigPath, $$"""
        {
          "node": "e2e",
          "http": { "listen": "127.0.0.1:0" },
          "stateDir": "{{Dir}}/state",
          "logDir": "{{Dir}}/log",
          "control": { "socket": "{{Socket}}" },
          "bridge": { "ticks": "{{ticks}}", "staleAfterMs": {{Bin.Scaled(500)}}, "engageOnSilenceMs": {{(bridgeEngageOnSilenceMs == 0 ? 0 : Bin.Scaled(bridgeEngageOnSilenceMs))}} },
          "gateway": { {{gateway}} "endpoint": "{{gw}}", "heartbeatMs": 200, "ackTimeoutMs": {{Bin.Scaled(1000)}} },
          "execution": { "dryRun": false },
          "strategy": { "kind": "every-tick", "qty": 0.01, "symbols": ["EURUSD"] },
          "risk": { "maxOrdersPerSecond": 100000, "maxPosition": 1000, "maxTradesPerDay": 100000000, "maxLossStreak": 0, "maxDailyLoss": 1e12 }
        }
        """);

    public void Start()
    {
        var p = Process.Start(Bin.StartInfo(["run", "--config", ConfigPath]))!;
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) _log.Enqueue(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) _log.Enqueue(e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        Process = p;
        Assert.True(Bin.WaitFor(() => Bin.TryStatus(Socket) is not null, TimeSpan.FromSeconds(10)), $"daemon did not answer on its control socket:\n{Log}");
    }

    public JsonElement Status() => Bin.TryStatus(Socket) ?? throw new InvalidOperationException($"no status:\n{Log}");

    public (int Exit, string Out, string Err) Cli(params string[] args) => Bin.Run([.. args, "--socket", Socket]);

    /// <summary>SIGTERM; the exit code and how long the stop took.</summary>
    public (int Exit, TimeSpan Took) Stop()
    {
        if (Process is null || Process.HasExited) return (Process?.ExitCode ?? -1, TimeSpan.Zero);
        var sw = Stopwatch.StartNew();
        Bin.Terminate(Process);
        if (!Process.WaitForExit(Bin.Scaled(20_000))) { Process.Kill(true); return (-1, sw.Elapsed); }
        Process.WaitForExit(); // the log's last lines
        return (Process.ExitCode, sw.Elapsed);
    }

    public void Dispose()
    {
        Stop();
        Process?.Dispose();
        try { Directory.Delete(Dir, true); } catch (IOException) { }
    }
}

/// <summary>cancel_all end to end: the gateway's report, its rejection, and the clean stop's cancel of working orders.</summary>
[Trait("Arch", "arm64")]
public class CancelAllProcessTests(ITestOutputHelper output)
{
    static string Ep() => $"tcp://127.0.0.1:{Bin.FreePort()}";

    static long Counter(JsonElement s, string name) => s.GetProperty("counters").GetProperty(name).GetInt64();

    [Fact]
    public void A_clean_stop_with_orders_working_at_a_slow_gateway_sends_cancel_all_and_logs_the_gateways_confirmation()
    {
        string ticks = Ep(), gw = Ep();
        using var d = new GatewayDaemon(ticks, gw);
        using var sim = new SimBridgeProcess(ticks, gw, 100, "--hold-orders");
        d.Start();
        Assert.True(Bin.WaitFor(() => Counter(d.Status(), "acks") >= 20, TimeSpan.FromSeconds(20)), d.Log);
        var before = d.Status();
        Assert.Equal("none", before.GetProperty("cancelAll").GetProperty("state").GetString());
        Assert.True(Counter(before, "inFlight") >= 20); // acknowledged, never filled: working at the gateway
        var (exit, took) = d.Stop();
        output.WriteLine($"stop took {took.TotalMilliseconds:0} ms");
        Assert.Equal(0, exit);
        var g = sim.Stop();
        Assert.Equal(1, g.GetProperty("cancelAll").GetInt64());
        Assert.Equal(g.GetProperty("orders").GetInt64(), g.GetProperty("cancelledOrders").GetInt64()); // nothing left working
        Assert.StartsWith("e2e-", g.GetProperty("lastCancelRequestId").GetString());
        Assert.Matches(@"cancel-all e2e-\d+-ca1 at stop: confirmed by the gateway, \d+ order\(s\) cancelled, 0 still in flight", d.Log);
        var j = JournalReading.Read(Path.Combine(d.Dir, "state"), before.GetProperty("day").GetProperty("date").GetString()!);
        Assert.Equal(g.GetProperty("orders").GetInt64(), j.TypeCounts.GetValueOrDefault("given_up"));
    }

    [Fact]
    public void A_clean_stop_whose_cancel_all_the_gateway_never_confirms_waits_the_linger_and_says_so()
    {
        string ticks = Ep(), gw = Ep();
        using var d = new GatewayDaemon(ticks, gw, gateway: $"\"shutdownLingerMs\": {Bin.Scaled(1500)},");
        using var sim = new SimBridgeProcess(ticks, gw, 100, "--hold-orders", "--cancel-report", "none");
        d.Start();
        Assert.True(Bin.WaitFor(() => Counter(d.Status(), "acks") >= 5, TimeSpan.FromSeconds(20)), d.Log);
        var (exit, took) = d.Stop();
        Assert.Equal(0, exit);
        Assert.True(took >= TimeSpan.FromMilliseconds(Bin.Scaled(1500)), $"the stop took {took}");
        Assert.Equal(1, sim.Stop().GetProperty("cancelAll").GetInt64());
        Assert.Contains("at stop: handed to the gateway link but not confirmed within", d.Log);
        Assert.DoesNotContain("confirmed by the gateway", d.Log);
    }

    [Fact]
    public void With_cancelOnShutdown_false_a_clean_stop_leaves_the_working_orders_alone()
    {
        string ticks = Ep(), gw = Ep();
        using var d = new GatewayDaemon(ticks, gw, gateway: "\"cancelOnShutdown\": false,");
        using var sim = new SimBridgeProcess(ticks, gw, 100, "--hold-orders");
        d.Start();
        Assert.True(Bin.WaitFor(() => Counter(d.Status(), "acks") >= 5, TimeSpan.FromSeconds(20)), d.Log);
        Assert.Equal(0, d.Stop().Exit);
        Assert.Equal(0, sim.Stop().GetProperty("cancelAll").GetInt64());
    }

    [Fact]
    public void An_engagement_cancel_all_is_confirmed_in_status_with_the_orders_it_cancelled_and_none_stays_unresolved()
    {
        string ticks = Ep(), gw = Ep();
        using var d = new GatewayDaemon(ticks, gw);
        using var sim = new SimBridgeProcess(ticks, gw, 100, "--hold-orders");
        d.Start();
        Assert.True(Bin.WaitFor(() => Counter(d.Status(), "acks") >= 10, TimeSpan.FromSeconds(20)), d.Log);
        Assert.Equal(0, d.Cli("engage", "--reason", "stop everything").Exit);
        JsonElement ca = default;
        Assert.True(Bin.WaitFor(() => (ca = d.Status().GetProperty("cancelAll")).GetProperty("state").GetString() == "accepted", TimeSpan.FromSeconds(10)), d.Log);
        var s = d.Status();
        Assert.Equal(Counter(s, "orders"), ca.GetProperty("affected").GetInt64());
        Assert.Equal(0, ca.GetProperty("unresolved").GetInt64());
        Assert.Equal(0, Counter(s, "inFlight"));
        Assert.Equal(Counter(s, "orders"), Counter(s, "cancelledByGateway"));
        Assert.Equal(0, d.Cli("reset", "--yes").Exit);
    }

    [Fact]
    public void A_rejected_cancel_all_is_shown_in_status_flashes_amber_and_the_reset_is_refused()
    {
        string ticks = Ep(), gw = Ep();
        using var d = new GatewayDaemon(ticks, gw);
        using var sim = new SimBridgeProcess(ticks, gw, 100, "--hold-orders", "--cancel-report", "reject");
        d.Start();
        Assert.True(Bin.WaitFor(() => Counter(d.Status(), "acks") >= 5, TimeSpan.FromSeconds(20)), d.Log);
        Assert.Equal(0, d.Cli("engage", "--reason", "stop everything").Exit);
        Assert.True(Bin.WaitFor(() => d.Status().GetProperty("cancelAll").GetProperty("state").GetString() == "rejected", TimeSpan.FromSeconds(10)), d.Log);
        var s = d.Status();
        Assert.Equal("simulated rejection", s.GetProperty("cancelAll").GetProperty("rejectReason").GetString());
        Assert.Contains(s.GetProperty("faults").EnumerateArray(), f => f.GetProperty("code").GetString() == "CANCEL_ALL_REJECTED");
        Assert.Equal("blink", s.GetProperty("lamps").GetProperty("amber").GetString());
        Assert.True(Counter(s, "inFlight") > 0); // still working at the gateway, and still tracked
        var (exit, _, err) = d.Cli("reset", "--yes");
        Assert.Equal(3, exit);
        Assert.Contains("CANCEL_ALL_REJECTED", err);
        Assert.Equal("ENGAGED", d.Status().GetProperty("state").GetString());
        Assert.Contains("REJECTED by the gateway", d.Log);
    }
}
