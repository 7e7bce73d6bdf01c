using System.Diagnostics;
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
        // The holder's own first lines (its clock reading is journaled when the clock is not synchronised) are not
        // the second run's doing: wait until the holder has read its clock and its state directory is quiet.
        Assert.True(Bin.WaitFor(() => d.Status().GetProperty("links").GetProperty("clock").GetProperty("state").GetString() != "connecting", TimeSpan.FromSeconds(10)));
        d.Quiesce(TimeSpan.FromSeconds(10)); // everything the holder journaled so far is on disk
        var before = Snapshot(d.StateDir);
        var since = Stopwatch.StartNew();
        Assert.True(Bin.WaitFor(() =>
        {
            var now = Snapshot(d.StateDir);
            if (!now.SequenceEqual(before)) { before = now; since.Restart(); }
            return since.Elapsed >= TimeSpan.FromMilliseconds(500);
        }, TimeSpan.FromSeconds(10)), "the holder keeps writing");
        var (exit, _, err) = Bin.Run("run", "--config", d.ConfigPath);
        var after = Snapshot(d.StateDir);
        Assert.Equal(before, after); // no run counter bumped, no journal read or repaired, no breaker.json rewritten
        Assert.Equal(1, exit);
        Assert.Contains($"pid {d.Process!.Id}", err);
        Assert.NotNull(d.TryStatus()); // the holder still runs
    }

    [Fact]
    public void Status_and_the_state_file_show_the_breaker_with_the_same_fields_in_one_timestamp_format()
    {
        using var d = new LiveDaemon(Ep(), Ep(), dryRun: true);
        d.Start();
        Assert.Equal(0, d.Cli("engage", "--reason", "one codec").Exit);
        var status = d.Status();
        using var file = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(Path.Combine(d.StateDir, "breaker.json")));
        foreach (var name in new[] { "state", "engagement", "generation", "reason", "source", "since" })
            Assert.Equal(file.RootElement.GetProperty(name).GetRawText(), status.GetProperty(name).GetRawText());
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", status.GetProperty("since").GetString());
        Assert.Equal(status.GetProperty("counter").GetInt64(), file.RootElement.GetProperty("counter").GetInt64());
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
    public void A_state_directory_that_cannot_be_written_while_running_shows_latchSaved_false_refuses_resets_and_recovers()
    {
        // A read-only remount is refused while the daemon holds files open for writing (EBUSY); an immutable directory
        // (chattr +i) refuses every create and rename, to root as well, while the open journal can still grow.
        Root.Require("chattr +i");
        using var d = new LiveDaemon(Ep(), Ep(), dryRun: true);
        d.Start();
        try
        {
            Chattr(d.StateDir, "+i");
            var (engageExit, engageOut, _) = d.Cli("engage", "--reason", "on a disk that cannot be written");
            Assert.Equal(0, engageExit);
            Assert.Contains("new engagement", engageOut);
            var s = d.Status();
            Assert.Equal("ENGAGED", s.GetProperty("state").GetString());
            Assert.False(s.GetProperty("latchSaved").GetBoolean(), s.ToString());
            Assert.Contains("cannot save the breaker state", s.GetProperty("latchProblem").GetString());
            Assert.Contains("breaker.json", s.GetProperty("latchProblem").GetString()); // the save's error, not the reserve's
            Assert.True(Bin.WaitFor(() => d.Log.Contains("LATCH NOT SAVED"), TimeSpan.FromSeconds(5)), d.Log);
            var (exit, _, err) = d.Cli("reset", "--yes");
            Assert.Equal(3, exit);
            Assert.Contains("not saved", err);

            Chattr(d.StateDir, "-i"); // the retry (every second) saves it
            Assert.True(Bin.WaitFor(() => d.Status().GetProperty("latchSaved").GetBoolean(), TimeSpan.FromSeconds(10)));
            Assert.Contains("latch saved again", d.Log);
            Assert.Equal(0, d.Cli("reset", "--yes").Exit);

            // Unsaved at a clean stop: the state on disk (SAFE) is older than the engagement, which is fatal: exit 1, said.
            Chattr(d.StateDir, "+i");
            Assert.Equal(0, d.Cli("engage", "--reason", "unsaved at the stop").Exit);
            Assert.False(d.Status().GetProperty("latchSaved").GetBoolean());
            Assert.Equal(1, d.Stop());
            Assert.Contains("latch NOT saved", d.Log);

            // Started again on the same directory: it cannot be written, so ENGAGED whatever the file says.
            d.Start();
            Assert.Equal("ENGAGED", d.Status().GetProperty("state").GetString());
            Assert.Equal("startup", d.Status().GetProperty("source").GetString());
        }
        finally
        {
            Chattr(d.StateDir, "-i");
            d.Stop();
        }
    }

    static void Chattr(string target, string flag)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("chattr", [flag, target]) { RedirectStandardError = true };
        using var p = System.Diagnostics.Process.Start(psi)!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"chattr {flag} {target}: {err}");
    }
}
