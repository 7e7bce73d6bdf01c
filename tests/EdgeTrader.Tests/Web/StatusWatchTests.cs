using System.Diagnostics;
using System.Text;
using EdgeTrader.Tests.Cli;

namespace EdgeTrader.Tests.Web;

public class StatusWatchTests
{
    [Fact]
    public void Status_watch_refreshes_the_view_and_shows_an_engagement_without_being_restarted()
    {
        using var d = new Daemon($"tcp://127.0.0.1:{Bin.FreePort()}", $"tcp://127.0.0.1:{Bin.FreePort()}", dryRun: true, node: "watch-e2e");
        d.Start();
        var psi = new ProcessStartInfo(Bin.Path) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "status", "--watch", "--interval", "0.2", "--socket", d.Socket }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var output = new StringBuilder();
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        string Out() { lock (output) return output.ToString(); }
        try
        {
            Assert.True(Bin.WaitFor(() => Out().Contains("watch-e2e: SAFE"), TimeSpan.FromSeconds(10)), "no SAFE frame:\n" + Out());
            Assert.Contains("engagement generation 0", Out());
            Assert.Contains("watchdog", Out());
            int before = Out().Length;
            Bin.Run("engage", "--reason", "watch e2e", "--socket", d.Socket);
            Assert.True(Bin.WaitFor(() => Out()[before..].Contains("watch-e2e: ENGAGED"), TimeSpan.FromSeconds(3)), "no ENGAGED frame:\n" + Out()[before..]);
            Assert.Contains("reason: watch e2e", Out()[before..]);
            Assert.False(p.HasExited);
        }
        finally
        {
            Bin.Terminate(p);
            Assert.True(p.WaitForExit(5000));
        }
        Assert.Equal(0, p.ExitCode);
    }

    [Fact]
    public void Status_watch_says_when_the_daemon_is_gone_and_keeps_watching()
    {
        var sock = Path.Combine(Directory.CreateTempSubdirectory("et-watch-").FullName, "none.sock");
        var psi = new ProcessStartInfo(Bin.Path) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "status", "--watch", "--interval", "0.2", "--socket", sock }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var output = new StringBuilder();
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        try
        {
            Assert.True(Bin.WaitFor(() => { lock (output) return output.ToString().Split("no daemon answers").Length > 2; }, TimeSpan.FromSeconds(5)));
            Assert.False(p.HasExited);
        }
        finally
        {
            Bin.Terminate(p);
            p.WaitForExit(5000);
        }
    }
}
