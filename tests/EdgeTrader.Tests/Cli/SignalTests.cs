using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using EdgeTrader.Tests.Persistence;

namespace EdgeTrader.Tests.Cli;

/// <summary>
/// Every signal an operator, logrotate, a UPS daemon, a resource limit or a stray script may send, that is, every
/// catchable signal whose default action ends the process: a stop signal stops cleanly (exit 0, the journal's last
/// line is <c>stop</c>, the next start is not a crash recovery); the others leave the daemon running, with a log line.
/// </summary>
public sealed class SignalTests : IDisposable
{
    readonly LiveDaemon _d = new($"tcp://127.0.0.1:{Bin.FreePort()}", $"tcp://127.0.0.1:{Bin.FreePort()}", dryRun: false);

    public void Dispose() => _d.Dispose();

    static void Send(Process p, string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", p.Id.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>The last line of the newest journal file, parsed.</summary>
    JsonElement LastJournalLine()
    {
        var file = Directory.GetFiles(_d.StateDir, "journal-*.jsonl").Order(StringComparer.Ordinal).Last();
        var line = File.ReadAllLines(file).Last(l => l.Length > 0);
        using var doc = JsonDocument.Parse(line);
        return doc.RootElement.Clone();
    }

    /// <summary>The journal's recovery line of the current run (a live start writes one).</summary>
    JsonElement RecoveryOfThisStart()
    {
        JsonElement found = default;
        Assert.True(Bin.WaitFor(() =>
        {
            var file = Directory.GetFiles(_d.StateDir, "journal-*.jsonl").Order(StringComparer.Ordinal).Last();
            var lines = File.ReadAllLines(file).Where(l => l.Length > 0).ToArray();
            int start = Array.FindLastIndex(lines, l => l.Contains("\"type\":\"start\"", StringComparison.Ordinal));
            int rec = Array.FindIndex(lines, Math.Max(start, 0), l => l.Contains("\"type\":\"recovery\"", StringComparison.Ordinal));
            if (start < 0 || rec < 0) return false;
            using var doc = JsonDocument.Parse(lines[rec]);
            found = doc.RootElement.Clone();
            return true;
        }, TimeSpan.FromSeconds(10)), "no recovery line after the start line");
        return found;
    }

    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    [InlineData("QUIT")]
    [InlineData("PWR")]
    [InlineData("XCPU")]
    [InlineData("SYS")]
    public void A_stop_signal_stops_cleanly_and_the_next_start_is_not_a_crash_recovery(string signal)
    {
        _d.Start();
        var p = _d.Process!;
        Send(p, signal);
        Assert.True(p.WaitForExit(15_000), $"SIG{signal}: the daemon did not stop");
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"SIG{signal}: exit {p.ExitCode}\n{_d.Log}");
        Assert.Equal("stop", LastJournalLine().GetProperty("type").GetString());
        Assert.Contains($"shutting down (SIG{signal})", _d.Log);

        _d.Start();
        Assert.False(RecoveryOfThisStart().GetProperty("previousRunCrashed").GetBoolean());
        Assert.DoesNotContain("did not stop cleanly", _d.Log);
    }

    [Theory]
    [InlineData("USR1")]
    [InlineData("USR2")]
    [InlineData("ALRM")]
    [InlineData("HUP")]
    [InlineData("IO")]
    [InlineData("VTALRM")]
    [InlineData("PROF")]
    [InlineData("STKFLT")]
    [InlineData("TRAP")]
    [InlineData("XFSZ")]
    [InlineData("RTMIN+1")]
    [InlineData("RTMIN+15")]
    [InlineData("64", "SIGRTMAX")] // kill(1) knows no RTMAX
    public void A_signal_that_is_not_a_stop_leaves_the_daemon_running_and_trading(string signal, string? logged = null)
    {
        logged ??= $"SIG{signal}";
        _d.Start();
        var p = _d.Process!;
        Send(p, signal);
        Assert.True(Bin.WaitFor(() => _d.Log.Contains(logged, StringComparison.Ordinal), TimeSpan.FromSeconds(10)), $"{logged} was not logged:\n{_d.Log}");
        Assert.False(p.HasExited, $"SIG{signal} ended the daemon (exit {(p.HasExited ? p.ExitCode : 0)})");
        var s = _d.Status();
        Assert.True(s.GetProperty("loopAlive").GetBoolean());
        Assert.Equal(0, _d.Stop());
        Assert.Equal("stop", LastJournalLine().GetProperty("type").GetString());
    }

    [Fact]
    public void SIGHUP_reopens_the_log_files_so_logrotate_can_move_them_away()
    {
        _d.Start();
        string logDir = Path.Combine(_d.Dir, "log");
        string current = "";
        Assert.True(Bin.WaitFor(() => (current = Directory.GetFiles(logDir, "edgetrader-*.json").SingleOrDefault() ?? "") != ""
            && File.ReadAllText(current).Contains("ready in", StringComparison.Ordinal), TimeSpan.FromSeconds(10)), "no log file with the start");
        string rotated = current + ".1";
        File.Move(current, rotated); // logrotate, "create" mode

        Send(_d.Process!, "HUP");
        Assert.True(Bin.WaitFor(() => _d.Log.Contains("SIGHUP: log files reopened", StringComparison.Ordinal), TimeSpan.FromSeconds(10)), _d.Log);
        Assert.Equal(0, _d.Cli("engage", "--reason", "after the rotation").Exit);

        // The file sink flushes every second.
        Assert.True(Bin.WaitFor(() => File.Exists(current) && File.ReadAllText(current).Contains("after the rotation", StringComparison.Ordinal), TimeSpan.FromSeconds(10)),
            "the engagement did not reach a new file at the old name");
        Assert.DoesNotContain("after the rotation", File.ReadAllText(rotated));
        Assert.Contains("ready in", File.ReadAllText(rotated));
    }

    [Fact]
    public void A_start_that_fails_after_the_journal_opened_still_ends_it_with_a_stop_line()
    {
        // A second daemon with its own state directory but the first one's control socket: it gets as far as the
        // control socket, after its journal has opened, and is refused there.
        _d.Start();
        using var second = new LiveDaemon($"tcp://127.0.0.1:{Bin.FreePort()}", $"tcp://127.0.0.1:{Bin.FreePort()}", dryRun: false);
        File.WriteAllText(second.ConfigPath, File.ReadAllText(second.ConfigPath).Replace(second.Socket, _d.Socket, StringComparison.Ordinal));
        var (exit, _, err) = Bin.Run("run", "--config", second.ConfigPath);
        Assert.True(exit == 1, $"exit {exit}: {err}");
        Assert.Contains("another daemon is serving the control socket", err);
        var file = Directory.GetFiles(second.StateDir, "journal-*.jsonl").Single();
        var lines = File.ReadAllLines(file).Where(l => l.Length > 0).ToArray();
        Assert.Contains("\"type\":\"start\"", lines[0]);
        Assert.Contains("\"type\":\"stop\"", lines[^1]);
        Assert.True(_d.TryStatus() is not null, "the first daemon still serves");
    }
}
