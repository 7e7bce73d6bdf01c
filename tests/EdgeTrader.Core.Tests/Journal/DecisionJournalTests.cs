using Microsoft.Extensions.Time.Testing;
using EdgeTrader.Journal;
using EdgeTrader.Tests.Support;
using EdgeTrader.Trading;

namespace EdgeTrader.Tests.Journal;

public sealed class DecisionJournalTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("et-journal-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Daily_counters_are_rebuilt_from_the_journal_and_a_torn_last_line_is_skipped()
    {
        var time = TestClock.New();
        var day = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var symbols = new SymbolTable(["EURUSD"]);
        using (var j = new DecisionJournal(_dir, symbols, new OrderIds("n1", 3), TestDays.At(day), time, null, background: false))
        {
            j.Order(new Order { Seq = 1, SymbolId = 0, Side = Side.Buy, Qty = 0.01, Price = 1.1, TimeMs = 1 });
            j.Fill(1, 0, Side.Buy, 0.01, 1.1, 0, 2);
            j.Order(new Order { Seq = 2, SymbolId = 0, Side = Side.Sell, Qty = 0.01, Price = 1.0, TimeMs = 3 });
            j.Fill(2, 0, Side.Sell, 0.01, 1.0, -100, 4);
            j.Commit();
        }
        File.AppendAllText(DecisionJournal.FileFor(_dir, day), "{\"type\":\"order\",\"id\":\"n1-3-0000"); // crash mid-line
        var c = JournalRestore.Load(_dir, "n1", symbols, 100_000, day);
        Assert.Equal(2, c.TradesToday);
        Assert.Equal(-100, c.RealizedToday);
        Assert.Equal(1, c.LossStreak);
        Assert.True(c.TornBytesRemoved > 0);
    }

    [Fact]
    public void Every_line_is_one_json_object_with_the_order_id()
    {
        var time = TestClock.New();
        var day = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        using (var j = new DecisionJournal(_dir, new SymbolTable(["EURUSD"]), new OrderIds("pi-1", 12), TestDays.At(day), time, null, background: false))
        {
            j.Order(new Order { Seq = 7, SymbolId = 0, Side = Side.Sell, Qty = 0.5, Price = 1.2345, TickSeq = 9, TickTimeMs = 5, TimeMs = 6 });
            j.Commit();
        }
        var line = Assert.Single(File.ReadAllLines(DecisionJournal.FileFor(_dir, day)));
        using var doc = System.Text.Json.JsonDocument.Parse(line);
        Assert.Equal("pi-1-12-000007", doc.RootElement.GetProperty("id").GetString());
        Assert.Equal("SELL", doc.RootElement.GetProperty("side").GetString());
    }

    [Fact]
    public void A_write_failure_calls_onFailure_once_and_every_later_record_is_refused()
    {
        var time = TestClock.New();
        var day = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        Directory.CreateDirectory(DecisionJournal.FileFor(_dir, day)); // the day's file cannot be opened for writing
        var failures = new List<string>();
        using var j = new DecisionJournal(_dir, new SymbolTable(["EURUSD"]), new OrderIds("pi-1", 1), TestDays.At(day), time, failures.Add, background: false);
        Assert.True(j.Order(new Order { Seq = 1, SymbolId = 0, Side = Side.Buy, Qty = 0.01, Price = 1.1, TimeMs = 1 }));
        j.Commit();
        var failure = Assert.Single(failures);
        Assert.Contains("journal write failed", failure);
        Assert.Equal(failure, j.Failure);
        Assert.False(j.Order(new Order { Seq = 2, SymbolId = 0, Side = Side.Buy, Qty = 0.01, Price = 1.1, TimeMs = 2 }));
        j.Fill(2, 0, Side.Buy, 0.01, 1.1, 0, 3);
        j.Commit();
        Assert.Single(failures);
        Assert.Equal(1, j.AppendedLines);
    }

    [Fact]
    public void A_line_goes_to_the_file_of_the_trading_day_it_was_appended_in_even_when_committed_after_midnight()
    {
        var time = TestClock.New();
        var d1 = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var day = TestDays.At(d1);
        using (var j = new DecisionJournal(_dir, new SymbolTable(["EURUSD"]), new OrderIds("pi-1", 1), day, time, null, background: false))
        {
            j.Order(new Order { Seq = 1, SymbolId = 0, Side = Side.Buy, Qty = 0.01, Price = 1.1, TimeMs = 1 });
            TestDays.MoveTo(day, d1.AddDays(1)); // midnight passes before the group commit
            j.Order(new Order { Seq = 2, SymbolId = 0, Side = Side.Buy, Qty = 0.01, Price = 1.1, TimeMs = 2 });
            j.Commit();
            j.Order(new Order { Seq = 3, SymbolId = 0, Side = Side.Buy, Qty = 0.01, Price = 1.1, TimeMs = 3 });
            j.Commit();
        }
        Assert.Equal(["pi-1-1-000001"], Ids(d1));
        Assert.Equal(["pi-1-1-000002", "pi-1-1-000003"], Ids(d1.AddDays(1)));
        Assert.Equal(2, JournalRestore.Load(_dir, "pi-1", new SymbolTable(["EURUSD"]), 100_000, d1.AddDays(1)).TradesToday);
    }

    IEnumerable<string?> Ids(DateOnly day) => File.ReadAllLines(DecisionJournal.FileFor(_dir, day))
        .Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("id").GetString());
}
