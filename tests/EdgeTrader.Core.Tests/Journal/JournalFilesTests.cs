using System.Text;
using EdgeTrader.Journal;
using EdgeTrader.Tests.Support;
using EdgeTrader.Trading;

namespace EdgeTrader.Tests.Journal;

/// <summary>The journal on disk: one file per trading day, read line by line, damage named, a torn last line cut or left.</summary>
public sealed class JournalFilesTests : IDisposable
{
    static readonly DateOnly Today = new(2026, 11, 23);
    readonly string _dir = Directory.CreateTempSubdirectory("et-jfiles-").FullName;
    readonly SymbolTable _symbols = new(["EURUSD"]);
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    string PathOf(DateOnly d) => JournalFiles.FileFor(_dir, d);

    [Theory]
    [InlineData("journal-2026-11-23.jsonl", true)]
    [InlineData("journal-2026-11-23.json", false)]
    [InlineData("journal-2026-11-23.jsonl.bak", false)]
    [InlineData("xjournal-2026-11-23.jsonl", false)]
    [InlineData("journal-2026-13-01.jsonl", false)]
    [InlineData("journal-20261123.jsonl", false)]
    [InlineData("journal-.jsonl", false)]
    [InlineData("journal_2026-11-23.jsonl", false)] // a day between other ends
    [InlineData("journal-2026-11-23.jsonx", false)]
    public void A_journal_file_is_named_by_its_day(string name, bool ok)
    {
        Assert.Equal(ok, JournalFiles.TryParseFileDay(name, out var day));
        Assert.Equal(ok ? Today : default, day);
    }

    [Fact]
    public void The_files_of_a_directory_are_listed_oldest_day_first_and_other_names_are_ignored()
    {
        Assert.Empty(JournalFiles.List(Path.Combine(_dir, "missing")));
        foreach (var d in new[] { Today, Today.AddDays(-10), Today.AddDays(-1) }) File.WriteAllText(PathOf(d), "");
        File.WriteAllText(Path.Combine(_dir, "journal-old.jsonl"), "");
        File.WriteAllText(Path.Combine(_dir, "notes.txt"), "");
        Assert.Equal([Today.AddDays(-10), Today.AddDays(-1), Today], JournalFiles.List(_dir).Select(f => f.Day));
        Assert.Equal(PathOf(Today), JournalFiles.List(_dir)[^1].Path);
        Assert.Equal(PathOf(Today), DecisionJournal.FileFor(_dir, Today));
        Assert.EndsWith("journal-2026-11-23.jsonl", PathOf(Today));
    }

    [Fact]
    public void A_line_longer_than_the_read_buffer_is_read_whole()
    {
        string pad = new('x', 3 << 20);
        File.WriteAllText(PathOf(Today), "{\"type\":\"fill\",\"id\":\"a\",\"symbol\":\"EURUSD\",\"side\":\"BUY\",\"qty\":2,\"price\":1.1,\"realized\":0,\"pad\":\"" + pad + "\",\"time\":1}\n"
            + "{\"type\":\"fill\",\"id\":\"b\",\"symbol\":\"EURUSD\",\"side\":\"BUY\",\"qty\":1,\"price\":1.1,\"realized\":0,\"time\":2}\n");
        var r = JournalRestore.Load(_dir, "pi-1", _symbols, 100_000, Today);
        Assert.Null(r.Problem);
        Assert.Equal(3, r.Net[0]);
        Assert.Equal(2, r.Lines);
        Assert.Equal(new FileInfo(PathOf(Today)).Length, r.Bytes);
    }

    [Fact]
    public void Read_only_a_torn_last_line_is_left_in_place_and_reported_with_its_first_bytes()
    {
        File.WriteAllText(PathOf(Today), "{\"type\":\"fill\",\"id\":\"a\",\"symbol\":\"EURUSD\",\"side\":\"BUY\",\"qty\":2,\"price\":1.1,\"realized\":0,\"time\":1}\n{\"type\":\"fi\0\0");
        long length = new FileInfo(PathOf(Today)).Length;
        var r = JournalRestore.Load(_dir, "pi-1", _symbols, 100_000, Today, repairTornTails: false);
        Assert.Null(r.Problem);
        Assert.Equal(13, r.TornBytesRemoved);
        Assert.Equal(length, new FileInfo(PathOf(Today)).Length);
        Assert.Contains(r.Notes, n => n == "journal-2026-11-23.jsonl: torn last line of 13 bytes left in place (read-only): {\"type\":\"fi..");
        r = JournalRestore.Load(_dir, "pi-1", _symbols, 100_000, Today);
        Assert.Contains(r.Notes, n => n == "journal-2026-11-23.jsonl: cut a torn last line of 13 bytes (a crash mid-write): {\"type\":\"fi..");
        Assert.Equal(length - 13, new FileInfo(PathOf(Today)).Length);
        Assert.Equal(2, r.Net[0]);
    }

    [Fact]
    public void A_torn_line_is_quoted_up_to_200_bytes()
    {
        File.WriteAllText(PathOf(Today), "{\"type\":\"fill\",\"x\":\"" + new string('y', 400));
        var r = JournalRestore.Load(_dir, "pi-1", _symbols, 100_000, Today, repairTornTails: false);
        var note = Assert.Single(r.Notes, n => n.Contains("torn last line"));
        Assert.EndsWith(("{\"type\":\"fill\",\"x\":\"" + new string('y', 400))[..200], note);
        Assert.DoesNotContain(new string('y', 181), note);
    }

