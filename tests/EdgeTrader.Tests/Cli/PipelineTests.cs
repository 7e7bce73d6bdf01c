using System.Diagnostics;
using System.Text.Json;

namespace EdgeTrader.Tests.Cli;

/// <summary>The daemon and sim-bridge as separate processes over real ZeroMQ sockets on loopback.</summary>
[Trait("Arch", "arm64")] // also run against the arm64 binary under qemu-user (Bin, scripts/test.sh)
public class PipelineTests
{
    static (Process P, Task<string> Out) StartSim(string ticks, string gateway, int rate, long startSeq = 0)
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        var p = Process.Start(Bin.PeerStartInfo(["sim-bridge", "--ticks", ticks, "--gateway", gateway, "--rate", rate.ToString(inv), "--start-seq", startSeq.ToString(inv)]))!;
        _ = p.StandardError.ReadToEndAsync();
        return (p, p.StandardOutput.ReadToEndAsync());
    }

    static JsonElement StopSim((Process P, Task<string> Out) sim)
    {
        Bin.Terminate(sim.P);
        Assert.True(sim.P.WaitForExit(Bin.Scaled(10_000)));
        using var doc = JsonDocument.Parse(sim.Out.Result);
        return doc.RootElement.Clone();
    }

    static string Ep() => $"tcp://127.0.0.1:{Bin.FreePort()}";

    [Fact]
    public void Without_engagement_every_tick_becomes_an_order_at_the_gateway()
    {
        string ticks = Ep(), gw = Ep();
        using var d = new Daemon(ticks, gw);
        var sim = StartSim(ticks, gw, 500);
        d.Start();
        Assert.True(Bin.WaitFor(() => d.Status().GetProperty("counters").GetProperty("orders").GetInt64() >= 300, TimeSpan.FromSeconds(20)));
        Bin.Run("engage", "--reason", "stop the flow", "--socket", d.Socket); // freeze the count before comparing
        var status = d.Status().GetProperty("counters");
        long sent = status.GetProperty("orders").GetInt64();
        Assert.True(Bin.WaitFor(() => d.Status().GetProperty("counters").GetProperty("fills").GetInt64() == sent, TimeSpan.FromSeconds(10)), "every order should be filled");
        var s = StopSim(sim);
        Assert.Equal(sent, s.GetProperty("orders").GetInt64());
        Assert.Equal(status.GetProperty("ticksAccepted").GetInt64() - status.GetProperty("blockedGate1").GetInt64(), sent);
    }

    [Fact]
    public void Engaged_before_the_first_tick_no_order_reaches_the_gateway()
    {
        string ticks = Ep(), gw = Ep();
        using var d = new Daemon(ticks, gw);
        d.Start();
        Assert.Equal(0, Bin.Run("engage", "--reason", "before tick 1", "--socket", d.Socket).Exit);
        var sim = StartSim(ticks, gw, 500);
        Assert.True(Bin.WaitFor(() => d.Status().GetProperty("counters").GetProperty("ticks").GetInt64() >= 200, TimeSpan.FromSeconds(20)));
        var s = StopSim(sim);
        Assert.Equal(0, s.GetProperty("orders").GetInt64());
        Assert.Equal(0, d.Status().GetProperty("counters").GetProperty("orders").GetInt64());
    }

    [Fact]
    public void Engage_mid_stream_at_10000_ticks_per_second_no_later_order_reaches_the_gateway_and_cancel_all_arrives()
    {
        string ticks = Ep(), gw = Ep();
        using var d = new Daemon(ticks, gw);
        var sim = StartSim(ticks, gw, 10_000);
        d.Start();
        Assert.True(Bin.WaitFor(() => d.Status().GetProperty("counters").GetProperty("orders").GetInt64() >= 5_000, TimeSpan.FromSeconds(20)));
        var (exit, _, _) = Bin.Run("engage", "--reason", "mid-stream", "--socket", d.Socket);
        long engagedReturnedMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Assert.Equal(0, exit);
        long ordersAtEngage = d.Status().GetProperty("counters").GetProperty("orders").GetInt64();
        // Keep the stream running a while: ticks keep coming, orders must not.
        long ticksAtEngage = d.Status().GetProperty("counters").GetProperty("ticks").GetInt64();
        Assert.True(Bin.WaitFor(() => d.Status().GetProperty("counters").GetProperty("ticks").GetInt64() >= ticksAtEngage + 5_000, TimeSpan.FromSeconds(20)));
        var s = StopSim(sim);
        var c = d.Status().GetProperty("counters");
        Assert.Equal(ordersAtEngage, c.GetProperty("orders").GetInt64());
        Assert.True(s.GetProperty("lastOrderTimeMs").GetInt64() <= engagedReturnedMs, "an order stamped after engage returned reached the gateway");
        Assert.Equal(s.GetProperty("orders").GetInt64(), c.GetProperty("orders").GetInt64());
        Assert.Equal(1, s.GetProperty("cancelAll").GetInt64());
    }

    [Fact]
    public void Bad_ticks_interleaved_with_good_ones_are_dropped_by_reason_and_trading_goes_on()
    {
        string ticks = Ep(), gw = Ep();
        using var d = new Daemon(ticks, gw);
        d.Start();
        // A python3-zmq publisher sends the corpus, bad frames interleaved with good ticks, once the subscription is in.
        string script = $$"""
import zmq, time, json
ctx = zmq.Context(); pub = ctx.socket(zmq.XPUB); pub.bind("{{ticks}}")
pub.setsockopt(zmq.RCVTIMEO, 20000)
assert pub.recv()[0] == 1  # XPUB: the daemon's subscription arrived, nothing sent from here on is lost
bad = [b"", b"x" * (1 << 20), bytes(range(256)), b'{"symbol":"EURUSD","bid":"1.1","ask":1.2,"time":1}',
       b'{"symbol":"EURUSD","bid":NaN,"ask":1.2,"time":1}', b'{"symbol":"EURUSD","bid":Infinity,"ask":1.2,"time":1}',
       b'{"symbol":"EURUSD","bid":1e309,"ask":1.2,"time":1}', b'{"symbol":"EURUSD","bid":-1.0,"ask":1.2,"time":1}',
       b'{"symbol":"EURUSD","bid":1.3,"ask":1.2,"time":1}', b'{"symbol":"","bid":1.1,"ask":1.2,"time":1}']
for round in range(20):
    for b in bad:
        pub.send(b)
        now = int(time.time() * 1000)
        pub.send(json.dumps({"symbol": "EURUSD", "bid": 1.1, "ask": 1.1001, "time": now}).encode())
        time.sleep(0.002)  # a feed's pace, not a burst: a burst is conflated to its newest tick (TickIntake)
pub.close(linger=10000)  # flushes what is queued before exiting
ctx.term()
""";
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardInput = true }; // Debian's python, where python3-zmq installs
        using var py = Process.Start(psi)!;
        py.StandardInput.Write(script);
        py.StandardInput.Close();
        Assert.True(py.WaitForExit(60_000));
        Assert.Equal(0, py.ExitCode);
        Assert.True(Bin.WaitFor(() => d.Status().GetProperty("counters").GetProperty("ticks").GetInt64() >= 400, TimeSpan.FromSeconds(10)));
        var c = d.Status().GetProperty("counters");
        var dropped = c.GetProperty("dropped");
        // Every good tick is accounted for: the first two bootstrap the price band (risk.priceBand.bootstrapTicks 3,
        // not acted on), and a daemon behind the publisher (qemu-user) conflates older ones instead of acting late.
        long unconfirmed = dropped.GetProperty("UNCONFIRMED").GetInt64(), accepted = c.GetProperty("ticksAccepted").GetInt64();
        Assert.Equal(200, unconfirmed + accepted + c.GetProperty("conflated").GetInt64());
        Assert.InRange(unconfirmed, 1, 2);
        Assert.True(accepted >= 1, $"trading went on after the bad ticks: {c}");
        Assert.Equal(20, dropped.GetProperty("EMPTY_FRAME").GetInt64());
        Assert.Equal(20, dropped.GetProperty("OVERSIZE_FRAME").GetInt64());
        Assert.Equal(20, dropped.GetProperty("CROSSED_QUOTE").GetInt64());
        Assert.Equal(20, dropped.GetProperty("UNKNOWN_SYMBOL").GetInt64());
        Assert.Equal(accepted, c.GetProperty("orders").GetInt64() + c.GetProperty("sendFailures").GetInt64());
        Assert.Equal("SAFE", d.Status().GetProperty("state").GetString());
    }

    static long Counter(Daemon d, string name) => d.Status().GetProperty("counters").GetProperty(name).GetInt64();

    [Fact]
    public void Bridge_restarted_mid_stream_ticks_resume_and_the_gap_is_counted()
    {
        string ticks = Ep(), gw = Ep();
        using var d = new Daemon(ticks, gw);
        var sim = StartSim(ticks, gw, 500);
        d.Start();
        Assert.True(Bin.WaitFor(() => Counter(d, "ticks") >= 100, TimeSpan.FromSeconds(20)));
        var first = StopSim(sim);
        long sent = first.GetProperty("ticksSent").GetInt64();
        long before = Counter(d, "ticks");
        // The restarted bridge continues its numbering 1000 further on: 1000 ticks missing.
        var again = StartSim(ticks, gw, 500, startSeq: sent + 1000);
        Assert.True(Bin.WaitFor(() => Counter(d, "ticks") >= before + 100, TimeSpan.FromSeconds(20)), "ticks did not resume after the bridge restart");
        StopSim(again);
        Assert.True(Counter(d, "seqGaps") >= 1);
        Assert.True(Counter(d, "seqGapTicks") >= 1000);
        Assert.Equal("SAFE", d.Status().GetProperty("state").GetString());
    }

    [Fact]
    public void Gateway_down_the_link_is_degraded_and_every_order_is_in_the_journal()
    {
        string ticks = Ep(), gw = Ep(); // nothing binds the gateway endpoint
        using var d = new Daemon(ticks, gw, gatewayStaleAfterMs: 300);
        d.Start();
        string script = $$"""
import zmq, time, json
ctx = zmq.Context(); pub = ctx.socket(zmq.XPUB); pub.bind("{{ticks}}")
pub.setsockopt(zmq.RCVTIMEO, 20000)
assert pub.recv()[0] == 1
for i in range(100):
    pub.send(json.dumps({"symbol": "EURUSD", "bid": 1.1, "ask": 1.1001, "time": int(time.time() * 1000), "seq": i + 1}).encode())
    time.sleep(0.005)  # a feed's pace: 100 ticks in one burst under qemu-user are one turn, conflated to the newest
pub.close(linger=10000); ctx.term()
""";
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardInput = true };
        using (var py = Process.Start(psi)!)
        {
            py.StandardInput.Write(script);
            py.StandardInput.Close();
            Assert.True(py.WaitForExit(60_000));
            Assert.Equal(0, py.ExitCode);
        }
        Assert.True(Bin.WaitFor(() => Counter(d, "ticks") >= 100, TimeSpan.FromSeconds(10)));
        Assert.True(Bin.WaitFor(() => d.Status().GetProperty("links").GetProperty("gateway").GetProperty("state").GetString() == "degraded", TimeSpan.FromSeconds(10)));
        long failures = Counter(d, "sendFailures");
        // Every tick is an order (sent or refused) unless it bootstraps the price band (risk.priceBand.bootstrapTicks 3:
        // the first two) or is conflated because the loop was behind (a loaded machine).
        var counters = d.Status().GetProperty("counters");
        long accepted = counters.GetProperty("ticksAccepted").GetInt64(), orders = failures + Counter(d, "orders");
        Assert.Equal(2, counters.GetProperty("dropped").GetProperty("UNCONFIRMED").GetInt64());
        Assert.True(accepted == orders && accepted + 2 + counters.GetProperty("conflated").GetInt64() == 100, $"ticks unaccounted for: {counters}");
        Assert.True(failures > 0, $"no order was refused by the absent gateway: {counters}");
        Assert.Equal(0, d.Stop()); // the journal is committed on a clean stop
        var lines = Directory.GetFiles(Path.Combine(d.Dir, "state"), "journal-*.jsonl").SelectMany(File.ReadAllLines)
            .Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        var orderIds = lines.Where(l => l.GetProperty("type").GetString() == "order").Select(l => l.GetProperty("id").GetString()).ToList();
        Assert.Equal(orders, orderIds.Count);
        Assert.Equal(orders, orderIds.Distinct().Count());
        Assert.Equal(failures, lines.Count(l => l.GetProperty("type").GetString() == "reject"));
    }
}
