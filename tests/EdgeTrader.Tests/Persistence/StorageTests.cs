using System.Text;
using System.Text.Json;
using EdgeTrader.Tests.Cli;
using Xunit.Abstractions;

namespace EdgeTrader.Tests.Persistence;

/// <summary>Fail closed on storage: a corrupt state file, a read-only state directory, a disk that fills up while trading.</summary>
[Collection("persistence")]
[Trait("Arch", "arm64")] // also run against the arm64 binary under qemu-user (Bin, scripts/test.sh)
public class StorageTests(ITestOutputHelper output)
{
    static string Ep() => $"tcp://127.0.0.1:{Bin.FreePort()}";

    const string ValidEngaged = """{"state":"ENGAGED","generation":4,"reason":"operator","source":"cli","since":"2026-11-20T10:00:00.000Z","highestSeenGeneration":4,"resetGeneration":3}""";
    const string ValidSafe = """{"state":"SAFE","generation":4,"reason":"reset","source":"cli","since":"2026-11-20T10:00:00.000Z","highestSeenGeneration":4,"resetGeneration":4}""";

    public static TheoryData<string, string> CorruptStateFiles => new()
    {
        { "truncated", ValidEngaged[..(ValidEngaged.Length / 2)] },
        { "zero-length", "" },
        { "garbage", "\u0001\u0002\u00ff not json at all \u0000" },
        { "unknown state", ValidSafe.Replace("\"SAFE\"", "\"MAYBE\"") },
    };

