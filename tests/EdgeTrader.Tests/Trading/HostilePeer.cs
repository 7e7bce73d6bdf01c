using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeTrader.Tests.Cli;
using EdgeTrader.Tests.Persistence;

namespace EdgeTrader.Tests.Trading;

/// <summary>
/// The daemon's two peers as one separate python3-zmq process: a bridge (XPUB) that publishes exactly the ticks a test
/// hands it, and a gateway (ROUTER) that acks and fills every order at the order's own price and quantity unless the
/// test planned otherwise for it, answers heartbeats, cancel_all (accepted) and open_orders (what it filled, plus
/// whatever the test forged). Driven by one JSON command per stdin line, answered by one JSON line on stdout.
/// </summary>
internal sealed class HostilePeer : IDisposable
{
    const string Script = """
import sys, json, threading, time, zmq
ctx = zmq.Context()
pub = ctx.socket(zmq.XPUB); pub.setsockopt(zmq.XPUB_VERBOSE, 1); pub.bind(sys.argv[1])
gw = ctx.socket(zmq.ROUTER); gw.bind(sys.argv[2])
lock = threading.Lock(); stop = threading.Event()
orders = []; plans = []; forged = []; filled = {}; stats = {"openOrdersRequests": 0, "cancelAll": 0, "unknown": 0}
subscribed = False
def now(): return int(time.time() * 1000)
def send(peer, obj): gw.send_multipart([peer, json.dumps(obj).encode()])
def serve():
    while not stop.is_set():
        if not gw.poll(20): continue
        parts = gw.recv_multipart(); peer, m = parts[0], json.loads(parts[-1])
        t = m.get("type")
        if t == "order":
            with lock:
                orders.append(m)
                plan = next((p for p in plans if p.get("side") in (None, m["side"])), None)
                if plan is not None: plans.remove(plan)
            qty = plan.get("qty", m["qty"]) if plan else m["qty"]
            price = plan.get("price", m["price"]) if plan else m["price"]
            send(peer, {"type": "ack", "id": m["id"]})
            if plan and plan.get("reject"): send(peer, {"type": "reject", "id": m["id"], "reason": "no liquidity"})
            send(peer, {"type": "fill", "id": m["id"], "qty": qty, "price": price})
            if plan and plan.get("again"):
                send(peer, {"type": "fill", "id": m["id"], "qty": plan["again"], "price": price}); qty += plan["again"]
            with lock: filled[m["id"]] = {"qty": qty, "price": price}
        elif t == "heartbeat":
            send(peer, {"type": "heartbeat", "time": now()})
        elif t == "cancel_all":
            with lock: stats["cancelAll"] += 1
            send(peer, {"type": "cancel_all_report", "requestId": m.get("requestId", ""), "status": "accepted", "affected": 0, "ids": [], "last": True})
        elif t == "open_orders":
            node = m.get("node", ""); since = m.get("since"); ids = set(m.get("ids", []))
            with lock:
                stats["openOrdersRequests"] += 1
                out = [{"id": o["id"], "symbol": o["symbol"], "side": o["side"], "qty": o["qty"], "state": "filled",
                        "filledQty": filled[o["id"]]["qty"], "avgPrice": filled[o["id"]]["price"], "time": o["time"]}
                       for o in orders if o["id"] in filled and (o["id"] in ids or (since is not None and o["id"].startswith(node + "-") and o["time"] >= since))]
                out += forged
            send(peer, {"type": "open_orders", "requestId": m.get("requestId", ""), "orders": out, "last": True})
        else:
            with lock: stats["unknown"] += 1
t = threading.Thread(target=serve); t.start()
print(json.dumps({"ready": True}), flush=True)
for line in sys.stdin:
    c = json.loads(line); cmd = c["cmd"]; reply = {}
    if cmd == "ticks":
        if not subscribed:
            pub.setsockopt(zmq.RCVTIMEO, 20000)
            assert pub.recv()[0] == 1  # the daemon's subscription: nothing sent from here on is lost
            subscribed = True
        for k in c["ticks"]:
            k = dict(k); k.setdefault("symbol", "EURUSD")
            if "dt" in k: k["time"] = now() + k.pop("dt")
            k.setdefault("time", now())
            pub.send(json.dumps(k).encode())
        reply = {"sent": len(c["ticks"])}
    elif cmd == "plan":
        with lock: plans.extend(c["plans"])
    elif cmd == "forge":
        with lock: forged[:] = c["orders"]
    elif cmd == "report":
        with lock: reply = {"orders": list(orders), "filled": dict(filled), **stats}
    print(json.dumps(reply), flush=True)
stop.set(); t.join()
""";

