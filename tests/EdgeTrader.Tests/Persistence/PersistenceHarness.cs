using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using EdgeTrader.Tests.Cli;
using Xunit.Abstractions;

namespace EdgeTrader.Tests.Persistence;

/// <summary>Root and mounts: the storage tests mount a small tmpfs or a read-only bind mount (chmod does not stop root).</summary>
internal static class Root
{
    public static bool IsRoot => Environment.UserName == "root";

    /// <summary>Skips the calling test (reported skipped, never passed) when not root. CI runs as root.</summary>
    public static void Require(string why) => Skip.IfNot(IsRoot, $"needs root for {why}; run the suite as root (CI does)");
}

/// <summary>Mounts made by a test, undone (in reverse order) on dispose.</summary>
internal sealed class Mounts : IDisposable
{
    readonly List<string> _targets = [];

    static void Run(params string[] args)
    {
        var psi = new ProcessStartInfo("mount") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"mount {string.Join(' ', args)} failed ({p.ExitCode}): {err}");
    }

    /// <summary>A tmpfs of <paramref name="size"/> (e.g. "1m") on <paramref name="target"/>.</summary>
    public void Tmpfs(string target, string size)
    {
        Directory.CreateDirectory(target);
        Run("-t", "tmpfs", "-o", $"size={size},mode=0755", "tmpfs", target);
        _targets.Add(target);
    }

    /// <summary><paramref name="source"/> bound read-only on <paramref name="target"/>.</summary>
    public void BindReadOnly(string source, string target)
    {
        Directory.CreateDirectory(target);
        Run("--bind", source, target);
        _targets.Add(target);
        Run("-o", "remount,bind,ro", target);
    }

    public void Dispose()
    {
        for (int i = _targets.Count - 1; i >= 0; i--)
        {
            using var p = Process.Start("umount", [_targets[i]]);
            p.WaitForExit();
            if (p.ExitCode != 0)
            {
                using var lazy = Process.Start("umount", ["-l", _targets[i]]);
                lazy.WaitForExit();
            }
        }
        _targets.Clear();
    }
}

/// <summary>`edgetrader sim-bridge` as a process; <see cref="Stop"/> returns its JSON summary.</summary>
internal sealed class SimBridgeProcess : IDisposable
{
    readonly Process _p;
    readonly Task<string> _out;

    public SimBridgeProcess(string ticks, string gateway, int rate, params string[] extra)
    {
        _p = Process.Start(Bin.PeerStartInfo(new[] { "sim-bridge", "--ticks", ticks, "--gateway", gateway, "--rate", rate.ToString(CultureInfo.InvariantCulture) }.Concat(extra)))!;
        _ = _p.StandardError.ReadToEndAsync();
        _out = _p.StandardOutput.ReadToEndAsync();
    }

    public JsonElement Stop()
    {
        Bin.Terminate(_p);
        Assert.True(_p.WaitForExit(Bin.Scaled(15_000)), "sim-bridge did not stop");
        using var doc = JsonDocument.Parse(_out.Result);
        return doc.RootElement.Clone();
    }

    public void Dispose()
    {
        if (!_p.HasExited) { _p.Kill(); _p.WaitForExit(); }
        _p.Dispose();
    }
}

/// <summary>
/// A daemon whose state survives its process: started, killed with SIGKILL and started again on the same state
/// directory. Its console log (stderr) is kept per start.
/// </summary>
internal sealed class LiveDaemon : IDisposable
{
    readonly ConcurrentQueue<string> _log = new();
    public string Dir { get; } = Directory.CreateTempSubdirectory("et-persist-").FullName;
    public string StateDir => Path.Combine(Dir, "state");
    public string Socket => Path.Combine(Dir, "control.sock");
    public string ConfigPath => Path.Combine(Dir, "edgetrader.json");
    public Process? Process { get; private set; }
    public string Ticks { get; }
    public string Gateway { get; }

    public LiveDaemon(string ticks, string gateway, bool dryRun = false)
    {
        Ticks = ticks;
        Gateway = gateway;
        WriteConfig(dryRun);
    }

    // Deadlines the daemon applies are scaled with the harness's (EDGETRADER_TIME_FACTOR), so the rules hold as written.
    public void WriteConfig(bool dryRun, int ackTimeoutMs = 2000) => File.WriteAllText(ConfigPath, $$"""
        {
          "node": "e2e",
          "stateDir": "{{StateDir}}",
          "logDir": "{{Dir}}/log",
          "control": { "socket": "{{Socket}}" },
          "http": { "listen": "127.0.0.1:0" },
          "bridge": { "ticks": "{{Ticks}}", "staleAfterMs": {{Bin.Scaled(2000)}} },
          "gateway": { "endpoint": "{{Gateway}}", "heartbeatMs": 200, "ackTimeoutMs": {{Bin.Scaled(ackTimeoutMs)}} },
          "execution": { "dryRun": {{(dryRun ? "true" : "false")}} },
          "strategy": { "kind": "every-tick", "qty": 0.01, "symbols": ["EURUSD"] },
          "risk": { "maxOrdersPerSecond": 100000, "maxPosition": 1000, "maxTradesPerDay": 100000000, "maxLossStreak": 0, "maxDailyLoss": 1e12 }
        }
        """);

    /// <summary>Lines the current (or last) process wrote to its console.</summary>
    public string Log => string.Join('\n', _log);

