using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;

namespace EdgeTrader.Tests.Cli;

/// <summary>
/// check-config and run agree: what check-config refuses, run refuses the same way (exit 2, the key named) without
/// touching the state directory; what check-config accepts, run starts.
/// </summary>
public sealed class ConfigurationTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("et-config-").FullName;
    string StateDir => Path.Combine(_dir, "state");
    string Socket => Path.Combine(_dir, "control.sock");

    public void Dispose()
    {
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    string Config(string? ticks = null, string execution = "\"execution\": { \"dryRun\": true }", string risk = "\"risk\": { \"maxPosition\": 1000 }", string extra = "")
    {
        ticks ??= $"tcp://127.0.0.1:{Bin.FreePort()}";
        string gw = $"tcp://127.0.0.1:{Bin.FreePort()}";
        return $$"""
            {
              "node": "e2e",
              "stateDir": "{{StateDir}}",
              "logDir": "{{_dir}}/log",
              "control": { "socket": "{{Socket}}" },
              "bridge": { "ticks": "{{ticks}}" },
              "gateway": { "endpoint": "{{gw}}", "heartbeatMs": 200 },
              {{execution}},
              "strategy": { "kind": "every-tick", "qty": 0.01, "symbols": ["EURUSD"] },
              {{risk}}{{extra}}
            }
            """;
    }

    string Write(string name, string text)
    {
        string p = Path.Combine(_dir, name);
        File.WriteAllText(p, text);
        return p;
    }

    /// <summary>Every file under the state dir with the hash of its bytes.</summary>
    Dictionary<string, string> Snapshot() => Directory.GetFiles(StateDir, "*", SearchOption.AllDirectories)
        .ToDictionary(f => Path.GetRelativePath(StateDir, f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    /// <summary>A state dir as a daemon leaves it: engaged, with a journal and a run counter.</summary>
    void EngagedState()
    {
        string cfg = Write("good.json", Config());
        var p = Bin.Start("run", "--config", cfg);
        try
        {
            Assert.True(Bin.WaitFor(() => Bin.TryStatus(Socket) is not null, TimeSpan.FromSeconds(15)), "the daemon did not start");
            Assert.Equal(0, Bin.Run("engage", "--reason", "before the bad config", "--socket", Socket).Exit);
        }
        finally
        {
            Bin.Terminate(p);
            Assert.True(p.WaitForExit(15_000));
        }
        Assert.Equal(0, p.ExitCode);
    }

    /// <summary>`run` as a process: its exit code and console, or -1 when it was still running after the deadline (then stopped).</summary>
    static (int Exit, string Console) RunFor(string config, TimeSpan deadline)
    {
        var psi = new ProcessStartInfo(Bin.Path) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "run", "--config", config }) psi.ArgumentList.Add(a);
        var lines = new ConcurrentQueue<string>();
        using var p = Process.Start(psi)!;
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lines.Enqueue(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lines.Enqueue(e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        int exit;
        if (p.WaitForExit(deadline)) exit = p.ExitCode;
        else
        {
            p.Kill();
            p.WaitForExit();
            exit = -1;
        }
        p.WaitForExit();
        return (exit, string.Join('\n', lines));
    }

    public static TheoryData<string, string> Refused => new()
    {
        { "endpoint without host or port", "tcp-empty" },
        { "dryRun given twice", "dry-run-twice" },
        { "risk section given twice", "risk-twice" },
        { "session days null", "days-null" },
        { "session null", "session-null" },
        { "strategy kind as a comma list", "kind-list" },
    };

    string Bad(string which) => which switch
    {
        "tcp-empty" => Config(ticks: "tcp://"),
        "dry-run-twice" => Config(execution: "\"execution\": { \"dryRun\": true, \"dryRun\": false }"),
        "risk-twice" => Config(risk: "\"risk\": { \"maxPosition\": 1 }, \"risk\": { \"maxPosition\": 1000 }"),
        "days-null" => Config(risk: "\"risk\": { \"sessions\": [ { \"days\": null, \"start\": \"00:00\", \"end\": \"24:00\" } ] }"),
        "session-null" => Config(risk: "\"risk\": { \"sessions\": [ null ] }"),
        "kind-list" => Config().Replace("\"kind\": \"every-tick\"", "\"kind\": \"ema-cross, every-tick\"", StringComparison.Ordinal),
        _ => throw new ArgumentOutOfRangeException(nameof(which)),
    };

    static string KeyOf(string which) => which switch
    {
        "tcp-empty" => "bridge.ticks",
        "dry-run-twice" => "execution.dryRun",
        "risk-twice" => "risk",
        "days-null" => "risk.sessions[0].days",
        "session-null" => "risk.sessions[0]",
        "kind-list" => "strategy.kind",
        _ => throw new ArgumentOutOfRangeException(nameof(which)),
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void A_configuration_check_config_refuses_is_refused_by_run_the_same_way_and_leaves_the_state_untouched(string what, string which)
    {
        EngagedState();
        var before = Snapshot();
        string cfg = Write("bad.json", Bad(which));
        string key = KeyOf(which);

        var (checkExit, _, checkErr) = Bin.Run("check-config", "--config", cfg);
        Assert.True(checkExit == 2, $"{what}: check-config exited {checkExit}: {checkErr}");
        Assert.Contains($"config error: {key}:", checkErr);

        var (runExit, console) = RunFor(cfg, TimeSpan.FromSeconds(10));
        Assert.True(runExit == 2, $"{what}: run exited {runExit} (-1: it was running):\n{console}");
        Assert.Contains($"config error: {key}:", console);
        Assert.DoesNotContain("   at ", console); // no stack trace
        Assert.Equal(before, Snapshot());
    }

    [Fact]
    public void A_configuration_using_every_form_check_config_accepts_starts()
    {
        string ipcTicks = $"ipc://{_dir}/ticks.sock", ipcGw = $"ipc://@et-config-{Environment.ProcessId}-gw";
        string cfg = Write("forms.json", $$"""
            // comments, trailing commas, every option with a closed set at a value other than its default
            {
              "node": "e2e_forms-1",
              "stateDir": "{{StateDir}}",
              "logDir": "{{_dir}}/log",
              "logLevel": "debug",
              "control": { "socket": "{{Socket}}" },
              "bridge": { "ticks": "{{ipcTicks}}", "format": "dwx", "engageOnSilenceMs": 0 },
              "gateway": { "endpoint": "{{ipcGw}}" },
              "execution": { "dryRun": true },
              "strategy": { "kind": "every-tick", "symbols": ["EURUSD", "GBPUSD"], },
              "risk": { "timeZone": "Europe/Berlin", "sessions": [ { "days": ["sat", "sun"], "start": "22:00", "end": "02:00" }, { "end": "24:00" }, {} ] },
              "panel": { "driver": "sim", "bias": "pull-up" },
            }
            """);
        Assert.Equal(0, Bin.Run("check-config", "--config", cfg).Exit);
        var p = Bin.Start("run", "--config", cfg);
        try
        {
            Assert.True(Bin.WaitFor(() => p.HasExited || Bin.TryStatus(Socket) is not null, TimeSpan.FromSeconds(15)), "no status");
            Assert.False(p.HasExited, $"run exited {(p.HasExited ? p.ExitCode : 0)}");
            var s = Bin.TryStatus(Socket)!.Value;
            Assert.Equal("SAFE", s.GetProperty("state").GetString());
            Assert.Equal("every-tick", s.GetProperty("strategy").GetString());
        }
        finally
        {
            Bin.Terminate(p);
            Assert.True(p.WaitForExit(15_000));
        }
        Assert.Equal(0, p.ExitCode);
    }
}
