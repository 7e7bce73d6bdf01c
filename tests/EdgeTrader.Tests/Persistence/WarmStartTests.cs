using System.Diagnostics;
using System.Text.Json;
using EdgeTrader.Tests.Cli;
using Xunit.Abstractions;

namespace EdgeTrader.Tests.Persistence;

/// <summary>
/// Orders left in flight by a killed daemon: restored at the next start and reconciled with the gateway through
/// open_orders, or discarded with --cold; never resent.
/// </summary>
[Collection("persistence")]
[Trait("Arch", "arm64")] // also run against the arm64 binary under qemu-user (Bin, scripts/test.sh)
public class WarmStartTests(ITestOutputHelper output)
{
    static string Ep() => $"tcp://127.0.0.1:{Bin.FreePort()}";

    /// <summary>
    /// A scripted gateway (python3-zmq ROUTER): it records every order frame per id and answers nothing, except
    /// open_orders, which it answers from what it recorded: by order of arrival, the 1st of every 4 filled (at the order
    /// price), the 2nd cancelled, the 3rd still open, the 4th unknown (left out). On stdin EOF it prints a summary.
    /// </summary>
    sealed class ScriptedGateway : IDisposable
    {
        const string Script = """
import sys, json, threading, zmq
ctx = zmq.Context(); r = ctx.socket(zmq.ROUTER); r.bind(sys.argv[1])
print("ready", flush=True)
seen = {}; arrival = []; requests = []; stop = threading.Event()
def answer(peer, req):
    node = req.get("node", ""); since = req.get("since"); ids = set(req.get("ids", []))
    out = []
    for i, oid in enumerate(arrival):
        o = seen[oid]["order"]
        if not (oid in ids or (since is not None and oid.startswith(node + "-") and o["time"] >= since)): continue
        k = i % 4
        if k == 3: continue
        state = ["filled", "cancelled", "open"][k]
        out.append({"id": oid, "symbol": o["symbol"], "side": o["side"], "qty": o["qty"], "state": state,
                    "filledQty": o["qty"] if k == 0 else 0, "avgPrice": o["price"] if k == 0 else 0, "time": o["time"]})
    chunks = [out[i:i + 50] for i in range(0, len(out), 50)] or [[]]
    for n, c in enumerate(chunks):
        r.send_multipart([peer, json.dumps({"type": "open_orders", "requestId": req["requestId"], "orders": c, "last": n == len(chunks) - 1}).encode()])
def serve():
    while not stop.is_set():
        if not r.poll(50): continue
        peer, msg = r.recv_multipart()
        m = json.loads(msg)
        if m["type"] == "order":
            e = seen.setdefault(m["id"], {"count": 0, "order": m}); e["count"] += 1
            if e["count"] == 1: arrival.append(m["id"])
        elif m["type"] == "open_orders":
            requests.append(m); answer(peer, m)
t = threading.Thread(target=serve); t.start()
sys.stdin.read(); stop.set(); t.join()
print(json.dumps({"orders": len(seen), "repeated": [k for k, v in seen.items() if v["count"] > 1],
                  "requests": len(requests), "ids": arrival}))
""";
        readonly Process _p;
        readonly Task<string> _out;

        public ScriptedGateway(string endpoint)
        {
            var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add(Script);
            psi.ArgumentList.Add(endpoint);
            _p = Process.Start(psi)!;
            _ = _p.StandardError.ReadToEndAsync();
            // Bound before the daemon starts: otherwise its first orders find no gateway (send failures).
            var ready = _p.StandardOutput.ReadLineAsync();
            Assert.True(ready.Wait(TimeSpan.FromSeconds(20)) && ready.Result == "ready", "scripted gateway did not start (python3-zmq missing?)");
            _out = _p.StandardOutput.ReadToEndAsync();
        }

        public JsonElement Stop()
        {
            _p.StandardInput.Close();
            Assert.True(_p.WaitForExit(15_000), "scripted gateway did not stop");
            using var doc = JsonDocument.Parse(_out.Result);
            return doc.RootElement.Clone();
        }

        public void Dispose()
        {
            if (!_p.HasExited) { _p.Kill(); _p.WaitForExit(); }
            _p.Dispose();
        }
    }

    /// <summary>Trades against the silent scripted gateway until <paramref name="n"/> orders are in flight, engages, lets the journal commit, kills -9.</summary>
    static long LeaveOrdersInFlight(LiveDaemon d, int n)
    {
        d.Start();
        Assert.True(Bin.WaitFor(() => d.Status().GetProperty("counters").GetProperty("inFlight").GetInt64() >= n, TimeSpan.FromSeconds(20)));
        Assert.Equal(0, d.Cli("engage", "--reason", "leave orders in flight").Exit);
        JsonElement s = default;
        Assert.True(Bin.WaitFor(() =>
        {
            s = d.Status();
            var j = s.GetProperty("journal");
            return j.GetProperty("appended").GetInt64() == j.GetProperty("committed").GetInt64();
        }, TimeSpan.FromSeconds(10)));
        long inFlight = s.GetProperty("counters").GetProperty("inFlight").GetInt64();
        Assert.Equal(s.GetProperty("counters").GetProperty("orders").GetInt64(), inFlight); // nothing answered
        d.Kill9();
        return inFlight;
    }