    public void Start(params string[] extra)
    {
        _log.Clear();
        var p = Process.Start(Bin.StartInfo(new[] { "run", "--config", ConfigPath }.Concat(extra)))!;
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) _log.Enqueue(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) _log.Enqueue(e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        Process = p;
        Assert.True(Bin.WaitFor(() => p.HasExited || TryStatus() is not null, TimeSpan.FromSeconds(15)), "daemon did not answer on its control socket");
        if (p.HasExited) Assert.Fail($"daemon exited ({p.ExitCode}):\n{Log}");
    }

    public JsonElement? TryStatus() => Bin.TryStatus(Socket);

    public JsonElement Status() => TryStatus() ?? throw new InvalidOperationException("no status");

    public (int Exit, string Out, string Err) Cli(params string[] args) => Bin.Run([.. args, "--socket", Socket]);

    /// <summary>SIGKILL: no chance to flush, save or say goodbye.</summary>
    public void Kill9()
    {
        if (Process is null || Process.HasExited) return;
        Process.Kill();
        Assert.True(Process.WaitForExit(Bin.Scaled(10_000)));
        Process.Dispose();
        Process = null;
        if (File.Exists(Socket)) File.Delete(Socket); // a killed daemon leaves its socket file behind
    }

    public int Stop()
    {
        if (Process is null || Process.HasExited) return Process?.ExitCode ?? -1;
        Bin.Terminate(Process);
        if (!Process.WaitForExit(Bin.Scaled(15_000))) { Process.Kill(); return -1; }
        Process.WaitForExit(); // drain the output handlers
        return Process.ExitCode;
    }

    /// <summary>Waits until nothing is in flight and everything appended to the journal is committed.</summary>
    public JsonElement Quiesce(TimeSpan timeout)
    {
        JsonElement s = default;
        Assert.True(Bin.WaitFor(() =>
        {
            s = Status();
            var j = s.GetProperty("journal");
            return s.GetProperty("counters").GetProperty("inFlight").GetInt64() == 0
                && j.GetProperty("appended").GetInt64() == j.GetProperty("committed").GetInt64();
        }, timeout), "orders still in flight or journal not committed");
        return s;
    }

    public void Dispose()
    {
        try { Stop(); } catch (InvalidOperationException) { }
        Process?.Dispose();
        try { Directory.Delete(Dir, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>
/// An independent reading of the journal (plain JsonDocument per line, not the daemon's reader): the day's trades and
/// realised P&amp;L, net positions, order ids, and which lines do not parse.
/// </summary>
internal sealed class JournalReading
{
    public int Files;
    public long Lines;
    public long TornTails;
    public readonly List<string> Unparseable = [];
    public long TradesToday;
    public double RealizedToday;
    public readonly Dictionary<string, double> Net = [];
    public readonly Dictionary<string, int> OrderIds = [];
    public readonly Dictionary<string, int> TypeCounts = [];
    public readonly HashSet<string> UnknownAtGateway = [];
    public readonly HashSet<string> SendFailed = [];

    /// <summary>
    /// Reads every journal-*.jsonl of <paramref name="stateDir"/>. A last line without its newline is a torn write
    /// (counted in <see cref="TornTails"/>); every complete line must parse or it is listed in <see cref="Unparseable"/>.
    /// </summary>
    public static JournalReading Read(string stateDir, string today)
    {
        var r = new JournalReading();
        foreach (var path in Directory.GetFiles(stateDir, "journal-*.jsonl").Order(StringComparer.Ordinal))
        {
            r.Files++;
            bool isToday = Path.GetFileName(path) == $"journal-{today}.jsonl";
            string text = Encoding.UTF8.GetString(File.ReadAllBytes(path));
            var parts = text.Split('\n');
            for (int i = 0; i < parts.Length; i++)
            {
                string line = parts[i];
                bool complete = i < parts.Length - 1;
                if (!complete)
                {
                    if (line.Length > 0) r.TornTails++;
                    continue;
                }
                r.Lines++;
                JsonElement e;
                try
                {
                    using var doc = JsonDocument.Parse(line);
                    e = doc.RootElement.Clone();
                }
                catch (JsonException)
                {
                    r.Unparseable.Add($"{Path.GetFileName(path)}:{i + 1}: {line[..Math.Min(120, line.Length)]}");
                    continue;
                }
                string type = e.GetProperty("type").GetString()!;
                r.TypeCounts[type] = r.TypeCounts.GetValueOrDefault(type) + 1;
                switch (type)
                {
                    case "order":
                        string id = e.GetProperty("id").GetString()!;
                        r.OrderIds[id] = r.OrderIds.GetValueOrDefault(id) + 1;
                        if (isToday) r.TradesToday++;
                        break;
                    case "unknown_at_gateway":
                        r.UnknownAtGateway.Add(e.GetProperty("id").GetString()!);
                        break;
                    case "reject" when e.TryGetProperty("sent", out var sent) && sent.ValueKind == JsonValueKind.False:
                        // The transport refused it: it never left, it is not a trade.
                        r.SendFailed.Add(e.GetProperty("id").GetString()!);
                        if (isToday) r.TradesToday--;
                        break;
                    case "fill":
                        string sym = e.GetProperty("symbol").GetString()!;
                        double q = e.GetProperty("qty").GetDouble();
                        r.Net[sym] = r.Net.GetValueOrDefault(sym) + (e.GetProperty("side").GetString() == "BUY" ? q : -q);
                        if (isToday) r.RealizedToday += e.GetProperty("realized").GetDouble();
                        break;
                }
            }
        }
        return r;
    }
}
