using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using EdgeTrader.Tests.Cli;
using EdgeTrader.Tests.Trading;

namespace EdgeTrader.Tests.Persistence;

/// <summary>
/// One live run against the python3-zmq peer, crashed (kill -9) inside the first checkpoint interval, so that the next
/// start reads every journal line: its state directory is the pristine copy each test damages on disk.
/// </summary>
public sealed class CrashedJournal : IDisposable
{
    internal HostilePeer Peer { get; } = new();
    readonly LiveDaemon _run;

    /// <summary>The state directory as the crash left it.</summary>
    internal string StateDir => _run.StateDir;

    /// <summary>The day's realised P&amp;L before the crash.</summary>
    internal double Realized { get; }

    public CrashedJournal()
    {
        _run = HostileDaemon.Start(Peer, qty: 1.0);
        // The band's bootstrap and a BUY of 1 lot at 1.0851; a SELL at 1.0791: realised -600; a BUY and a SELL more.
        Peer.Feed(_run, HostilePeer.Tick(1.085, 1.0851), HostilePeer.Tick(1.085, 1.0851), HostilePeer.Tick(1.085, 1.0851));
        _run.WaitForTicks(3);
        _run.WaitForFills(1);
        Peer.Feed(_run, HostilePeer.Tick(1.0791, 1.0792), HostilePeer.Tick(1.0791, 1.0792), HostilePeer.Tick(1.0791, 1.0792));
        _run.WaitForTicks(6);
        _run.WaitForFills(4);
        Realized = _run.Quiesce(TimeSpan.FromSeconds(10)).GetProperty("day").GetProperty("realized").GetDouble();
        Assert.True(Realized < -600, $"the run did not lose the 600 the tests edit: {Realized}");
        _run.Kill9();
        // Within the first 10 s there is no checkpoint: the next start reads (and checks) every line.
        Assert.False(File.Exists(Path.Combine(StateDir, "journal.checkpoint")), "the run was long enough to checkpoint");
    }

    public void Dispose()
    {
        _run.Dispose();
        Peer.Dispose();
    }
}

/// <summary>
/// A journal damaged on disk between two runs: every line ends with its CRC-32, and a line other than a torn last one
/// that does not match (a bit flip, zeros from the disk, an edit that keeps the JSON valid) starts the node ENGAGED,
/// source startup, the file and line named in the reason; a torn last line alone is cut and the node starts as it was.
/// </summary>
// Not in the arm64 subset: the crashed run must end inside the first 10 s checkpoint interval, which qemu-user on a
// loaded machine does not promise.
public class DamagedJournalTests(CrashedJournal crashed) : IClassFixture<CrashedJournal>
{
    /// <summary>A daemon on a copy of the crashed state directory, damaged by <paramref name="damage"/> (the journal file's bytes).</summary>
    LiveDaemon StartOnDamagedCopy(Func<byte[], byte[]> damage, out string file)
    {
        var d = new LiveDaemon(crashed.Peer.Ticks, crashed.Peer.Gateway);
        HostileDaemon.WriteConfig(d, qty: 1.0);
        Directory.CreateDirectory(d.StateDir);
        foreach (var f in Directory.GetFiles(crashed.StateDir)) File.Copy(f, Path.Combine(d.StateDir, Path.GetFileName(f)));
        string journal = Directory.GetFiles(d.StateDir, "journal-*.jsonl").Single();
        file = Path.GetFileName(journal);
        File.WriteAllBytes(journal, damage(File.ReadAllBytes(journal)));
        d.Start();
        return d;
    }

    /// <summary>Byte offsets at which each line starts (1-based line n starts at [n - 1]).</summary>
    static List<int> LineStarts(byte[] b)
    {
        var starts = new List<int> { 0 };
        for (int i = 0; i < b.Length - 1; i++) if (b[i] == '\n') starts.Add(i + 1);
        return starts;
    }

    static void AssertEngagedNaming(LiveDaemon d, string file, int line)
    {
        var s = d.Status();
        Assert.Equal("ENGAGED", s.GetProperty("state").GetString());
        Assert.Equal("startup", s.GetProperty("source").GetString());
        string reason = s.GetProperty("reason").GetString()!;
        Assert.Contains($"{file} line {line}:", reason);
        Assert.True(s.GetProperty("recovery").GetProperty("badLines").GetInt64() >= 1);
    }