    [Fact]
    public void Orders_left_in_flight_by_a_kill_are_reconciled_with_the_gateway_at_the_next_start_and_none_is_resent()
    {
        string ticks = Ep(), gw = Ep();
        using var gateway = new ScriptedGateway(gw);
        using var sim = new SimBridgeProcess(ticks, Ep(), 500); // ticks only; its own gateway is unused
        using var d = new LiveDaemon(ticks, gw);
        long pending = LeaveOrdersInFlight(d, 40);

        // A dry-run start has no gateway to ask: it leaves them for the next live start.
        d.WriteConfig(dryRun: true);
        d.Start();
        var dry = d.Status().GetProperty("recovery");
        Assert.Equal("dry-run", dry.GetProperty("mode").GetString());
        Assert.Equal(pending, dry.GetProperty("leftForLiveStart").GetInt64());
        Assert.Equal(0, d.Stop());

        // The live start restores them and asks the gateway.
        d.WriteConfig(dryRun: false);
        d.Start();
        Assert.Equal("ENGAGED", d.Status().GetProperty("state").GetString()); // the latch survived both restarts
        Assert.True(Bin.WaitFor(() => d.Status().GetProperty("recovery").GetProperty("state").GetString() == "done", TimeSpan.FromSeconds(10)), d.Log);
        var s = d.Status();
        var rec = s.GetProperty("recovery");
        long filled = (pending + 3) / 4, cancelled = (pending + 2) / 4, open = (pending + 1) / 4, unknown = pending / 4;
        Assert.Equal(pending, rec.GetProperty("restoredInFlight").GetInt64());
        Assert.Equal(filled, rec.GetProperty("filled").GetInt64());
        Assert.Equal(cancelled, rec.GetProperty("givenUp").GetInt64());
        Assert.Equal(open, rec.GetProperty("open").GetInt64());
        Assert.Equal(unknown, rec.GetProperty("unknownAtGateway").GetInt64());
        Assert.Equal(0, rec.GetProperty("recovered").GetInt64());
        Assert.Equal(1, rec.GetProperty("requestRounds").GetInt64());
        Assert.Equal(open, s.GetProperty("counters").GetProperty("inFlight").GetInt64()); // still worked at the gateway
        Assert.Contains("unknown_at_gateway", d.Log);

        // Position: the filled ones, from the journal's fills (every-tick alternates BUY and SELL of 0.01).
        var j = JournalReading.Read(d.StateDir, s.GetProperty("day").GetProperty("date").GetString()!);
        Assert.Empty(j.Unparseable);
        Assert.Equal(j.Net.GetValueOrDefault("EURUSD"), s.GetProperty("positions").GetProperty("EURUSD").GetProperty("net").GetDouble(), 9);
        Assert.Equal(filled, j.TypeCounts.GetValueOrDefault("fill"));
        Assert.Equal(unknown, j.TypeCounts.GetValueOrDefault("unknown_at_gateway"));
        Assert.Equal(cancelled, j.TypeCounts.GetValueOrDefault("given_up"));
        Assert.Equal(j.TradesToday, s.GetProperty("day").GetProperty("trades").GetInt64());

        // A reset and new orders: new ids only.
        Assert.Equal(0, d.Cli("reset", "--yes").Exit);
        long before = s.GetProperty("counters").GetProperty("orders").GetInt64();
        Assert.True(Bin.WaitFor(() => d.Status().GetProperty("counters").GetProperty("orders").GetInt64() >= before + 20, TimeSpan.FromSeconds(20)));
        Assert.Equal(0, d.Cli("engage", "--reason", "done").Exit);
        Assert.Equal(0, d.Stop());
        var g = gateway.Stop();
        Assert.Empty(g.GetProperty("repeated").EnumerateArray()); // each id reached the gateway exactly once
        Assert.Equal((pending + 255) / 256, g.GetProperty("requests").GetInt32()); // one round: 256 ids per request
        var all = JournalReading.Read(d.StateDir, "");
        Assert.All(all.OrderIds, kv => Assert.Equal(1, kv.Value));
        Assert.All(g.GetProperty("ids").EnumerateArray(), id => Assert.True(all.OrderIds.ContainsKey(id.GetString()!), $"{id} reached the gateway but is not in the journal"));
        output.WriteLine($"{pending} left in flight: {filled} filled, {cancelled} cancelled, {open} open, {unknown} unknown at the gateway; {g.GetProperty("orders").GetInt32()} ids at the gateway, none twice");
        sim.Stop();
    }

