using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.Json;
using EdgeTrader.App.Daemon;
using EdgeTrader.Configuration;
using EdgeTrader.Control;
using EdgeTrader.Hosting;
using EdgeTrader.Interop.Zmq;
using Serilog;

namespace EdgeTrader.App.Cli;

/// <summary>Exit codes of CONTRACT §1.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Fatal = 1;
    public const int ConfigError = 2;
    public const int Refused = 3;
}

/// <summary>run, check-config, status, engage, reset.</summary>
internal static class DaemonCommands
{
    public const string DefaultConfig = "/etc/edgetrader/edgetrader.json";
    public const string DefaultSocket = "/run/edgetrader/control.sock";

    public static int CheckConfig(string path)
    {
        try
        {
            var o = ConfigLoader.Load(path);
            Console.WriteLine(ConfigLoader.ToJson(o));
            return ExitCodes.Ok;
        }
        catch (ConfigException ex)
        {
            foreach (var e in ex.Errors) Console.Error.WriteLine($"config error: {e.Key}: {e.Reason}");
            return ExitCodes.ConfigError;
        }
    }

    public static int Run(string path, bool cold = false)
    {
        EdgeTraderOptions o;
        try
        {
            o = ConfigLoader.Load(path);
        }
        catch (ConfigException ex)
        {
            foreach (var e in ex.Errors) Console.Error.WriteLine($"config error: {e.Key}: {e.Reason}");
            return ExitCodes.ConfigError;
        }
        var log = Logging.CreateReopenable(o.LogDir, o.LogLevel, console: true, out var logFiles);
        Log.Logger = log;
        try
        {
            using var signals = new DaemonSignals(log, logFiles);
            if (o.Bridge.Transport == ZmqTransportKind.Libzmq) ZmqContext.EnsureAvailable(); // NetMQ needs no native library
            using var app = Appliance.Start(o, log, cold: cold);
            double readyMs = (DateTime.Now - System.Diagnostics.Process.GetCurrentProcess().StartTime).TotalMilliseconds;
            log.Information("edgetrader {Version} ready in {ReadyMs:0.0} ms: node {Node}, {Mode}, control socket {Socket}", Program.Version, readyMs, o.Node,
                o.Execution.DryRun ? "DRY-RUN" : "LIVE ORDERS", o.Control.Socket);
            // systemd (Type=notify): null when not started by it. READY=1 only now that the loops run.
            using var systemd = SystemdNotifier.FromEnvironment();
            string mode = o.Execution.DryRun ? "dry-run" : "LIVE";
            static string Describe(KillSwitch.BreakerState s) =>
                $"{KillSwitch.BreakerNames.Of(s.Position)} gen {s.Generation} ({KillSwitch.BreakerNames.Of(s.Source)}: {s.Reason})";
            app.Breaker.Subscribe(t => systemd?.Status($"{Describe(t.Current)}, {mode}"));
            systemd?.Status($"{Describe(app.Breaker.State)}, {mode}");
            systemd?.Ready();
            // Pings only while the tick loop beats: a hung loop gets the process killed and restarted (the latch persists).
            using var watchdog = WatchdogFeeder.Start(systemd, () => app.Health.LoopAlive && app.Fatal is null, TimeProvider.System);
            while (!signals.WaitForStop(TimeSpan.FromMilliseconds(200)))
            {
                if (app.Fatal is { } f)
                {
                    log.Fatal("stopping: {Error}", f.Message);
                    systemd?.Stopping();
                    return ExitCodes.Fatal;
                }
            }
            log.Information("shutting down ({Signal})", signals.StopSignal);
            systemd?.Stopping();
            // The one fatal outcome of a clean stop: ending with a kill-switch state that is not on disk (a start after
            // the storage is repaired would not know this engagement). Said, and exit 1.
            if (!app.Breaker.TrySaveLatch())
            {
                log.Fatal("stopping with the kill switch latch NOT saved ({Problem}): the state on disk is older than engagement {Engagement}",
                    app.Breaker.LatchProblem, app.Breaker.State.Engagement?.ToString());
                return ExitCodes.Fatal;
            }
            return ExitCodes.Ok;
        }
        catch (Exception ex) when (ex is DllNotFoundException or Panel.PanelException or ZmqException or IOException or SocketException or UnauthorizedAccessException)
        {
            log.Fatal("cannot start: {Error}", ex.Message);
            Console.Error.WriteLine($"edgetrader: cannot start: {ex.Message}");
            return ExitCodes.Fatal;
        }
        finally
        {
            (log as IDisposable)?.Dispose();
        }
    }

    static string? Call(string socket, ControlRequest req, out int exit)
    {
        try
        {
            exit = ExitCodes.Ok;
            return ControlClient.Call(socket, req, TimeSpan.FromSeconds(5));
        }
        catch (SocketException ex)
        {
            Console.Error.WriteLine($"edgetrader: no daemon answers on {socket}: {ex.Message}");
            exit = ExitCodes.Fatal;
            return null;
        }
    }

    public static int Status(string socket, bool json)
    {
        var resp = Call(socket, new ControlRequest("status", null), out int exit);
        if (resp is null) return exit;
        if (json) { Console.WriteLine(resp); return ExitCodes.Ok; }
        Console.Write(StatusText.Render(resp));
        return ExitCodes.Ok;
    }

    public static int Engage(string socket, string reason)
    {
        var resp = Call(socket, new ControlRequest("engage", reason), out int exit);
        if (resp is null) return exit;
        using var doc = JsonDocument.Parse(resp);
        var r = doc.RootElement;
        if (r.TryGetProperty("state", out var s) && s.GetString() == "ENGAGED")
        {
            // "new" or "renewed": an engage of an engaged node is a new stop, published to the cluster again.
            string how = r.TryGetProperty("engage", out var e) ? e.GetString() ?? "new" : "new";
            Console.WriteLine($"ENGAGED ({how} engagement {r.GetProperty("engagement").GetString()}, source {r.GetProperty("source").GetString()}): {r.GetProperty("reason").GetString()}");
            return ExitCodes.Ok;
        }
        Console.Error.WriteLine($"edgetrader: engage failed: {resp}");
        return ExitCodes.Fatal;
    }

    public static int Reset(string socket, bool yes, string? reason)
    {
        if (!yes)
        {
            Console.Error.WriteLine("edgetrader: reset re-opens the gates for live orders; confirm with --yes");
            return ExitCodes.Refused;
        }
        var resp = Call(socket, new ControlRequest("reset", reason), out int exit);
        if (resp is null) return exit;
        using var doc = JsonDocument.Parse(resp);
        var r = doc.RootElement;
        if (r.TryGetProperty("ok", out var ok) && ok.ValueKind == JsonValueKind.True)
        {
            Console.WriteLine($"SAFE (generation {r.GetProperty("generation").GetInt64()}): {r.GetProperty("reason").GetString()}");
            return ExitCodes.Ok;
        }
        string why = r.TryGetProperty("refused", out var f) ? f.GetString() ?? "" : r.TryGetProperty("error", out var e) ? e.GetString() ?? "" : resp;
        Console.Error.WriteLine($"edgetrader: reset refused: {why}");
        return ExitCodes.Refused;
    }
}