    [Fact]
    public void Every_damaged_line_is_counted_the_first_twenty_are_named_and_the_problem_says_how_many()
    {
        var lines = Enumerable.Range(1, 25).Select(i => "not a journal line " + i);
        File.WriteAllText(PathOf(Today), string.Join("\n", lines) + "\n");
        var r = JournalRestore.Load(_dir, "pi-1", _symbols, 100_000, Today);
        Assert.Equal(25, r.BadLines);
        Assert.Equal(25, r.Lines);
        Assert.Contains(r.Notes, n => n == "journal-2026-11-23.jsonl: 25 damaged line(s), not applied");
        Assert.NotNull(r.Problem);
        Assert.StartsWith("the journal is damaged: journal-2026-11-23.jsonl line 1: it is not a journal line; journal-2026-11-23.jsonl line 2: ", r.Problem);
        Assert.EndsWith("(25 damaged lines in all); nothing is restored from damaged lines", r.Problem);
        Assert.DoesNotContain("line 4:", r.Problem);
    }

    [Fact]
    public void Three_damaged_lines_are_all_named_without_a_count()
    {
        File.WriteAllText(PathOf(Today), "x\ny\nz\n");
        var r = JournalRestore.Load(_dir, "pi-1", _symbols, 100_000, Today);
        Assert.EndsWith("line 3: it is not a journal line; nothing is restored from damaged lines", r.Problem);
    }

    [Fact]
    public void Damage_after_a_checkpoint_is_named_as_such()
    {
        var time = TestClock.New(TestDays.Midnight(Today).AddHours(9));
        var cps = JournalRestore.Load(_dir, "pi-1", _symbols, 100_000, Today).CreateCheckpointer(_dir, TimeSpan.FromHours(1));
        using (var j = new DecisionJournal(_dir, _symbols, new OrderIds("pi-1", 1), TestDays.At(Today), time, null, background: false, checkpoints: cps))
        {
            j.Start("run 1");
            j.Stop("shutdown");
        }
        File.AppendAllText(PathOf(Today), "{\"type\":\"stop\",\"run\":1,\"time\":1,\"crc\":\"00000000\"}\n");
        var r = JournalRestore.Load(_dir, "pi-1", _symbols, 100_000, Today);
        Assert.NotNull(r.FromCheckpoint);
        Assert.Contains("journal-2026-11-23.jsonl line 1 after the checkpoint: its checksum does not match", r.Problem);
    }

    static string LegacyFill(string id, int qty = 1) =>
        "{\"type\":\"fill\",\"id\":\"" + id + "\",\"symbol\":\"EURUSD\",\"side\":\"BUY\",\"qty\":" + qty + ",\"price\":1.1,\"realized\":0,\"time\":1}";

    [Fact]
    public void Empty_lines_are_no_damage_and_the_lines_after_them_are_read()
    {
        File.WriteAllText(PathOf(Today), LegacyFill("a") + "\n\n" + LegacyFill("b", 2) + "\n\n");
        var r = JournalRestore.Load(_dir, "pi-1", _symbols, 100_000, Today);
        Assert.Null(r.Problem);
        Assert.Equal((4L, 0L, 0L), (r.Lines, r.BadLines, r.TornBytesRemoved));
        Assert.Equal(3, r.Net[0]);
        Assert.Empty(r.Notes); // a whole, clean file has nothing to say
    }

    [Fact]
    public void Each_damaged_line_is_counted_but_only_the_first_twenty_are_named()
    {
        File.WriteAllText(PathOf(Today), string.Concat(Enumerable.Range(1, 25).Select(i => "bad " + i + "\n")));
        File.WriteAllText(PathOf(Today.AddDays(-1)), "bad\n");
        var state = new JournalState("pi-1", _symbols, 100_000, Today);
        var stats = new JournalReadStats();
        JournalFiles.Read(PathOf(Today.AddDays(-1)), JournalPart.Recent, Today.AddDays(-1), 0, repair: true, state, stats);
        JournalFiles.Read(PathOf(Today), JournalPart.Today, Today, 0, repair: true, state, stats);
        Assert.Equal((26L, 26L), (stats.BadLines, stats.DamagedLines));
        Assert.Equal(20, stats.Damage.Count);
        Assert.StartsWith("journal-2026-11-23.jsonl line 19:", stats.Damage[^1]);
    }

    [Fact]
    public void After_a_checkpoints_offset_a_line_without_a_checksum_is_damage()
    {
        string first = LegacyFill("a") + "\n";
        File.WriteAllText(PathOf(Today), first + LegacyFill("b") + "\n");
        var state = new JournalState("pi-1", _symbols, 100_000, Today);
        var stats = new JournalReadStats();
        JournalFiles.Read(PathOf(Today), JournalPart.Today, Today, Encoding.UTF8.GetByteCount(first), repair: true, state, stats);
        Assert.Equal(1, stats.DamagedLines);
        Assert.Equal("journal-2026-11-23.jsonl line 1 after the checkpoint: it has no checksum, after checksummed lines", Assert.Single(stats.Damage));
        Assert.Equal(0, state.Result(stats, null, TimeSpan.Zero, null).Net[0]);
    }
}