    [Theory]
    [MemberData(nameof(CorruptStateFiles))]
    public void A_corrupt_state_file_starts_the_daemon_ENGAGED_with_source_startup_and_says_why(string kind, string content)
    {
        using var d = new LiveDaemon(Ep(), Ep(), dryRun: true);
        Directory.CreateDirectory(d.StateDir);
        File.WriteAllBytes(Path.Combine(d.StateDir, "breaker.json"), Encoding.Latin1.GetBytes(content));
        d.Start();
        var s = d.Status();
        Assert.Equal("ENGAGED", s.GetProperty("state").GetString());
        Assert.Equal("startup", s.GetProperty("source").GetString());
        string reason = s.GetProperty("reason").GetString()!;
        Assert.Contains("breaker.json", reason);
        Assert.Contains("corrupt", reason);
        Assert.Contains("corrupt", d.Log);
        // The directory is writable: an operator may reset, and the file is whole again.
        Assert.Equal(0, d.Cli("reset", "--yes").Exit);
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(d.StateDir, "breaker.json")));
        Assert.Equal("SAFE", doc.RootElement.GetProperty("state").GetString());
        output.WriteLine($"{kind}: {reason}");
    }

    [Fact]
    public void A_reset_whose_new_state_cannot_be_saved_is_refused_and_the_breaker_stays_ENGAGED()
    {
        using var d = new LiveDaemon(Ep(), Ep(), dryRun: true);
        d.Start();
        Assert.Equal(0, d.Cli("engage", "--reason", "before a failing save").Exit);
        // The state file's temp path is taken by a non-empty directory: the atomic save cannot happen (the journal can).
        string blocker = Path.Combine(d.StateDir, "breaker.json.tmp");
        Directory.CreateDirectory(blocker);
        File.WriteAllText(Path.Combine(blocker, "x"), "x");
        var (exit, _, err) = d.Cli("reset", "--yes");
        Assert.Equal(3, exit);
        Assert.Contains("cannot persist the breaker state", err);
        Assert.Equal("ENGAGED", d.Status().GetProperty("state").GetString());
        using (var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(d.StateDir, "breaker.json"))))
            Assert.Equal("ENGAGED", doc.RootElement.GetProperty("state").GetString());
        output.WriteLine($"reset: {err.Trim()}");

        Directory.Delete(blocker, recursive: true);
        Assert.Equal(0, d.Cli("reset", "--yes").Exit);
        Assert.Equal("SAFE", d.Status().GetProperty("state").GetString());
    }

    [SkippableFact]
    public void A_read_only_state_directory_starts_ENGAGED_with_a_clear_reason_and_refuses_reset()
    {
        Root.Require("a read-only bind mount");
        using var d = new LiveDaemon(Ep(), Ep(), dryRun: true);
        string source = Path.Combine(d.Dir, "state-src");
        Directory.CreateDirectory(source);
        File.WriteAllText(Path.Combine(source, "breaker.json"), ValidSafe); // SAFE when last saved
        using var mounts = new Mounts();
        mounts.BindReadOnly(source, d.StateDir);
        try
        {
            d.Start();
            var s = d.Status();
            Assert.Equal("ENGAGED", s.GetProperty("state").GetString());
            Assert.Equal("startup", s.GetProperty("source").GetString());
            string reason = s.GetProperty("reason").GetString()!;
            Assert.Contains("not writable", reason);
            Assert.Contains("Read-only file system", reason);
            // Numbered in a new incarnation: nothing numbered now reaches the disk, and a start after the repair reads the
            // file's counter back, so this run's identities must not be ones that start makes again.
            Assert.Equal(1, s.GetProperty("generation").GetInt64());
            Assert.EndsWith(":1", s.GetProperty("engagement").GetString());
            Assert.Contains("not writable", d.Log);

            var (exit, _, err) = d.Cli("reset", "--yes");
            Assert.Equal(3, exit);
            Assert.Contains("refused", err);
            Assert.Equal("ENGAGED", d.Status().GetProperty("state").GetString());
            output.WriteLine($"reason: {reason}\nreset: {err.Trim()}");
            // This start's engagement never reached the disk: a clean stop says so (exit 1), the file is untouched.
            Assert.Equal(1, d.Stop());
            Assert.Contains("latch NOT saved", d.Log);
            Assert.Equal(ValidSafe, File.ReadAllText(Path.Combine(source, "breaker.json")));
        }
        finally
        {
            d.Stop();
            mounts.Dispose();
        }
    }

    [SkippableFact]
    public void A_disk_that_fills_while_trading_at_10000_ticks_per_second_engages_the_breaker_and_corrupts_nothing()
    {
        Root.Require("a small tmpfs");
        string ticks = Ep(), gw = Ep();
        using var sim = new SimBridgeProcess(ticks, gw, 10_000);
        using var d = new LiveDaemon(ticks, gw);
        using var mounts = new Mounts();
        mounts.Tmpfs(d.StateDir, "1m");
        try
        {
            d.Start();
            Assert.True(Bin.WaitFor(() => d.Status().GetProperty("state").GetString() == "ENGAGED", TimeSpan.FromSeconds(30)),
                "the journal filled the disk but the breaker did not engage");
            var s = d.Status();
            string reason = s.GetProperty("reason").GetString()!;
            Assert.Equal("risk", s.GetProperty("source").GetString());
            Assert.Contains("journal", reason);
            Assert.Contains("No space left on device", reason);
            Assert.Contains("No space left on device", s.GetProperty("journal").GetProperty("failure").GetString());

            // No order leaves any more, while ticks keep coming.
            long orders = s.GetProperty("counters").GetProperty("orders").GetInt64();
            long ticksNow = s.GetProperty("counters").GetProperty("ticks").GetInt64();
            Assert.True(Bin.WaitFor(() => d.Status().GetProperty("counters").GetProperty("ticks").GetInt64() > ticksNow + 5_000, TimeSpan.FromSeconds(10)));
            var after = d.Status().GetProperty("counters");
            Assert.Equal(orders, after.GetProperty("orders").GetInt64());
            output.WriteLine($"orders {orders}, JOURNAL_UNAVAILABLE denials {(after.GetProperty("denials").TryGetProperty("JOURNAL_UNAVAILABLE", out var ju) ? ju.GetInt64() : 0)}, reason: {reason}");

            // The latch reached the disk although it is full (the state file's space reserve), and it parses.
            using (var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(d.StateDir, "breaker.json"))))
            {
                Assert.Equal("ENGAGED", doc.RootElement.GetProperty("state").GetString());
                Assert.Contains("No space left on device", doc.RootElement.GetProperty("reason").GetString());
            }
            // Every journal line parses except possibly the torn last one.
            var j = JournalReading.Read(d.StateDir, "");
            Assert.Empty(j.Unparseable);
            Assert.True(j.Lines > 1000);

            // Reset is refused while the journal cannot be written.
            var (exit, _, err) = d.Cli("reset", "--yes");
            Assert.Equal(3, exit);
            Assert.Contains("journal", err);
            output.WriteLine($"reset: {err.Trim()}");

            // A journal failure is handled (engaged, saved, said): the clean stop is not fatal, and closing the failed
            // journal leaves nothing half-written behind. The orders that reached the gateway are the orders the daemon
            // counted as sent.
            int stopExit = d.Stop();
            Assert.True(stopExit == 0, $"stop exited {stopExit}:\n{d.Log}");
            Assert.Equal(orders, sim.Stop().GetProperty("orders").GetInt64());

            // Restarted on the still-full disk: ENGAGED again, the journal still whole.
            d.Start();
            var again = d.Status();
            Assert.Equal("ENGAGED", again.GetProperty("state").GetString());
            output.WriteLine($"restart on a full disk: {again.GetProperty("reason").GetString()}");
            Assert.True(again.GetProperty("latchSaved").GetBoolean(), again.ToString()); // the reserve took this one
            // The reserve that took it cannot be made again on a full disk: nothing would save the next engagement, so
            // a reset is refused.
            var (againExit, _, againErr) = d.Cli("reset", "--yes");
            Assert.True(againExit == 3, $"reset on a full disk after a restart exited {againExit}: {againErr}");
            Assert.Equal("ENGAGED", d.Status().GetProperty("state").GetString());
            output.WriteLine($"reset after the restart: {againErr.Trim()}");
            d.Kill9();
            Assert.Empty(JournalReading.Read(d.StateDir, "").Unparseable); // nothing was glued onto a torn line
        }
        finally
        {
            d.Stop();
            mounts.Dispose();
        }
    }
}
