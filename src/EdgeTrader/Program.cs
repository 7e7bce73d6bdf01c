using System.CommandLine;
using System.Runtime.InteropServices;
using EdgeTrader.App.Cli;
using EdgeTrader.App.Demo;
using EdgeTrader.App.SimBridge;

namespace EdgeTrader.App;

/// <summary>The `edgetrader` command line (CONTRACT §1).</summary>
public static class Program
{
    /// <summary>Product version.</summary>
    public static string Version => typeof(Program).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    /// <summary>Entry point.</summary>
    public static int Main(string[] args)
    {
        if (args is ["--version"])
        {
            Console.WriteLine($"edgetrader {Version} ({RuntimeInformation.FrameworkDescription}, {RuntimeInformation.RuntimeIdentifier}, {(System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported ? "JIT" : "native AOT")})");
            return 0;
        }
        var root = new RootCommand("EdgeTrader: a kill-switch-guarded trading appliance");

        var socket = new Option<string>("--socket") { Description = "control socket of the daemon", DefaultValueFactory = _ => DaemonCommands.DefaultSocket };
        var config = new Option<string>("--config") { Description = "configuration file", DefaultValueFactory = _ => DaemonCommands.DefaultConfig };

        var cold = new Option<bool>("--cold") { Description = "do not reconcile orders left in flight with the gateway: discard them (logged by id); the kill-switch state is kept" };
        var run = new Command("run", "run the appliance daemon (exit 0 on SIGTERM/SIGINT, 2 on a configuration error, 1 on a fatal error)") { config, cold };
        run.SetAction(p => DaemonCommands.Run(p.GetValue(config)!, p.GetValue(cold)));
        root.Subcommands.Add(run);

        var duration = new Option<double?>("--duration") { Description = "run unattended for this many seconds (engages at half time, prints a summary)" };
        var demo = new Command("demo", "the whole pipeline on an embedded default, no set-up") { duration };
        demo.SetAction(p => DemoCommand.Run(p.GetValue(duration)));
        root.Subcommands.Add(demo);

        var json = new Option<bool>("--json") { Description = "machine-readable" };
        var watch = new Option<bool>("--watch") { Description = "refresh the view until interrupted" };
        var interval = new Option<double>("--interval") { Description = "seconds between refreshes with --watch", DefaultValueFactory = _ => 1.0 };
        var status = new Command("status", "the running daemon's state") { json, watch, interval, socket };
        status.SetAction(p => p.GetValue(watch)
            ? StatusWatch.Run(p.GetValue(socket)!, p.GetValue(json), p.GetValue(interval))
            : DaemonCommands.Status(p.GetValue(socket)!, p.GetValue(json)));
        root.Subcommands.Add(status);

        var reason = new Option<string>("--reason") { Description = "why (kept up to 1,024 bytes: a longer reason is cut, never refused)", Required = true };
        var engage = new Command("engage", "engage the kill switch; returns once the gates are closed") { reason, socket };
        engage.SetAction(p => DaemonCommands.Engage(p.GetValue(socket)!, p.GetValue(reason)!));
        root.Subcommands.Add(engage);

        var yes = new Option<bool>("--yes") { Description = "confirm: re-open the gates" };
        var resetReason = new Option<string?>("--reason") { Description = "why (journaled; kept up to 1,024 bytes)" };
        var reset = new Command("reset", "reset the kill switch (refused while the emergency stop is pressed)") { yes, resetReason, socket };
        reset.SetAction(p => DaemonCommands.Reset(p.GetValue(socket)!, p.GetValue(yes), p.GetValue(resetReason)));
        root.Subcommands.Add(reset);

        // Hidden: the GPIO driver contract on a gpio-sim chip, for the VM test (tests/vm/checks.sh), which has no SDK.
        var ctIn = new Option<string>("--input") { Required = true };
        var ctOut = new Option<string>("--output") { Required = true };
        var gpioSelfTest = new Command("gpio-driver", "the panel driver contract against the uAPI driver on a gpio-sim chip") { ctIn, ctOut };
        gpioSelfTest.SetAction(p => EdgeTrader.Panel.Contract.ContractSelfTest.Run(p.GetValue(ctIn)!, p.GetValue(ctOut)!, Console.Out));
        root.Subcommands.Add(new Command("selftest", "built-in checks for the test VM") { Hidden = true, Subcommands = { gpioSelfTest } });

        var check = new Command("check-config", "validate and print the effective configuration") { config };
        check.SetAction(p => DaemonCommands.CheckConfig(p.GetValue(config)!));
        root.Subcommands.Add(check);

        var ticks = new Option<string>("--ticks") { Description = "endpoint to bind the tick publisher on", Required = true };
        var gw = new Option<string>("--gateway") { Description = "endpoint to bind the gateway ROUTER on", Required = true };
        var rate = new Option<double>("--rate") { Description = "ticks per second (0 = flat out)", DefaultValueFactory = _ => 1000 };
        var symbols = new Option<string>("--symbols") { Description = "comma-separated symbols", DefaultValueFactory = _ => "EURUSD" };
        var format = new Option<string>("--format") { Description = "json or dwx", DefaultValueFactory = _ => "json" };
        var rejectRatio = new Option<double>("--reject-ratio") { Description = "share of orders rejected", DefaultValueFactory = _ => 0 };
        var count = new Option<long>("--count") { Description = "stop publishing after N ticks (0 = no limit)", DefaultValueFactory = _ => 0 };
        var silent = new Option<bool>("--silent-gateway") { Description = "say nothing: no answers, no heartbeats of its own" };
        var waitSub = new Option<bool>("--wait-for-subscriber") { Description = "publish only once a subscriber is connected" };
        var exitIdle = new Option<int>("--exit-idle-ms") { Description = "after --count ticks, exit once no order came for this long" };
        var startSeq = new Option<long>("--start-seq") { Description = "first seq - 1 (continue a restarted bridge's numbering)" };
        var holdOrders = new Option<bool>("--hold-orders") { Description = "acknowledge orders and leave them working (never filled) until a cancel_all" };
        var cancelReport = new Option<string>("--cancel-report") { Description = "answer cancel_all with: accept, reject, none", DefaultValueFactory = _ => "accept" };
        cancelReport.AcceptOnlyFromAmong("accept", "reject", "none");
        var feed = new Option<string>("--feed") { Description = "publish: ticks, silent, garbage, stale", DefaultValueFactory = _ => "ticks" };
        feed.AcceptOnlyFromAmong("ticks", "silent", "garbage", "stale");
        var sim = new Command("sim-bridge", "a simulated MT5 bridge (tick PUB) and execution gateway (ROUTER)") { ticks, gw, rate, symbols, format, rejectRatio, count, silent, waitSub, exitIdle, startSeq, holdOrders, cancelReport, feed };
        sim.SetAction(p => SimBridgeCommand.Run(new SimBridgeOptions
        {
            TicksEndpoint = p.GetValue(ticks)!,
            GatewayEndpoint = p.GetValue(gw)!,
            Rate = p.GetValue(rate),
            Symbols = p.GetValue(symbols)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            Format = p.GetValue(format)!,
            RejectRatio = p.GetValue(rejectRatio),
            Count = p.GetValue(count),
            Answer = !p.GetValue(silent),
            WaitForSubscriber = p.GetValue(waitSub),
            StartSeq = p.GetValue(startSeq),
            HoldOrders = p.GetValue(holdOrders),
            CancelReport = p.GetValue(cancelReport)!,
            Feed = p.GetValue(feed)!,
        }, p.GetValue(exitIdle)));
        root.Subcommands.Add(sim);

        // Hidden: MQTT mirror latency through a real broker (scripts/bench-mqtt.sh starts a private one).
        var benchHost = new Option<string>("--host") { Description = "broker host", DefaultValueFactory = _ => "127.0.0.1" };
        var benchPort = new Option<int>("--port") { Description = "broker port", DefaultValueFactory = _ => 1883 };
        var benchCycles = new Option<int>("--cycles") { Description = "engage/reset cycles per mode", DefaultValueFactory = _ => 200 };
        var benchMqtt = new Command("bench-mqtt", "MQTT mirror latency through a real broker") { benchHost, benchPort, benchCycles };
        benchMqtt.Hidden = true;
        benchMqtt.SetAction(p =>
        {
            EdgeTrader.Transports.Mqtt.MirrorLatencyBenchmark.Run(new(p.GetValue(benchHost)!, p.GetValue(benchPort), p.GetValue(benchCycles)), Console.Out);
            return 0;
        });
        root.Subcommands.Add(benchMqtt);

        // Hidden: the in-process tick path (scripts/bench-tick.sh).
        var benchTicks = new Option<long>("--ticks") { Description = "ticks per run", DefaultValueFactory = _ => 20_000_000 };
        var benchRuns = new Option<int>("--runs") { Description = "measured runs per case", DefaultValueFactory = _ => 5 };
        var benchTick = new Command("bench-tick", "in-process tick path throughput and allocations") { benchTicks, benchRuns };
        benchTick.Hidden = true;
        benchTick.SetAction(p => EdgeTrader.App.Bench.TickPathBenchmark.Run(p.GetValue(benchTicks), p.GetValue(benchRuns)));
        root.Subcommands.Add(benchTick);

        // Hidden: the ABI values this binary passes to the kernel and the C libraries (the ABI test, tests/abi).
        var abiJson = new Option<bool>("--json") { Description = "machine-readable (the only format)" };
        var abi = new Command("abi", "the flags, errno values, ioctl numbers and struct layouts compiled into this binary") { abiJson };
        abi.Hidden = true;
        abi.SetAction(_ =>
        {
            using var stdout = Console.OpenStandardOutput();
            EdgeTrader.Interop.AbiReport.WriteJson(stdout);
            return 0;
        });
        root.Subcommands.Add(abi);

        return root.Parse(args).Invoke();
    }
}
