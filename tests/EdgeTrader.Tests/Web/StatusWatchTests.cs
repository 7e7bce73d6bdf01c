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
        var psi = Bin.StartInfo(["status", "--watch", "--interval", "0.2", "--socket", d.Socket]);
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
            Assert.Contains("engagement none", Out());
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
        var psi = Bin.StartInfo(["status", "--watch", "--interval", "0.2", "--socket", sock]);
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

public class HealthzTests
{
    [Fact]
    public async Task Healthz_answers_200_with_system_and_trading_while_the_loop_beats_and_the_token_guards_it()
    {
        var (tokenPath, token) = WebSupport.TokenFile(Directory.CreateTempSubdirectory("et-token-").FullName);
        using var d = new Daemon($"tcp://127.0.0.1:{Bin.FreePort()}", $"tcp://127.0.0.1:{Bin.FreePort()}", dryRun: true, node: "healthz-e2e",
            http: $"{{ \"listen\": \"127.0.0.1:0\", \"tokenFile\": \"{tokenPath}\" }}");
        d.Start();
        string b = d.HttpBase();
        using var anonymous = WebSupport.Client();
        foreach (var path in new[] { "/healthz", "/metrics", "/", "/status.json", "/events" })
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await anonymous.GetAsync(b + path)).StatusCode);
        using var http = WebSupport.Client(token);
        var r = await http.GetAsync(b + "/healthz");
        Assert.Equal(System.Net.HttpStatusCode.OK, r.StatusCode);
        using var doc = System.Text.Json.JsonDocument.Parse(await r.Content.ReadAsStringAsync());
        var h = doc.RootElement;
        Assert.Equal("ok", h.GetProperty("status").GetString());
        foreach (var part in new[] { "disk", "clock", "watchdog", "power" }) Assert.True(h.GetProperty("system").TryGetProperty(part, out _), part);
        Assert.Equal("SAFE", h.GetProperty("trading").GetProperty("latch").GetProperty("state").GetString());
        Assert.Equal("connecting", h.GetProperty("trading").GetProperty("bridge").GetProperty("state").GetString());
        Assert.True(h.GetProperty("trading").GetProperty("loopAlive").GetBoolean());
        // The status object names the listener and the token, never the token's value.
        var s = d.Status();
        Assert.True(s.GetProperty("http").GetProperty("tokenRequired").GetBoolean());
        Assert.DoesNotContain(token, s.ToString());
    }
}
