using System.Text.Json;

namespace EdgeTrader.Tests.Cli;

[Trait("Arch", "arm64")] // also run against the arm64 binary under qemu-user (Bin, scripts/test.sh)
public class CliTests
{
    static string Temp(string name, string content)
    {
        var dir = Directory.CreateTempSubdirectory("et-cli-").FullName;
        var p = Path.Combine(dir, name);
        File.WriteAllText(p, content);
        return p;
    }

    [Fact]
    public void Check_config_with_an_unknown_key_exits_2_naming_the_key()
    {
        var (exit, _, err) = Bin.Run("check-config", "--config", Temp("c.json", "{\"risk\":{\"maxQtyy\":1}}"));
        Assert.Equal(2, exit);
        Assert.Contains("risk.maxQtyy", err);
    }

    [Fact]
    public void Check_config_prints_the_effective_configuration()
    {
        var (exit, stdout, _) = Bin.Run("check-config", "--config", Temp("c.json", "{\"node\":\"pi-9\"}"));
        Assert.Equal(0, exit);
        using var doc = JsonDocument.Parse(stdout);
        Assert.Equal("pi-9", doc.RootElement.GetProperty("node").GetString());
        Assert.True(doc.RootElement.GetProperty("execution").GetProperty("dryRun").GetBoolean());
    }

    [Fact]
    public void Run_with_a_broken_config_exits_2()
    {
        var (exit, _, err) = Bin.Run("run", "--config", Temp("c.json", "{\"strategy\":{\"kind\":\"yolo\"}}"));
        Assert.Equal(2, exit);
        Assert.Contains("strategy.kind", err);
    }

    [Fact]
    public void Status_without_a_daemon_fails_clearly()
    {
        var (exit, _, err) = Bin.Run("status", "--socket", "/tmp/nonexistent-edgetrader.sock");
        Assert.Equal(1, exit);
        Assert.Contains("no daemon answers", err);
    }

    [Fact]
    public void Version_names_the_runtime_and_rid()
    {
        var (exit, stdout, _) = Bin.Run("--version");
        Assert.Equal(0, exit);
        Assert.Matches($@"^edgetrader \d+\.\d+\.\d+ \(\.NET 10\.\d+\.\d+, {Bin.Rid}, native AOT\)$", stdout.TrimEnd());
    }

    [Fact]
    public void Daemon_serves_status_engage_and_reset_and_exits_0_on_sigterm()
    {
        using var d = new Daemon($"tcp://127.0.0.1:{Bin.FreePort()}", $"tcp://127.0.0.1:{Bin.FreePort()}", dryRun: true);
        d.Start();
        var s = d.Status();
        Assert.Equal("SAFE", s.GetProperty("state").GetString());
        // The control socket serves before the tick loop has started (links read "unused" until then: a window
        // that is microseconds natively and seconds under qemu-user); once the loop runs, the bridge waits for ticks.
        Assert.True(Bin.WaitFor(() => d.Status().GetProperty("links").GetProperty("bridge").GetProperty("state").GetString() != "unused", TimeSpan.FromSeconds(5)));
        Assert.Equal("connecting", d.Status().GetProperty("links").GetProperty("bridge").GetProperty("state").GetString());

        var (exit, stdout, _) = Bin.Run("engage", "--reason", "e2e test", "--socket", d.Socket);
        Assert.Equal(0, exit);
        Assert.Contains("ENGAGED", stdout);
        s = d.Status();
        Assert.Equal("ENGAGED", s.GetProperty("state").GetString());
        Assert.Equal("cli", s.GetProperty("source").GetString());
        Assert.Equal("e2e test", s.GetProperty("reason").GetString());
        Assert.Equal(1, s.GetProperty("generation").GetInt64());

        var (human, text, _) = Bin.Run("status", "--socket", d.Socket);
        Assert.Equal(0, human);
        Assert.Contains("ENGAGED", text);

        (exit, _, var err) = Bin.Run("reset", "--socket", d.Socket);
        Assert.Equal(3, exit); // no --yes: refused
        Assert.Contains("--yes", err);
        Assert.Equal("ENGAGED", d.Status().GetProperty("state").GetString());

        (exit, _, _) = Bin.Run("reset", "--yes", "--socket", d.Socket);
        Assert.Equal(0, exit);
        Assert.Equal("SAFE", d.Status().GetProperty("state").GetString());

        Assert.Equal(0, d.Stop());
        Assert.False(File.Exists(d.Socket));
    }

    [Fact]
    public void An_engaged_daemon_comes_back_engaged_after_a_restart()
    {
        using var d = new Daemon($"tcp://127.0.0.1:{Bin.FreePort()}", $"tcp://127.0.0.1:{Bin.FreePort()}", dryRun: true);
        d.Start();
        Bin.Run("engage", "--reason", "before restart", "--socket", d.Socket);
        d.Process!.Kill(); // SIGKILL: no chance to save anything at exit
        d.Process.WaitForExit();
        d.Start();
        var s = d.Status();
        Assert.Equal("ENGAGED", s.GetProperty("state").GetString());
        Assert.Equal("before restart", s.GetProperty("reason").GetString());
    }
}