    [Fact]
    public void Run_cold_discards_the_orders_left_in_flight_logging_each_id_and_keeps_the_breaker()
    {
        string ticks = Ep(), gw = Ep();
        using var gateway = new ScriptedGateway(gw);
        using var sim = new SimBridgeProcess(ticks, Ep(), 500);
        using var d = new LiveDaemon(ticks, gw);
        long pending = LeaveOrdersInFlight(d, 20);
        var dayDate = "";

        d.Start("--cold");
        var s = d.Status();
        Assert.Equal("ENGAGED", s.GetProperty("state").GetString()); // --cold never touches the breaker
        Assert.Equal("leave orders in flight", s.GetProperty("reason").GetString());
        var rec = s.GetProperty("recovery");
        Assert.Equal("cold", rec.GetProperty("mode").GetString());
        Assert.Equal(pending, rec.GetProperty("discarded").GetInt64());
        Assert.Equal(0, s.GetProperty("counters").GetProperty("inFlight").GetInt64());
        dayDate = s.GetProperty("day").GetProperty("date").GetString()!;
        var j = JournalReading.Read(d.StateDir, dayDate);
        var ids = j.OrderIds.Keys.Where(id => !j.SendFailed.Contains(id)).ToList(); // sent before the gateway link was up: never left
        Assert.Equal(pending, ids.Count);
        Assert.True(Bin.WaitFor(() => d.Log.Contains($"discarding {pending} order(s)"), TimeSpan.FromSeconds(5)), d.Log);
        Assert.All(ids, id => Assert.Contains(id, d.Log));
        Assert.True(Bin.WaitFor(() => JournalReading.Read(d.StateDir, dayDate).TypeCounts.GetValueOrDefault("discarded") == pending, TimeSpan.FromSeconds(5)));
        Assert.Equal(0, d.Stop());

        // Discarded for good: the next warm start has nothing to reconcile.
        d.Start();
        Assert.Equal("none", d.Status().GetProperty("recovery").GetProperty("state").GetString());
        Assert.Equal(0, d.Stop());
        var g = gateway.Stop();
        Assert.Equal(0, g.GetProperty("requests").GetInt32());
        Assert.Empty(g.GetProperty("repeated").EnumerateArray());
        output.WriteLine($"--cold discarded {pending}: {string.Join(' ', ids.Take(5))} ...");
        sim.Stop();
    }

    [Fact]
    public void A_gateway_that_does_not_answer_open_orders_holds_new_orders_and_engages_the_breaker_and_run_cold_resumes()
    {
        string ticks = Ep(), gw = Ep();
        using var d = new LiveDaemon(ticks, gw);
        d.WriteConfig(dryRun: false, ackTimeoutMs: 200);
        using (var answering = new SimBridgeProcess(ticks, gw, 500))
        {
            d.Start();
            Assert.True(Bin.WaitFor(() => d.Status().GetProperty("counters").GetProperty("orders").GetInt64() >= 100, TimeSpan.FromSeconds(20)));
            d.Kill9(); // a crash while trading: the next start must ask the gateway
            answering.Stop();
        }
        using var silent = new SimBridgeProcess(ticks, gw, 500, "--silent-gateway");
        d.Start();
        Assert.Equal("SAFE", d.Status().GetProperty("state").GetString());
        Assert.True(Bin.WaitFor(() => d.Status().GetProperty("counters").GetProperty("denials").TryGetProperty("RECONCILIATION_PENDING", out var n) && n.GetInt64() >= 50, TimeSpan.FromSeconds(10)),
            "new orders were not held while reconciling");
        Assert.Equal(0, d.Status().GetProperty("counters").GetProperty("orders").GetInt64());
        // 5 x ackTimeoutMs without an answer: engaged, and still held.
        Assert.True(Bin.WaitFor(() => d.Status().GetProperty("state").GetString() == "ENGAGED", TimeSpan.FromSeconds(10)));
        var s = d.Status();
        Assert.Equal("gateway", s.GetProperty("source").GetString());
        Assert.Contains("open_orders", s.GetProperty("reason").GetString());
        Assert.Equal("no-answer", s.GetProperty("recovery").GetProperty("state").GetString());
        Assert.True(s.GetProperty("recovery").GetProperty("requestRounds").GetInt64() >= 2); // asked again, never resent an order
        Assert.Equal(0, d.Stop());

        // The operator gives up on reconciliation: --cold, reset, trading resumes.
        d.Start("--cold");
        Assert.Equal("ENGAGED", d.Status().GetProperty("state").GetString());
        Assert.Equal(0, d.Cli("reset", "--yes").Exit);
        Assert.True(Bin.WaitFor(() => d.Status().GetProperty("counters").GetProperty("orders").GetInt64() >= 20, TimeSpan.FromSeconds(20)));
        Assert.Equal(0, d.Stop());
        var summary = silent.Stop();
        Assert.Equal(0, summary.GetProperty("duplicateOrderIds").GetInt64());
        Assert.True(summary.GetProperty("openOrdersRequests").GetInt64() >= 2);
    }
}
