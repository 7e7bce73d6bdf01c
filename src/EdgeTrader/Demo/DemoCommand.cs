using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using EdgeTrader.App.Cli;
using EdgeTrader.App.Daemon;
using EdgeTrader.App.SimBridge;
using EdgeTrader.Configuration;
using EdgeTrader.Health;
using EdgeTrader.Interop.Zmq;
using EdgeTrader.Panel;
using EdgeTrader.Panel.Gpio;

namespace EdgeTrader.App.Demo;

/// <summary>
/// The whole pipeline on an embedded default: sim-bridge (ticks + gateway) over real ZeroMQ sockets on loopback, the
/// daemon's own composition, a simulated panel drawn in the terminal. Unattended (with --duration, or when stdin is
/// not a terminal) it presses the emergency stop at half time and ends with a summary.
/// </summary>
internal static class DemoCommand
{
    public static int Run(double? duration)
    {
        try { ZmqContext.EnsureAvailable(); }
        catch (DllNotFoundException ex) { Console.Error.WriteLine($"edgetrader demo: {ex.Message}"); return ExitCodes.Fatal; }

        bool unattended = duration is not null || Console.IsInputRedirected;
        double seconds = duration ?? 20;
        string dir = Path.Combine(Path.GetTempPath(), $"edgetrader-demo-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        string ticks = $"tcp://127.0.0.1:{FreePort()}", gateway = $"tcp://127.0.0.1:{FreePort()}";
        bool broker = BrokerAnswers();
        string[] symbols = ["EURUSD", "GBPUSD", "USDJPY"];
        var o = new EdgeTraderOptions
        {
            Node = "demo",
            StateDir = Path.Combine(dir, "state"),
            LogDir = Path.Combine(dir, "log"),
            Control = new ControlOptions { Socket = Path.Combine(dir, "control.sock") },
            Bridge = new BridgeOptions { Ticks = ticks, StaleAfterMs = 2000 },
            Gateway = new GatewayOptions { Endpoint = gateway, HeartbeatMs = 500, StaleAfterMs = 2000 },
            Execution = new ExecutionOptions { DryRun = false }, // orders go to the simulated gateway on loopback only
            Strategy = new StrategyOptions { Kind = StrategyKind.EmaCross, Symbols = symbols, Fast = 5, Slow = 20, Qty = 0.01 },
            Risk = new RiskOptions { MaxOrdersPerSecond = 50, MaxQty = 0.1, MaxPosition = 1, MaxDailyLoss = 100_000, MaxLossStreak = 0 },
            Panel = new PanelOptions { Driver = PanelDriverKind.Sim, ResetHoldMs = 2000 },
            Mqtt = new MqttOptions { Enabled = broker, Host = "127.0.0.1", Port = 1883, TopicPrefix = "edgetrader/demo" },
        };
        var errors = OptionsValidator.Validate(o);
        if (errors.Count > 0) { Console.Error.WriteLine("demo config invalid: " + string.Join("; ", errors)); return ExitCodes.Fatal; }

        Console.WriteLine($"EdgeTrader demo {Program.Version}: sim bridge {ticks}, sim gateway {gateway}, state in {dir}");
        Console.WriteLine(broker ? "MQTT: a broker answers on 127.0.0.1:1883, mirroring on (prefix edgetrader/demo)"
                                 : "MQTT: no broker on 127.0.0.1:1883, mirroring off (the demo goes on without it)");
        var log = Logging.Create(o.LogDir, LogLevel.Information, console: false);
        var panel = new SimPanel(o.Panel);
        using var sim = new SimBridgeServer(new SimBridgeOptions { TicksEndpoint = ticks, GatewayEndpoint = gateway, Rate = 1000, Symbols = symbols, WaitForSubscriber = true });
        var sw = Stopwatch.StartNew();
        using var app = Appliance.Start(o, log, panelDriver: panel.Driver);
        if (app.PageAddress is { } page) Console.WriteLine($"status page: {page} (read-only; /metrics, /healthz)");
        long engageAtMs = 0;
        long ordersAtEngage = 0;
        bool engaged = false;
        var total = TimeSpan.FromSeconds(seconds);
        bool quit = false;
        while (!quit && (!unattended || sw.Elapsed < total))
        {
            if (unattended && !engaged && sw.Elapsed >= total / 2)
            {
                engaged = true;
                engageAtMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                sim.Mark(engageAtMs);
                panel.EmergencyStop(true); // the big red button
                ordersAtEngage = app.Engine.Loop.Counters.Orders;
                Console.WriteLine($"[{sw.Elapsed.TotalSeconds,5:0.0}s] emergency stop pressed: {app.Breaker.State.Reason}");
            }
            if (!unattended)
            {
                while (Console.KeyAvailable)
                {
                    var key = Console.ReadKey(intercept: true).KeyChar;
                    if (key == 'q') quit = true;
                    else if (key == 'k') panel.EmergencyStop(!panel.EmergencyStopPressed);
                    else if (key == 'r') HoldReset(panel, o.Panel.ResetHoldMs);
                }
                Draw(app, panel, sim, sw.Elapsed);
                Thread.Sleep(100); // UI refresh pace, not synchronisation
            }
            else
            {
                Thread.Sleep(50);
            }
        }
        var c = app.Engine.Loop.Counters;
        // Let replies in flight arrive before the summary.
        var settle = Stopwatch.StartNew();
        while (settle.ElapsedMilliseconds < 300) Thread.Sleep(20);
        var lat = sim.Latency.Sorted();
        Console.WriteLine();
        Console.WriteLine("== EdgeTrader demo summary");
        Console.WriteLine($"ran {sw.Elapsed.TotalSeconds:0.0} s; breaker {Names(app)}");
        Console.WriteLine($"ticks: sent {sim.TicksSent}, received {c.Ticks}, accepted {c.Accepted}");
        Console.WriteLine($"orders: {c.Orders} sent ({ordersAtEngage} before the engagement, {c.Orders - ordersAtEngage} after); gateway received {sim.Orders}, stamped after the engagement {(engaged ? sim.OrdersStampedAfterMark : 0)}");
        Console.WriteLine($"blocked: {c.Gate1Blocked} ticks at gate 1, {c.Gate2Blocked} signals at gate 2; cancel_all received by the gateway: {sim.CancelAll}");
        Console.WriteLine($"gateway: acks {c.Gateway.Acks}, fills {c.Gateway.Fills}, rejects {c.Gateway.Rejects}");
        if (lat.Length > 0)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"tick->order latency (bridge send -> gateway receive, {lat.Length} orders): p50 {LatencyRecorder.Percentile(lat, 50):0} us, p99 {LatencyRecorder.Percentile(lat, 99):0} us, max {lat[^1]:0} us"));
        Console.WriteLine($"peak RSS {PeakRssKiB() / 1024.0:0.0} MiB; logs and journal: {dir}");
        bool ok = !unattended || (ordersAtEngage > 0 && c.Orders == ordersAtEngage && sim.OrdersStampedAfterMark == 0 && app.Breaker.IsEngaged);
        Console.WriteLine(ok ? "demo: OK" : "demo: UNEXPECTED (see counters above)");
        (log as IDisposable)?.Dispose();
        return ok ? ExitCodes.Ok : ExitCodes.Fatal;
    }

    static string Names(Appliance app)
    {
        var s = app.Breaker.State;
        return $"{(s.IsEngaged ? "ENGAGED" : "SAFE")} (generation {s.Generation}, source {EdgeTrader.KillSwitch.BreakerNames.Of(s.Source)}: {s.Reason})";
    }

    static void HoldReset(SimPanel panel, int holdMs)
    {
        panel.Reset(true); // reset on release: let go after the minimum hold
        _ = Task.Delay(holdMs + 200).ContinueWith(_ => panel.Reset(false), TaskScheduler.Default);
    }

    static void Draw(Appliance app, SimPanel panel, SimBridgeServer sim, TimeSpan elapsed)
    {
        var s = app.Breaker.State;
        var c = app.Engine.Loop.Counters;
        static string Lamp(bool on, string color) => on ? $"\u001b[{color}m\u25cf\u001b[0m" : "\u25cb";
        Console.Write("\u001b[H\u001b[2J");
        Console.WriteLine($"EdgeTrader demo  {elapsed.TotalSeconds:0.0}s   keys: k = emergency stop (toggle), r = hold reset, q = quit\n");
        Console.WriteLine($"  LEDs  green {Lamp(panel.Lamp(PanelLed.Green), "32")}   red {Lamp(panel.Lamp(PanelLed.Red), "31")}   amber {Lamp(panel.Lamp(PanelLed.Amber), "33")}   e-stop {(panel.EmergencyStopPressed ? "PRESSED" : "released")}\n");
        Console.WriteLine($"  breaker {(s.IsEngaged ? "\u001b[31mENGAGED\u001b[0m" : "\u001b[32mSAFE\u001b[0m")}  gen {s.Generation}  source {EdgeTrader.KillSwitch.BreakerNames.Of(s.Source)}  {s.Reason}");
        Console.WriteLine($"  ticks {c.Ticks}  orders {c.Orders}  blocked g1 {c.Gate1Blocked} g2 {c.Gate2Blocked}  fills {c.Gateway.Fills}  gateway got {sim.Orders}  cancel_all {sim.CancelAll}");
        foreach (var link in new[] { Link.Bridge, Link.Gateway, Link.Mqtt })
        {
            var h = app.Health.Get(link);
            Console.WriteLine($"  {link,-8} {h.State,-10} {h.Detail}");
        }
    }

    /// <summary>VmHWM from /proc/self/status: the process's peak resident set.</summary>
    static long PeakRssKiB()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
        return -1;
    }

    static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    static bool BrokerAnswers()
    {
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            return s.ConnectAsync(IPAddress.Loopback, 1883).Wait(300) && s.Connected;
        }
        catch (AggregateException)
        {
            return false;
        }
    }
}