    [Fact]
    public void A_bit_flip_in_a_middle_line_starts_the_node_engaged_naming_the_file_and_line()
    {
        int line = 0;
        using var d = StartOnDamagedCopy(b =>
        {
            var starts = LineStarts(b);
            line = starts.Count / 2;
            int at = (starts[line - 1] + starts[line]) / 2;
            b[at] ^= 0x01;
            return b;
        }, out string file);
        AssertEngagedNaming(d, file, line);
    }

    [Fact]
    public void Five_hundred_twelve_zero_bytes_in_the_middle_start_the_node_engaged_naming_the_file_and_line()
    {
        int line = 0;
        using var d = StartOnDamagedCopy(b =>
        {
            var starts = LineStarts(b);
            line = starts.Count / 2;
            while (line > 2 && starts[^1] - starts[line - 1] <= 512) line--;
            Assert.True(starts[^1] - starts[line - 1] > 512, "the journal is too short for 512 zeros before its last line");
            Array.Clear(b, starts[line - 1], 512); // a block of zeros where lines were, the last line intact
            return b;
        }, out string file);
        AssertEngagedNaming(d, file, line);
    }

    [Fact]
    public void An_edit_that_keeps_the_json_valid_realised_minus_600_to_minus_200_starts_the_node_engaged()
    {
        int line = 0;
        string edited = "";
        using var d = StartOnDamagedCopy(b =>
        {
            var lines = Encoding.UTF8.GetString(b).Split('\n');
            line = 1 + Array.FindIndex(lines, l => l.Contains("\"type\":\"fill\"") && Regex.IsMatch(l, "\"realized\":-(59|60)"));
            Assert.True(line > 0, "no fill with a realised -600 in the journal");
            edited = Regex.Replace(lines[line - 1], "\"realized\":-?[0-9.eE+-]+", "\"realized\":-200");
            using (JsonDocument.Parse(edited)) { } // still one valid JSON object
            lines[line - 1] = edited;
            return Encoding.UTF8.GetBytes(string.Join('\n', lines));
        }, out string file);
        AssertEngagedNaming(d, file, line);
        // Nothing is restored from the edited line: the -200 it now says is in no figure; its order is asked about
        // instead, and the gateway's fill books it again.
        Assert.True(Bin.WaitFor(() => d.Status().GetProperty("recovery").GetProperty("state").GetString() == "done", TimeSpan.FromSeconds(10)), d.Log);
        var day = d.Status().GetProperty("day");
        Assert.True(Math.Abs(day.GetProperty("realized").GetDouble() - (crashed.Realized + 400)) > 1, $"the edited line was restored: {day}");
        string id = JsonDocument.Parse(edited).RootElement.GetProperty("id").GetString()!;
        Assert.True(Bin.WaitFor(() => File.ReadAllLines(Path.Combine(d.StateDir, file)).Any(l => l.Contains($"\"type\":\"fill\",\"id\":\"{id}\"") && l.Contains("\"via\":\"reconcile\"")),
            TimeSpan.FromSeconds(5)), $"no fill of {id} booked from the gateway's answer");
    }

    [Fact]
    public void A_torn_last_line_alone_is_cut_and_the_node_starts_as_it_was()
    {
        const string torn = "{\"type\":\"order\",\"time\":1,\"id\":\"n1-1-0000"; // a write cut by the crash
        using var d = StartOnDamagedCopy(b => [.. b, .. Encoding.UTF8.GetBytes(torn)], out string file);
        var s = d.Status();
        Assert.Equal("SAFE", s.GetProperty("state").GetString());
        var rec = s.GetProperty("recovery");
        Assert.Equal(0, rec.GetProperty("badLines").GetInt64());
        Assert.Equal(torn.Length, rec.GetProperty("tornBytesRemoved").GetInt64());
        Assert.Equal(crashed.Realized, s.GetProperty("day").GetProperty("realized").GetDouble(), 2);
        Assert.Equal(0, d.Stop());
        var after = File.ReadAllBytes(Path.Combine(d.StateDir, file));
        Assert.Equal((byte)'\n', after[^1]);
        Assert.Empty(JournalReading.Read(d.StateDir, "").Unparseable);
    }

