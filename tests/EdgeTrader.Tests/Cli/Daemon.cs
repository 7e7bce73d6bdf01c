using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace EdgeTrader.Tests.Cli;

/// <summary>Runs the AOT binary: the daemon, sim-bridge and one-shot CLI commands, each a real process.</summary>
/// <remarks>
/// Every process of the binary starts from <see cref="StartInfo"/>, so this is the one place that decides how:
/// <list type="bullet">
/// <item><c>EDGETRADER_BIN</c>: the binary (default artifacts/linux-x64/edgetrader).</item>
/// <item><c>EDGETRADER_LAUNCHER</c>: a command prefix, split on spaces, e.g. <c>qemu-aarch64 -cpu cortex-a53 -L .arm64/root</c> to run
/// the linux-arm64 binary on x86_64 (binfmt_misc is not relied on). <see cref="Process.Id"/> is then the launcher's
/// pid; qemu-user passes signals on to the binary, and SIGKILL ends both.</item>
/// <item><c>EDGETRADER_PEER_BIN</c>: the binary that plays the tests' instruments, run directly: sim-bridge (load
/// generator and gateway) and the <c>status --json</c> reads the tests poll with (<see cref="TryStatus"/>). Default: the
/// binary under test. The arm64 stage sets the native x64 build, so that only the subject runs emulated and the
/// polling does not take the two cores from it; the subject's own CLI (run, engage, reset, status, check-config) still
/// goes through the launcher.</item>
/// <item><c>EDGETRADER_TIME_FACTOR</c>: multiplies every deadline of the harness (<see cref="WaitFor"/>,
/// <see cref="Scaled(int)"/>); qemu-user runs the binary 13-16 times slower. Only the time allowed grows, never the rule.</item>
/// </list>
/// A new test starts the binary through <see cref="StartInfo"/>, <see cref="Run"/> or <see cref="Start"/>, gives its
/// deadlines through <see cref="WaitFor"/> or <see cref="Scaled(int)"/>, and carries <c>[Trait("Arch", "arm64")]</c>
/// (on the class) to run against the arm64 binary under qemu-user as well (scripts/test.sh, stage e2e-arm64).
/// </remarks>
internal static class Bin
{
    public static string Path
    {
        get
        {
            var env = Environment.GetEnvironmentVariable("EDGETRADER_BIN");
            if (!string.IsNullOrEmpty(env)) return env;
            var p = System.IO.Path.Combine(RepoRoot, "artifacts", "linux-x64", "edgetrader");
            if (!File.Exists(p)) throw new InvalidOperationException($"no AOT binary at {p}: run ./build-aot.sh or set EDGETRADER_BIN");
            return p;
        }
    }

    /// <summary>The checkout this test assembly was built from (the folder with EdgeTrader.sln).</summary>
    public static string RepoRoot
    {
        get
        {
            string? dir = AppContext.BaseDirectory;
            while (dir is not null && !File.Exists(System.IO.Path.Combine(dir, "EdgeTrader.sln"))) dir = System.IO.Path.GetDirectoryName(dir);
            return dir ?? throw new InvalidOperationException("EdgeTrader.sln not found above the test assembly");
        }
    }

