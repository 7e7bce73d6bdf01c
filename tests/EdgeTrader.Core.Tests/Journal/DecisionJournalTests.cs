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
}