    /// <summary>
    /// After a clean stop the checkpoint covers the whole journal and the next start reads no line of it: a same-length
    /// edit before the checkpoint's last 64 bytes is not seen at that start (docs/persistence.md), and what the start
    /// restores is the checkpoint's own checksummed reading, so the edited figure reaches no limit.
    /// </summary>
    [Fact]
    public void An_edit_of_a_line_the_checkpoint_covers_never_reaches_the_days_figures()
    {
        using var peer = new HostilePeer();
        using var d = HostileDaemon.Start(peer, qty: 1.0);
        peer.Feed(d, HostilePeer.Tick(1.085, 1.0851), HostilePeer.Tick(1.085, 1.0851), HostilePeer.Tick(1.085, 1.0851));
        d.WaitForTicks(3);
        d.WaitForFills(1);
        peer.Feed(d, HostilePeer.Tick(1.0791, 1.0792), HostilePeer.Tick(1.0791, 1.0792), HostilePeer.Tick(1.0791, 1.0792));
        d.WaitForTicks(6);
        d.WaitForFills(4);
        double realized = d.Quiesce(TimeSpan.FromSeconds(10)).GetProperty("day").GetProperty("realized").GetDouble();
        Assert.True(realized < -590, $"the run did not lose the 600 the test edits: {realized}");
        Assert.Equal(0, d.Stop());
        string journal = Directory.GetFiles(d.StateDir, "journal-*.jsonl").Single();
        var lines = File.ReadAllLines(journal);
        int i = Array.FindIndex(lines, l => l.Contains("\"type\":\"fill\"") && Regex.IsMatch(l, "\"realized\":-(59|60)"));
        Assert.True(i >= 0 && i < lines.Length - 2, "no fill with a realised -600 in the middle of the journal");
        lines[i] = Regex.Replace(lines[i], "\"realized\":-(5|6)", "\"realized\":-1"); // -600 -> -200, one digit
        File.WriteAllLines(journal, lines);
        d.Start();
        var s = d.Status();
        Assert.Equal(realized, s.GetProperty("day").GetProperty("realized").GetDouble(), 2);
        Assert.StartsWith(Path.GetFileName(journal), s.GetProperty("recovery").GetProperty("fromCheckpoint").GetString());
    }

    /// <summary>
    /// After a clean stop the checkpoint covers the whole journal. Cutting the journal at a line boundary before the
    /// checkpoint's offset (whole lines lost, no torn tail, no damaged line) is seen by the checkpoint alone: the node
    /// starts ENGAGED, source startup, the reason naming the file.
    /// </summary>
    [Fact]
    public void A_journal_cut_at_a_line_boundary_before_the_checkpoints_offset_starts_the_node_engaged()
    {
        using var peer = new HostilePeer();
        using var d = HostileDaemon.Start(peer, qty: 1.0);
        peer.Feed(d, HostilePeer.Tick(1.085, 1.0851), HostilePeer.Tick(1.085, 1.0851), HostilePeer.Tick(1.085, 1.0851));
        d.WaitForTicks(3);
        d.WaitForFills(1);
        d.Quiesce(TimeSpan.FromSeconds(10));
        Assert.Equal(0, d.Stop());
        Assert.True(File.Exists(Path.Combine(d.StateDir, "journal.checkpoint")), "a clean stop writes the checkpoint");
        string journal = Directory.GetFiles(d.StateDir, "journal-*.jsonl").Single();
        var lines = File.ReadAllLines(journal);
        Assert.True(lines.Length > 4, "the journal is too short to cut");
        File.WriteAllLines(journal, lines[..(lines.Length - 3)]); // the last three lines gone, at a line end

        d.Start();
        var s = d.Status();
        Assert.Equal("ENGAGED", s.GetProperty("state").GetString());
        Assert.Equal("startup", s.GetProperty("source").GetString());
        string reason = s.GetProperty("reason").GetString()!;
        Assert.Contains(Path.GetFileName(journal), reason);
        Assert.Contains("checkpoint", reason);
    }
}
