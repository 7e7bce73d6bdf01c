using System.Text;
using EdgeTrader.Journal;
using EdgeTrader.Session;
using EdgeTrader.Tests.Support;
using EdgeTrader.Trading;

namespace EdgeTrader.Tests.Session;

/// <summary>What is journaled is exactly what was sent: an order's journal line is its gateway frame plus the checksum.</summary>
public sealed class OrderFrameJournalTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("et-orderframe-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void An_orders_journal_line_carries_the_bytes_of_its_frame_whatever_was_formatted_in_between()
    {
        var time = TestClock.New();
        var day = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var symbols = new SymbolTable(["EURUSD", "USDJPY"]);
        var ids = new OrderIds("pi-1", 4);
        var wire = new GatewayWire(symbols, ids);
        var a = new Order { Seq = 1, SymbolId = 0, Side = Side.Buy, Qty = 0.01, Price = 1.08515, TickSeq = 9, TickTimeMs = 5, TimeMs = 6 };
        var b = new Order { Seq = 2, SymbolId = 1, Side = Side.Sell, Qty = 0.25, Price = 151.234, TickSeq = 10, TickTimeMs = 7, TimeMs = 8 };
        var frames = new List<string>();
        using (var j = new DecisionJournal(_dir, symbols, ids, TestDays.At(day), time, null, background: false))
        {
            j.Order(in a);
            frames.Add(Encoding.UTF8.GetString(wire.Order(in a)));
            j.Order(in b);
            string frameA = Encoding.UTF8.GetString(wire.Order(in a)); // a after b: a's own bytes, not b's
            frames.Add(Encoding.UTF8.GetString(wire.Order(in b)));
            Assert.Equal(frames[0], frameA);
            j.Commit();
        }
        var lines = File.ReadAllLines(DecisionJournal.FileFor(_dir, day));
        Assert.Equal(2, lines.Length);
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(LineCrc.Valid, JournalLineCrc.Check(Encoding.UTF8.GetBytes(lines[i])));
            string body = lines[i][..^JournalLineCrc.SuffixLength] + "}";
            Assert.Equal(frames[i], body);
        }
        Assert.Contains("\"id\":\"pi-1-4-000002\"", frames[1]);
        Assert.Contains("\"price\":151.234", frames[1]);
    }
}