    readonly Process _p;

    /// <summary>The bridge's tick endpoint (the daemon's <c>bridge.ticks</c>).</summary>
    public string Ticks { get; } = Ep();

    /// <summary>The gateway's endpoint (the daemon's <c>gateway.endpoint</c>).</summary>
    public string Gateway { get; } = Ep();

    static string Ep() => $"tcp://127.0.0.1:{Bin.FreePort()}";

    public HostilePeer()
    {
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(Script);
        psi.ArgumentList.Add(Ticks);
        psi.ArgumentList.Add(Gateway);
        _p = Process.Start(psi)!;
        _ = _p.StandardError.ReadToEndAsync();
        Call(null); // both sockets bound before the daemon starts
    }

    /// <summary>Sends one command, returns its answer.</summary>
    JsonObject Call(JsonObject? command)
    {
        if (command is not null)
        {
            _p.StandardInput.WriteLine(command.ToJsonString());
            _p.StandardInput.Flush();
        }
        var line = _p.StandardOutput.ReadLineAsync();
        Assert.True(line.Wait(TimeSpan.FromSeconds(30)) && line.Result is not null, "the python3-zmq peer did not answer (python3-zmq missing?)");
        return JsonNode.Parse(line.Result!)!.AsObject();
    }

    /// <summary>A tick: <paramref name="dtMs"/> from now by the peer's clock unless <paramref name="time"/> is given.</summary>
    public static JsonObject Tick(double bid, double ask, long dtMs = 0, long? seq = null, long? time = null)
    {
        var t = new JsonObject { ["bid"] = bid, ["ask"] = ask };
        if (time is { } abs) t["time"] = abs; else t["dt"] = dtMs;
        if (seq is { } s) t["seq"] = s;
        return t;
    }

    /// <summary>Publishes <paramref name="ticks"/> in order (the first call waits for the daemon's subscription).</summary>
    public void Publish(params JsonObject[] ticks) => Call(new JsonObject { ["cmd"] = "ticks", ["ticks"] = new JsonArray(ticks) });

    /// <summary>
    /// Publishes <paramref name="ticks"/> one at a time, each once <paramref name="d"/> has received the one before: a
    /// daemon behind its feed (qemu-user, a loaded machine) conflates ticks that wait together, and these tests count
    /// what happens to every single one.
    /// </summary>
    public void Feed(LiveDaemon d, params JsonObject[] ticks)
    {
        long n = d.Counter("ticks");
        foreach (var t in ticks)
        {
            Publish(t);
            d.WaitForTicks(++n);
        }
    }

    /// <summary>The next order (of <paramref name="side"/>, null: any side) is filled with these numbers instead of its own;
    /// <paramref name="again"/>: then filled once more with that quantity; <paramref name="rejectFirst"/>: rejected, then filled.</summary>
    public void PlanFill(string? side = null, double? price = null, double? qty = null, double? again = null, bool rejectFirst = false)
    {
        var p = new JsonObject { ["side"] = side };
        if (price is { } pr) p["price"] = pr;
        if (qty is { } q) p["qty"] = q;
        if (again is { } a) p["again"] = a;
        if (rejectFirst) p["reject"] = true;
        Call(new JsonObject { ["cmd"] = "plan", ["plans"] = new JsonArray(p) });
    }

    /// <summary>Every open_orders answer from now on lists <paramref name="orders"/> as well.</summary>
    public void Forge(params JsonObject[] orders) => Call(new JsonObject { ["cmd"] = "forge", ["orders"] = new JsonArray(orders) });

    /// <summary>What reached the gateway: <c>orders</c> (every order frame), <c>filled</c>, <c>openOrdersRequests</c>, <c>cancelAll</c>.</summary>
    public JsonObject Report() => Call(new JsonObject { ["cmd"] = "report" });

    public int OrdersReceived => Report()["orders"]!.AsArray().Count;

    public void Dispose()
    {
        try { _p.StandardInput.Close(); } catch (IOException) { }
        if (!_p.WaitForExit(5_000)) _p.Kill();
        _p.WaitForExit();
        _p.Dispose();
    }
}

