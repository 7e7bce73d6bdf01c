using EdgeTrader.Status;

namespace EdgeTrader.Tests.Status;

public class JournalTailTests
{
    [Fact]
    public void The_last_lines_are_read_oldest_first_and_a_line_being_written_is_left_out()
    {
        var dir = Directory.CreateTempSubdirectory("et-tail-").FullName;
        try
        {
            var path = Path.Combine(dir, "journal-2026-11-23.jsonl");
            var lines = Enumerable.Range(1, 40).Select(i => $"{{\"type\":\"order\",\"id\":\"e-1-{i:000000}\",\"symbol\":\"EURUSD\",\"side\":\"BUY\",\"qty\":0.01,\"price\":1.08,\"time\":{i}}}");
            File.WriteAllText(path, string.Join("\n", lines) + "\n" +
                "{\"type\":\"breaker\",\"state\":\"ENGAGED\",\"generation\":2,\"reason\":\"test\",\"source\":\"cli\",\"time\":41}\n" +
                "not json\n{\"type\":\"fill\",\"id\":\"e-1-0000"); // a torn, unterminated tail
            var t = JournalTail.Read(path, 5);
            Assert.Equal(4, t.Count); // 5 lines asked: 3 orders, the breaker, and "not json" dropped
            Assert.Equal("order e-1-000038", t[0].Summary);
            Assert.Equal("order e-1-000038: BUY 0.01 EURUSD @ 1.08", t[0].TradingDetail);
            Assert.Equal("ENGAGED (generation 2) by cli: test", t[^1].Summary);
            Assert.Equal(41, t[^1].TimeMs);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void A_large_journal_is_read_from_its_end_only()
    {
        var dir = Directory.CreateTempSubdirectory("et-tail-").FullName;
        try
        {
            var path = Path.Combine(dir, "j.jsonl");
            using (var w = new StreamWriter(path))
                for (int i = 0; i < 50_000; i++) w.Write($"{{\"type\":\"ack\",\"id\":\"e-1-{i:000000}\",\"time\":{i}}}\n");
            var t = JournalTail.Read(path, 3);
            Assert.Equal(["ack e-1-049997", "ack e-1-049998", "ack e-1-049999"], t.Select(e => e.Summary));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void A_missing_journal_is_empty()
    {
        Assert.Empty(JournalTail.Read("/nonexistent/journal.jsonl", 5));
    }
}
