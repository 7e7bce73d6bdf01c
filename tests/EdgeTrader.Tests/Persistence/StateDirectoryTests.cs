using System.Security.Cryptography;
using EdgeTrader.Tests.Cli;

namespace EdgeTrader.Tests.Persistence;

/// <summary>One daemon per state directory; a fresh install is an empty one; a latch that cannot be saved is said.</summary>
[Collection("persistence")]
public class StateDirectoryTests
{
    static string Ep() => $"tcp://127.0.0.1:{Bin.FreePort()}";

    // The lock file is held (flock) by the daemon, so .NET cannot open it here: its size and time stand for its content.
    static Dictionary<string, string> Snapshot(string dir) =>
        Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(dir, f), f => (Path.GetFileName(f) == "lock" ? new FileInfo(f).Length.ToString() : Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))))
                + File.GetLastWriteTimeUtc(f).Ticks);

    [Fact]
    public void A_second_run_on_a_held_state_directory_exits_1_naming_the_holder_and_touches_nothing()
    {
        using var d = new LiveDaemon(Ep(), Ep(), dryRun: true);
        d.Start();
        var before = Snapshot(d.StateDir);
        var (exit, _, err) = Bin.Run("run", "--config", d.ConfigPath);
        var after = Snapshot(d.StateDir);
        Assert.Equal(1, exit);
        Assert.Contains($"pid {d.Process!.Id}", err);
        Assert.Equal(before, after);
        Assert.NotNull(d.TryStatus()); // the holder still runs
    }

    [Fact]
    public void A_missing_breaker_json_next_to_a_journal_and_a_run_counter_starts_ENGAGED_saying_which_is_missing()
    {
        using var d = new LiveDaemon(Ep(), Ep(), dryRun: true);
        d.Start();
        Assert.Equal(0, d.Stop());
        File.Delete(Path.Combine(d.StateDir, "breaker.json"));
        d.Start();
        var s = d.Status();
        Assert.Equal("ENGAGED", s.GetProperty("state").GetString());
        Assert.Equal("startup", s.GetProperty("source").GetString());
        Assert.Contains("breaker.json is missing", s.GetProperty("reason").GetString());
    }

    [Fact]
    public void A_state_directory_deleted_while_running_gets_the_engagement_back_on_disk_and_it_survives_kill_9()
    {
        using var d = new LiveDaemon(Ep(), Ep(), dryRun: true);
        d.Start();
        Directory.Delete(d.StateDir, recursive: true);
        Assert.Equal(0, d.Cli("engage", "--reason", "after the directory vanished").Exit);
        var s = d.Status();
        Assert.True(s.GetProperty("latchSaved").GetBoolean(), s.ToString());
        d.Kill9();
        d.Start();
        var again = d.Status();
        Assert.Equal("ENGAGED", again.GetProperty("state").GetString());
        Assert.Contains("after the directory vanished", again.GetProperty("reason").GetString());
    }

    [SkippableFact]
    public void A_state_directory_made_read_only_while_running_shows_latchSaved_false_refuses_resets_and_recovers()
    {
        Root.Require("a read-only bind mount");
        using var d = new LiveDaemon(Ep(), Ep(), dryRun: true);
        using var mounts = new Mounts();
        Directory.CreateDirectory(d.StateDir);
        mounts.BindReadOnly(d.StateDir, d.StateDir); // bound on itself, then remounted read-only below
        RemountWritable(d.StateDir, true);
        try
        {
            d.Start();
            RemountWritable(d.StateDir, false);
            Assert.Equal(0, d.Cli("engage", "--reason", "on a read-only disk").Exit);
            var s = d.Status();
            Assert.Equal("ENGAGED", s.GetProperty("state").GetString());
            Assert.False(s.GetProperty("latchSaved").GetBoolean());
            Assert.Contains("Read-only file system", s.GetProperty("latchProblem").GetString());
            Assert.True(Bin.WaitFor(() => d.Log.Contains("LATCH NOT SAVED"), TimeSpan.FromSeconds(5)), d.Log);
            var (exit, _, err) = d.Cli("reset", "--yes");
            Assert.Equal(3, exit);
            Assert.Contains("not saved", err);

            RemountWritable(d.StateDir, true); // the retry saves it
            Assert.True(Bin.WaitFor(() => d.Status().GetProperty("latchSaved").GetBoolean(), TimeSpan.FromSeconds(10)));
            Assert.Equal(0, d.Cli("reset", "--yes").Exit);
        }
        finally
        {
            d.Stop();
            mounts.Dispose();
        }
    }

    static void RemountWritable(string target, bool writable)
    {
        using var p = System.Diagnostics.Process.Start("mount", ["-o", writable ? "remount,bind,rw" : "remount,bind,ro", target]);
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
    }
}
