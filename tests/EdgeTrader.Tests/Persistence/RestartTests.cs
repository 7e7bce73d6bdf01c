using System.Text.Json;
using EdgeTrader.Tests.Cli;

namespace EdgeTrader.Tests.Persistence;

/// <summary>
/// The latch across kill -9 and restarts, on every architecture the binary is built for: each transition reaches
/// breaker.json through a temp file, fsync, rename and an fsync of the state directory. (On aarch64 a wrong
/// O_DIRECTORY made that last open fail, so the engagement was never saved and every reset was refused.)
/// </summary>
[Collection("persistence")]
[Trait("Arch", "arm64")]
public class RestartTests
{
    static string Ep() => $"tcp://127.0.0.1:{Bin.FreePort()}";

    static string SavedState(LiveDaemon d)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(d.StateDir, "breaker.json")));
        return doc.RootElement.GetProperty("state").GetString()!;
    }

    [Fact]
    public void Engaged_and_killed_it_restarts_ENGAGED_and_a_reset_is_accepted_and_survives_the_next_restart()
    {
        using var d = new LiveDaemon(Ep(), Ep(), dryRun: true);
        d.Start();
        var (exit, _, err) = d.Cli("engage", "--reason", "before kill -9");
        Assert.True(exit == 0, err);
        long generation = d.Status().GetProperty("generation").GetInt64();
        Assert.Equal("ENGAGED", SavedState(d));
        d.Kill9();

        d.Start();
        // Read through the binary's own CLI (Status() may be read by a peer binary: EDGETRADER_PEER_BIN).
        var (sx, sj, se) = d.Cli("status", "--json");
        Assert.True(sx == 0, se);
        using (var own = JsonDocument.Parse(sj)) Assert.Equal("ENGAGED", own.RootElement.GetProperty("state").GetString());
        var s = d.Status();
        Assert.Equal("ENGAGED", s.GetProperty("state").GetString());
        Assert.Equal("before kill -9", s.GetProperty("reason").GetString());
        Assert.Equal("cli", s.GetProperty("source").GetString());
        Assert.Equal(generation, s.GetProperty("generation").GetInt64());

        (exit, _, err) = d.Cli("reset", "--yes");
        Assert.True(exit == 0, $"reset refused after the restart: {err}\n{d.Log}");
        Assert.Equal("SAFE", d.Status().GetProperty("state").GetString());
        Assert.Equal("SAFE", SavedState(d));
        Assert.DoesNotContain("cannot persist", d.Log);
        d.Kill9();

        d.Start();
        s = d.Status();
        Assert.Equal("SAFE", s.GetProperty("state").GetString());
        Assert.Equal(generation, s.GetProperty("generation").GetInt64());
        Assert.DoesNotContain("cannot persist", d.Log);
        Assert.Equal(0, d.Stop());
    }
}
