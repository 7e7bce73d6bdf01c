using System.Text;
using EdgeTrader.Journal;
using EdgeTrader.Tests.Support;
using EdgeTrader.Trading;

namespace EdgeTrader.Tests.Journal;

/// <summary>A damaged journal line anywhere but a torn last line starts the node ENGAGED, naming the file and line.</summary>
public sealed class JournalDamageTests : IDisposable
{
    static readonly DateOnly Today = new(2026, 11, 23);
    readonly string _dir = Directory.CreateTempSubdirectory("et-damage-").FullName;
    readonly SymbolTable _symbols = new(["EURUSD"]);
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    string Path => DecisionJournal.FileFor(_dir, Today);

    /// <summary>A day of the real journal: two losing round trips (-600 and -300).</summary>
    void WriteDay()
    {
        var time = TestClock.New(TestDays.Midnight(Today).AddHours(9));
        using var j = new DecisionJournal(_dir, _symbols, new OrderIds("pi-1", 3), TestDays.At(Today), time, null, background: false);
        j.Start("run 3");
        for (int i = 1; i <= 4; i++)
        {
            var o = new Order { Seq = i, SymbolId = 0, Side = i % 2 == 1 ? Side.Buy : Side.Sell, Qty = 0.01, Price = 1.1, TimeMs = 1 };
            j.Order(in o);
            j.Fill(i, 0, o.Side, 0.01, 1.1, i == 2 ? -600 : i == 4 ? -300 : 0, 2);
        }
        j.Stop("shutdown");
    }

    RestoredJournal Load() => JournalRestore.Load(_dir, "pi-1", _symbols, 100_000, Today);

    [Fact]
    public void An_undamaged_journal_restores_its_day()
    {
        WriteDay();
        var r = Load();
        Assert.Null(r.Problem);
        Assert.Equal(-900, r.RealizedToday, 9);
    }

    [Fact]
    public void A_flip_that_keeps_the_json_valid_is_detected_and_starts_engaged_naming_file_and_line()
    {
        WriteDay();
        var text = File.ReadAllText(Path);
        Assert.Contains("\"realized\":-600", text);
        File.WriteAllText(Path, text.Replace("\"realized\":-600", "\"realized\":-200"));
        var r = Load();
        Assert.NotNull(r.Problem);
        Assert.Contains("journal-2026-11-23.jsonl", r.Problem);
        Assert.Contains("line 5", r.Problem);
    }

    [Fact]
    public void Zero_bytes_in_the_middle_start_engaged()
    {
        WriteDay();
        var bytes = File.ReadAllBytes(Path).ToList();
        int second = bytes.IndexOf((byte)'\n') + 1;
        bytes.InsertRange(second, new byte[512]);
        File.WriteAllBytes(Path, [.. bytes]);
        var r = Load();
        Assert.NotNull(r.Problem);
        Assert.Contains("line 2", r.Problem);
    }

    [Fact]
    public void A_torn_last_line_is_cut_and_not_a_problem()
    {
        WriteDay();
        File.AppendAllText(Path, "{\"type\":\"fill\",\"id\":\"pi-1-3-0000");
        var r = Load();
        Assert.Null(r.Problem);
        Assert.Equal(-900, r.RealizedToday, 9);
        Assert.EndsWith("\n", File.ReadAllText(Path));
    }

    [Fact]
    public void A_restart_with_the_clock_behind_the_journal_keeps_the_journals_latest_day()
    {
        WriteDay();
        var r = JournalRestore.Load(_dir, "pi-1", _symbols, 100_000, Today.AddDays(-1)); // the clock stepped back over midnight
        Assert.Equal(Today, r.Day);
        Assert.Equal(-900, r.RealizedToday, 9);
        Assert.Equal(4, r.TradesToday);
        Assert.True(r.ClockBehindJournal);
        Assert.Contains("CLOCK_BEHIND_JOURNAL: the wall clock's trading day 2026-11-22 is before the journal's latest day 2026-11-23: that day is kept", r.Notes);
    }

    [Fact]
    public void A_restart_on_the_journals_latest_day_is_not_a_clock_behind_it()
    {
        WriteDay();
        var r = Load();
        Assert.False(r.ClockBehindJournal);
        Assert.DoesNotContain(r.Notes, n => n.Contains("CLOCK_BEHIND_JOURNAL"));
        Assert.Equal(4, r.TradesToday);
    }

    /// <summary>A line as an earlier version wrote it: no checksum.</summary>
    static string Legacy(string line) => line[..line.IndexOf(",\"crc\":", StringComparison.Ordinal)] + "}";

    [Fact]
    public void Lines_without_a_checksum_before_the_first_checksummed_line_are_read_as_legacy()
    {
        WriteDay();
        var lines = File.ReadAllLines(Path);
        // The first half as an earlier version wrote it, the rest with checksums (written after the upgrade).
        var mixed = lines.Select((l, k) => k < lines.Length / 2 ? Legacy(l) : l).ToArray();
        File.WriteAllLines(Path, mixed);
        var r = Load();
        Assert.Null(r.Problem);
        Assert.Equal(-900, r.RealizedToday, 9);
    }

    [Fact]
    public void A_line_without_a_checksum_after_a_checksummed_one_is_damage()
    {
        WriteDay();
        var lines = File.ReadAllLines(Path);
        int k = Array.FindIndex(lines, l => l.Contains("\"realized\":-300"));
        lines[k] = Legacy(lines[k]).Replace("\"realized\":-300", "\"realized\":300");
        File.WriteAllLines(Path, lines);
        var r = Load();
        Assert.NotNull(r.Problem);
        Assert.Contains($"line {k + 1}", r.Problem);
        Assert.Contains("no checksum", r.Problem);
    }

    [Fact]
    public void A_number_that_is_not_finite_never_fails_the_writer_and_is_damage_when_read()
    {
        var time = TestClock.New(TestDays.Midnight(Today).AddHours(9));
        using (var j = new DecisionJournal(_dir, _symbols, new OrderIds("pi-1", 3), TestDays.At(Today), time, null, background: false))
        {
            j.Start("run 3");
            var o = new Order { Seq = 1, SymbolId = 0, Side = Side.Buy, Qty = 0.01, Price = 1.1, TimeMs = 1 };
            j.Order(in o);
            j.Fill(1, 0, Side.Buy, 0.01, 1.1, double.NaN, 2);
            j.Stop("shutdown");
            Assert.Null(j.Failure);
        }
        Assert.Contains("\"realized\":\"NaN\"", File.ReadAllText(Path));
        var r = Load();
        Assert.NotNull(r.Problem);
        Assert.True(double.IsFinite(r.RealizedToday));
    }
}