    /// <summary>The command prefix of <c>EDGETRADER_LAUNCHER</c> (empty: the binary runs directly).</summary>
    public static IReadOnlyList<string> Launcher { get; } =
        (Environment.GetEnvironmentVariable("EDGETRADER_LAUNCHER") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary><c>EDGETRADER_TIME_FACTOR</c> (default 1): how much slower than native the binary runs here.</summary>
    public static double TimeFactor { get; } = ParseFactor(Environment.GetEnvironmentVariable("EDGETRADER_TIME_FACTOR"));

    static double ParseFactor(string? v)
    {
        if (string.IsNullOrEmpty(v)) return 1;
        if (!double.TryParse(v, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double f) || f < 1)
            throw new InvalidOperationException($"EDGETRADER_TIME_FACTOR={v}: must be a number >= 1");
        return f;
    }

    /// <summary>A deadline of <paramref name="ms"/> on a native run, scaled by <see cref="TimeFactor"/>.</summary>
    public static int Scaled(int ms) => (int)Math.Min(int.MaxValue, Math.Ceiling(ms * TimeFactor));

    /// <summary>A deadline of <paramref name="t"/> on a native run, scaled by <see cref="TimeFactor"/>.</summary>
    public static TimeSpan Scaled(TimeSpan t) => t * TimeFactor;

    /// <summary>The rid the binary was built for, from its ELF header (linux-x64 or linux-arm64).</summary>
    public static string Rid
    {
        get
        {
            Span<byte> h = stackalloc byte[20];
            using (var f = File.OpenRead(Path)) f.ReadExactly(h);
            return (h[18] | (h[19] << 8)) switch
            {
                62 => "linux-x64",
                183 => "linux-arm64",
                var m => throw new InvalidOperationException($"{Path}: ELF machine {m} is neither x86_64 nor aarch64"),
            };
        }
    }

    /// <summary>How to start <paramref name="exe"/> (the binary by default) with <paramref name="args"/>: through the launcher, output redirected.</summary>
    public static ProcessStartInfo StartInfo(IEnumerable<string> args, string? exe = null)
    {
        var psi = new ProcessStartInfo(Launcher.Count > 0 ? Launcher[0] : exe ?? Path) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (Launcher.Count > 0)
        {
            foreach (var a in Launcher.Skip(1)) psi.ArgumentList.Add(a);
            psi.ArgumentList.Add(exe ?? Path);
        }
        foreach (var a in args) psi.ArgumentList.Add(a);
        return psi;
    }

    /// <summary><c>EDGETRADER_PEER_BIN</c> when set, else null (the peers are the binary under test).</summary>
    public static string? PeerPath { get; } = Environment.GetEnvironmentVariable("EDGETRADER_PEER_BIN") is { Length: > 0 } p ? p : null;

    /// <summary>How to start a test instrument (sim-bridge, a status read): the peer binary directly, else as <see cref="StartInfo"/>.</summary>
    public static ProcessStartInfo PeerStartInfo(IEnumerable<string> args)
    {
        if (PeerPath is null) return StartInfo(args);
        var psi = new ProcessStartInfo(PeerPath) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        return psi;
    }

    public static (int Exit, string Out, string Err) Run(params string[] args) => RunExe(null, args);

    /// <summary>Runs <paramref name="exe"/> (null: the binary) through the launcher to its end; throws past the scaled 30 s.</summary>
    public static (int Exit, string Out, string Err) RunExe(string? exe, params string[] args) => RunToEnd(StartInfo(args, exe));

    static (int Exit, string Out, string Err) RunToEnd(ProcessStartInfo psi)
    {
        var args = psi.ArgumentList;
        string exe = psi.FileName;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(Scaled(30_000))) { p.Kill(true); throw new TimeoutException($"{exe} {string.Join(' ', args)} did not finish"); }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    public static Process Start(params string[] args) => Start(null, args);

    /// <summary>Starts the binary with <paramref name="env"/> added to its environment (e.g. LD_PRELOAD of libfaketime).</summary>
    public static Process Start(IReadOnlyDictionary<string, string>? env, params string[] args)
    {
        var psi = StartInfo(args);
        if (env is not null) foreach (var (k, v) in env) psi.Environment[k] = v;
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
        var (exit, stdout, _) = RunToEnd(PeerStartInfo(["status", "--json", "--socket", socket]));
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

    /// <summary>Polls until <paramref name="condition"/> holds or the deadline (<paramref name="timeout"/> scaled by <see cref="TimeFactor"/>) passes.</summary>
    public static bool WaitFor(Func<bool> condition, TimeSpan timeout)
    {
        timeout = Scaled(timeout);
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

    // The daemon's own deadlines (staleAfterMs) are scaled like the harness's (EDGETRADER_TIME_FACTOR).
    public Daemon(string ticks, string gateway, string strategy = "every-tick", bool dryRun = false, int maxOrdersPerSecond = 100000, int gatewayStaleAfterMs = 5000, string node = "e2e", string? mqtt = null, string? http = null, string? transport = null)
    {
        File.WriteAllText(ConfigPath, $$"""
        {
          "node": "{{node}}",{{(mqtt is null ? "" : $"\n          \"mqtt\": {mqtt},")}}
          "http": {{http ?? "{ \"listen\": \"127.0.0.1:0\" }"}},
          "stateDir": "{{Dir}}/state",
          "logDir": "{{Dir}}/log",
          "control": { "socket": "{{Socket}}" },
          "bridge": { "ticks": "{{ticks}}", "staleAfterMs": {{Bin.Scaled(2000)}}{{(transport is null ? "" : $", \"transport\": \"{transport}\"")}} },
          "gateway": { "endpoint": "{{gateway}}", "heartbeatMs": 200, "staleAfterMs": {{Bin.Scaled(gatewayStaleAfterMs)}} },
          "execution": { "dryRun": {{(dryRun ? "true" : "false")}} },
          "strategy": { "kind": "{{strategy}}", "qty": 0.01, "symbols": ["EURUSD"] },
          "risk": { "maxOrdersPerSecond": {{maxOrdersPerSecond}}, "maxPosition": 1000, "maxTradesPerDay": 100000000, "maxLossStreak": 0, "maxDailyLoss": 1e12 },
          "clock": { "degradeWhenUnsynchronised": false }
        }
        """);
    }

    public void Start(IReadOnlyDictionary<string, string>? env = null)
    {
        Process = Bin.Start(env, "run", "--config", ConfigPath);
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
        if (!Process.WaitForExit(Bin.Scaled(10_000))) { Process.Kill(true); return -1; }
        return Process.ExitCode;
    }

    public void Dispose()
    {
        Stop();
        Process?.Dispose();
        try { Directory.Delete(Dir, true); } catch (IOException) { }
    }
}
