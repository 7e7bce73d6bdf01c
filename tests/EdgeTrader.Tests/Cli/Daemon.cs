using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace EdgeTrader.Tests.Cli;

/// <summary>Runs the AOT binary: the daemon, sim-bridge and one-shot CLI commands, each a real process.</summary>
internal static class Bin
{
    public static string Path
    {
        get
        {
            var env = Environment.GetEnvironmentVariable("EDGETRADER_BIN");
            if (!string.IsNullOrEmpty(env)) return env;
            string? dir = AppContext.BaseDirectory;
            while (dir is not null && !File.Exists(System.IO.Path.Combine(dir, "EdgeTrader.sln"))) dir = System.IO.Path.GetDirectoryName(dir);
            var p = System.IO.Path.Combine(dir ?? ".", "artifacts", "linux-x64", "edgetrader");
            if (!File.Exists(p)) throw new InvalidOperationException($"no AOT binary at {p}: run ./build-aot.sh or set EDGETRADER_BIN");
            return p;
        }
    }

    public static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var psi = new ProcessStartInfo(Path) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(30_000)) { p.Kill(true); throw new TimeoutException($"edgetrader {string.Join(' ', args)} did not finish"); }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    public static Process Start(params string[] args)
    {
        var psi = new ProcessStartInfo(Path) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        var p = Process.Start(psi)!;
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    /// <summary>`status --json` of the daemon on <paramref name="socket"/>; null while none answers.</summary>
    public static JsonElement? TryStatus(string socket)
    {
        if (!File.Exists(socket)) return null;
        var (exit, stdout, _) = Run("status", "--json", "--socket", socket);
        if (exit != 0) return null;
        using var doc = JsonDocument.Parse(stdout);
        return doc.RootElement.Clone();
    }

    /// <summary>SIGTERM, as systemd would send it.</summary>
    public static void Terminate(Process p)
    {
        using var kill = Process.Start("kill", ["-TERM", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    /// <summary>Polls until <paramref name="condition"/> holds or the deadline passes.</summary>
    public static bool WaitFor(Func<bool> condition, TimeSpan timeout)
    {
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < timeout)
        {
            if (condition()) return true;
            Thread.Sleep(20);
        }
        return condition();
    }
}

/// <summary>A daemon with its own state dir, socket and config, stopped with SIGTERM on dispose.</summary>
internal sealed class Daemon : IDisposable
{
    public string Dir { get; } = Directory.CreateTempSubdirectory("et-e2e-").FullName;
    public string Socket => System.IO.Path.Combine(Dir, "control.sock");
    public string ConfigPath => System.IO.Path.Combine(Dir, "edgetrader.json");
    public Process? Process { get; private set; }

    public Daemon(string ticks, string gateway, string strategy = "every-tick", bool dryRun = false, int maxOrdersPerSecond = 100000, int gatewayStaleAfterMs = 5000, string node = "e2e", string? mqtt = null, string? http = null)
    {
        File.WriteAllText(ConfigPath, $$"""
        {
          "node": "{{node}}",{{(mqtt is null ? "" : $"\n          \"mqtt\": {mqtt},")}}
          "http": {{http ?? "{ \"listen\": \"127.0.0.1:0\" }"}},
          "stateDir": "{{Dir}}/state",
          "logDir": "{{Dir}}/log",
          "control": { "socket": "{{Socket}}" },
          "bridge": { "ticks": "{{ticks}}", "staleAfterMs": 2000 },
          "gateway": { "endpoint": "{{gateway}}", "heartbeatMs": 200, "staleAfterMs": {{gatewayStaleAfterMs}} },
          "execution": { "dryRun": {{(dryRun ? "true" : "false")}} },
          "strategy": { "kind": "{{strategy}}", "qty": 0.01, "symbols": ["EURUSD"] },
          "risk": { "maxOrdersPerSecond": {{maxOrdersPerSecond}}, "maxPosition": 1000, "maxTradesPerDay": 100000000, "maxLossStreak": 0, "maxDailyLoss": 1e12 }
        }
        """);
    }

    public void Start()
    {
        Process = Bin.Start("run", "--config", ConfigPath);
        Assert.True(Bin.WaitFor(() => TryStatus() is not null, TimeSpan.FromSeconds(10)), "daemon did not answer on its control socket");
    }

    public JsonElement? TryStatus() => Bin.TryStatus(Socket);

    /// <summary>The address the daemon's HTTP server listens on (waits for the bind).</summary>
    public string HttpBase()
    {
        string? listen = null;
        Assert.True(Bin.WaitFor(() => (listen = TryStatus()?.GetProperty("http").GetProperty("listen").GetString()) is not null, TimeSpan.FromSeconds(10)), "the HTTP server did not listen");
        return "http://" + listen;
    }

    public JsonElement Status() => TryStatus() ?? throw new InvalidOperationException("no status");

    public int Stop()
    {
        if (Process is null || Process.HasExited) return Process?.ExitCode ?? -1;
        Bin.Terminate(Process);
        if (!Process.WaitForExit(10_000)) { Process.Kill(true); return -1; }
        return Process.ExitCode;
    }

    public void Dispose()
    {
        Stop();
        Process?.Dispose();
        try { Directory.Delete(Dir, true); } catch (IOException) { }
    }
}