/// <summary>
/// A live daemon (every-tick, EURUSD) against a <see cref="HostilePeer"/>, configured only with keys that the daemon
/// before the trading rules accepted as well (no <c>clock</c>, no <c>risk.priceBand</c>: their defaults apply), so
/// that a test of a rule fails on the rule there and not on the configuration.
/// </summary>
internal static class HostileDaemon
{
    public static LiveDaemon Start(HostilePeer peer, string node = "n1", double qty = 0.01, double maxDailyLoss = 1e12)
    {
        var d = new LiveDaemon(peer.Ticks, peer.Gateway);
        WriteConfig(d, node, qty, maxDailyLoss);
        d.Start();
        return d;
    }

    public static void WriteConfig(LiveDaemon d, string node = "n1", double qty = 0.01, double maxDailyLoss = 1e12)
    {
        var inv = CultureInfo.InvariantCulture;
        File.WriteAllText(d.ConfigPath, $$"""
        {
          "node": "{{node}}",
          "stateDir": "{{d.StateDir}}",
          "logDir": "{{d.Dir}}/log",
          "control": { "socket": "{{d.Socket}}" },
          "http": { "listen": "127.0.0.1:0" },
          "bridge": { "ticks": "{{d.Ticks}}", "staleAfterMs": {{Bin.Scaled(5000)}} },
          "gateway": { "endpoint": "{{d.Gateway}}", "heartbeatMs": 200, "staleAfterMs": {{Bin.Scaled(5000)}}, "ackTimeoutMs": {{Bin.Scaled(2000)}} },
          "execution": { "dryRun": false },
          "strategy": { "kind": "every-tick", "qty": {{qty.ToString("R", inv)}}, "symbols": ["EURUSD"] },
          "risk": { "maxOrdersPerSecond": 100000, "maxPosition": 1000, "maxTradesPerDay": 100000000, "maxLossStreak": 0, "maxDailyLoss": {{maxDailyLoss.ToString("R", inv)}} }
        }
        """);
    }

    /// <summary>The status counters; a status without them (a daemon that cannot write its status) fails the test with what it answered.</summary>
    public static JsonElement Counters(this LiveDaemon d)
    {
        var s = Alive(d).Status();
        if (!s.TryGetProperty("counters", out var c)) Assert.Fail($"status has no counters: {s}");
        return c;
    }

    public static long Counter(this LiveDaemon d, string name) => d.Counters().GetProperty(name).GetInt64();

    /// <summary>A drop or anomaly count by code (0 when the daemon never counted one).</summary>
    public static long Coded(this LiveDaemon d, string group, string code) =>
        d.Counters().TryGetProperty(group, out var g) && g.TryGetProperty(code, out var n) ? n.GetInt64() : 0;

    public static double Net(this LiveDaemon d) =>
        d.Status().GetProperty("positions").TryGetProperty("EURUSD", out var p) ? p.GetProperty("net").GetDouble() : 0;

    /// <summary>Waits until the daemon has received <paramref name="n"/> ticks in all; fails at once if it died.</summary>
    public static void WaitForTicks(this LiveDaemon d, long n) =>
        Assert.True(Bin.WaitFor(() => Alive(d).Counter("ticks") >= n, TimeSpan.FromSeconds(10)), $"the daemon did not receive {n} ticks: {d.Counters()}");

    /// <summary><paramref name="d"/>, after failing the test with its exit status and log if its process has ended.</summary>
    public static LiveDaemon Alive(LiveDaemon d)
    {
        if (d.Process is { HasExited: true } p)
        {
            p.WaitForExit(); // drain the log
            Assert.Fail($"the daemon exited ({p.ExitCode}{(p.ExitCode > 128 ? $", signal {p.ExitCode - 128}" : "")}):\n{string.Join('\n', d.Log.Split('\n').TakeLast(15))}");
        }
        return d;
    }

    /// <summary>Waits until <paramref name="n"/> fills are booked and nothing is in flight.</summary>
    public static void WaitForFills(this LiveDaemon d, long n) =>
        Assert.True(Bin.WaitFor(() => { var c = d.Counters(); return c.GetProperty("fills").GetInt64() >= n && c.GetProperty("inFlight").GetInt64() == 0; }, TimeSpan.FromSeconds(10)),
            $"{n} fills were not booked: {d.Counters()}");
}
