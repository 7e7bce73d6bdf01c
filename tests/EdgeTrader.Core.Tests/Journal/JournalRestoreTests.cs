using Microsoft.Extensions.Time.Testing;
using System.Diagnostics;
using System.Globalization;
using EdgeTrader.Journal;
using EdgeTrader.Tests.Support;
using EdgeTrader.Trading;
using Xunit.Abstractions;

namespace EdgeTrader.Tests.Journal;

public sealed class JournalRestoreTests(ITestOutputHelper output) : IDisposable
{
    static readonly DateOnly Today = new(2026, 11, 23);
    readonly string _dir = Directory.CreateTempSubdirectory("et-restore-").FullName;
    readonly SymbolTable _symbols = new(["EURUSD", "USDJPY"]);
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
    static string Order(string id, string side, double qty, double price, long time = 1) =>
        Inv($"{{\"type\":\"order\",\"id\":\"{id}\",\"symbol\":\"EURUSD\",\"side\":\"{side}\",\"qty\":{qty},\"price\":{price},\"tickSeq\":1,\"tickTime\":{time},\"time\":{time}}}");
    static string Fill(string id, string side, double qty, double price, double realized = 0, string symbol = "EURUSD", long time = 2) =>
        Inv($"{{\"type\":\"fill\",\"id\":\"{id}\",\"symbol\":\"{symbol}\",\"side\":\"{side}\",\"qty\":{qty},\"price\":{price},\"realized\":{realized},\"time\":{time}}}");
    static string Event(string type, string id, string? reason = null) =>
        reason is null ? $"{{\"type\":\"{type}\",\"id\":\"{id}\",\"time\":3}}" : $"{{\"type\":\"{type}\",\"id\":\"{id}\",\"reason\":\"{reason}\",\"time\":3}}";

    void Write(DateOnly day, params string[] lines) => File.AppendAllText(DecisionJournal.FileFor(_dir, day), string.Join("", lines.Select(l => l + "\n")));

    RestoredJournal Load() => JournalRestore.Load(_dir, "pi-1", _symbols, 100_000, Today);

    [Fact]
    public void Positions_come_from_the_fills_of_every_file_in_date_order_and_day_counters_from_todays_file_only()
    {
        Write(Today.AddDays(-10), Order("pi-1-1-000001", "BUY", 0.03, 1.10), Fill("pi-1-1-000001", "BUY", 0.03, 1.10));
        Write(Today.AddDays(-1), Order("pi-1-2-000001", "SELL", 0.01, 1.12), Fill("pi-1-2-000001", "SELL", 0.01, 1.12, realized: 20));
        Write(Today,
            Order("pi-1-3-000001", "BUY", 0.02, 1.13), Fill("pi-1-3-000001", "BUY", 0.02, 1.13),
            Order("pi-1-3-000002", "SELL", 0.01, 1.09), Fill("pi-1-3-000002", "SELL", 0.01, 1.09, realized: -30),
            Fill("old-9-000001", "BUY", 5, 150.0, symbol: "GBPUSD"));
        var r = Load();
        // 0.03 @ 1.10, sell 0.01, buy 0.02 @ 1.13 => 0.04 @ (0.02*1.10 + 0.02*1.13)/0.04; sell 0.01 => 0.03 at the same average.
        Assert.Equal(0.03, r.Net[0], 9);
        Assert.Equal((0.02 * 1.10 + 0.02 * 1.13) / 0.04, r.AvgPrice[0], 9);
        Assert.Equal(0, r.Net[1]);
        Assert.Equal(2, r.TradesToday);
        Assert.Equal(-30, r.RealizedToday, 9);
        Assert.Equal(1, r.LossStreak);
        Assert.Equal(5, r.OtherSymbols["GBPUSD"]);
        Assert.Contains(r.Notes, n => n.Contains("GBPUSD"));
        Assert.Equal(3, r.Files);
        Assert.Empty(r.Pending);
    }

    [Fact]
    public void The_loss_streak_is_read_from_the_journaled_realized_a_win_ends_it_across_files()
    {
        Write(Today.AddDays(-1), Fill("a", "BUY", 0.01, 1.1, realized: -1), Fill("b", "SELL", 0.01, 1.1, realized: -2));
        Write(Today, Fill("c", "BUY", 0.01, 1.1, realized: 5), Fill("d", "SELL", 0.01, 1.1, realized: -1), Fill("e", "BUY", 0.01, 1.1, realized: 0), Fill("f", "SELL", 0.01, 1.1, realized: -3));
        var r = Load();
        Assert.Equal(2, r.LossStreak);
        Assert.Equal(1, r.RealizedToday, 9);
    }

    [Fact]
    public void An_order_without_a_complete_fill_or_an_end_is_pending_and_every_end_settles_it()
    {
        Write(Today,
            Order("pi-1-4-000001", "BUY", 0.01, 1.1), Event("ack", "pi-1-4-000001"), Fill("pi-1-4-000001", "BUY", 0.01, 1.1),
            Order("pi-1-4-000002", "BUY", 0.01, 1.1), Fill("pi-1-4-000002", "BUY", 0.004, 1.2),
            Order("pi-1-4-000003", "SELL", 0.01, 1.1), Event("reject", "pi-1-4-000003", "no"),
            Order("pi-1-4-000004", "SELL", 0.01, 1.1), "{\"type\":\"reject\",\"id\":\"pi-1-4-000004\",\"reason\":\"send failed\",\"sent\":false,\"time\":3}",
            Order("pi-1-4-000005", "SELL", 0.01, 1.1), Event("given_up", "pi-1-4-000005", "cancelled at the gateway"),
            Order("pi-1-4-000006", "SELL", 0.01, 1.1), Event("unknown_at_gateway", "pi-1-4-000006"),
            Order("pi-1-4-000007", "SELL", 0.01, 1.1), Event("discarded", "pi-1-4-000007", "run --cold"),
            Order("pi-1-4-000008", "SELL", 0.02, 1.3), Event("ack", "pi-1-4-000008"), Event("timeout", "pi-1-4-000008"));
        var r = Load();
        Assert.Equal(["pi-1-4-000002", "pi-1-4-000008"], r.Pending.Select(p => p.Id));
        var partial = r.Pending[0];
        Assert.Equal(0.004, partial.FilledQty, 9);
        Assert.Equal(0.006, partial.Remaining, 9);
        Assert.Equal(0.004 * 1.2, partial.FilledNotional, 9);
        Assert.False(partial.Acked);
        Assert.True(r.Pending[1].Acked);
        Assert.Equal(Side.Sell, r.Pending[1].Side);
        Assert.Equal(7, r.TradesToday); // 8 orders, one never left (reject with "sent":false)
        Assert.Equal(8, r.MaxSeqByRun[4]);
    }

    [Fact]
    public void Orders_pending_in_yesterdays_file_are_restored_and_older_ones_are_not()
    {
        Write(Today.AddDays(-2), Order("pi-1-1-000001", "BUY", 0.01, 1.1));
        Write(Today.AddDays(-1), Order("pi-1-2-000001", "BUY", 0.01, 1.1));
        var r = Load();
        Assert.Equal(["pi-1-2-000001"], r.Pending.Select(p => p.Id));
        Assert.Equal(0, r.TradesToday);
    }

    [Fact]
    public void A_torn_last_line_is_cut_off_so_the_next_append_starts_on_a_clean_line()
    {
        Write(Today, Order("pi-1-1-000001", "BUY", 0.01, 1.1), Fill("pi-1-1-000001", "BUY", 0.01, 1.1));
        string path = DecisionJournal.FileFor(_dir, Today);
        const string torn = "{\"type\":\"order\",\"id\":\"pi-1-1-0000"; // the crash cut this line
        File.AppendAllText(path, torn);
        long whole = new FileInfo(path).Length - torn.Length;
        var r = Load();
        Assert.Equal(torn.Length, r.TornBytesRemoved);
        Assert.Equal(whole, new FileInfo(path).Length);
        Assert.Equal(0, r.BadLines);
        Assert.Contains(r.Notes, n => n.Contains("torn"));
        Write(Today, Order("pi-1-2-000001", "SELL", 0.01, 1.1));
        var again = Load();
        Assert.Equal(0, again.BadLines);
        Assert.Equal(0, again.TornBytesRemoved);
        Assert.Equal(["pi-1-2-000001"], again.Pending.Select(p => p.Id));
    }

    [Fact]
    public void A_tail_of_zero_bytes_after_a_power_cut_is_cut_off_too()
    {
        Write(Today, Order("pi-1-1-000001", "BUY", 0.01, 1.1));
        File.AppendAllText(DecisionJournal.FileFor(_dir, Today), new string('\0', 4096));
        var r = Load();
        Assert.Equal(4096, r.TornBytesRemoved);
        Assert.Single(r.Pending);
    }

    [Fact]
    public void An_unreadable_line_in_the_middle_is_skipped_and_counted_and_the_rest_is_read()
    {
        Write(Today, Order("pi-1-1-000001", "BUY", 0.01, 1.1), "{\"type\":\"fill\",\"id\":garbage", "\0\0\0", Fill("pi-1-1-000001", "BUY", 0.01, 1.1));
        var r = Load();
        Assert.Equal(2, r.BadLines);
        Assert.Empty(r.Pending);
        Assert.Equal(0.01, r.Net[0], 9);
    }

    [Fact]
    public void A_fill_with_a_side_the_journal_never_writes_is_unreadable_not_a_buy()
    {
        Write(Today, Fill("pi-1-1-000001", "HOLD", 0.01, 1.1), Fill("pi-1-1-000002", "SELL", 0.01, 1.1));
        var r = Load();
        Assert.Equal(1, r.BadLines);
        Assert.Equal(-0.01, r.Net[0], 9);
    }

    [Fact]
    public void The_last_run_stopped_cleanly_only_when_the_newest_file_ends_with_a_stop_line()
    {
        Assert.True(Load().LastRunStoppedCleanly); // no journal at all: nothing can be lost
        Write(Today.AddDays(-1), "{\"type\":\"stop\",\"run\":1,\"detail\":\"shutdown\",\"time\":1}");
        Assert.True(Load().LastRunStoppedCleanly);
        Write(Today, "{\"type\":\"start\",\"run\":2,\"node\":\"pi-1\",\"detail\":\"\",\"time\":2}", Order("pi-1-2-000001", "BUY", 0.01, 1.1, time: 1234));
        var r = Load();
        Assert.False(r.LastRunStoppedCleanly);
        Assert.Equal(1234, r.LastTimeMs);
    }

    [Fact]
    public void Ids_of_another_node_are_reported_and_not_restored()
    {
        Write(Today, Order("pi-2-1-000001", "BUY", 0.01, 1.1), Order("pi-1-1-1", "BUY", 0.01, 1.1));
        var r = Load();
        Assert.Empty(r.Pending);
        Assert.Equal(2, r.ForeignIds);
        Assert.Equal(2, r.TradesToday);
    }

    [Fact]
    public void A_journal_written_by_the_decisions_journal_reads_back_its_orders_fills_and_pending_ones()
    {
        var time = TestClock.New();
        var ids = new OrderIds("pi-1", 7);
        using (var j = new DecisionJournal(_dir, _symbols, ids, TestDays.At(Today), time, null, background: false))
        {
            j.Order(new Order { Seq = 1, SymbolId = 1, Side = Side.Buy, Qty = 0.5, Price = 150.1, TimeMs = 10 });
            j.Fill(1, 1, Side.Buy, 0.5, 150.1, 0, 11);
            j.Order(new Order { Seq = 2, SymbolId = 1, Side = Side.Sell, Qty = 0.2, Price = 150.2, TimeMs = 12 });
            j.OrderEvent(OrderEventType.Ack, 2, null, 13);
            j.Stop("shutdown");
            j.Commit();
        }
        var r = Load();
        Assert.Equal(0.5, r.Net[1], 9);
        Assert.Equal("pi-1-7-000002", Assert.Single(r.Pending).Id);
        Assert.Equal(2, r.MaxSeqByRun[7]);
        Assert.True(r.LastRunStoppedCleanly);
    }

    /// <summary>A journal of orders with ack and fill, as the daemon writes them, is read in one pass: every line, the trades, the one order left open.</summary>
    [Fact]
    public void A_large_journal_loads_in_one_pass() => LoadLargeJournal(20_000, minLinesPerSecond: 0);

    /// <summary>
    /// Restore speed on this machine (default 300,000 orders; EDGETRADER_RESTORE_BENCH_ORDERS): the rate is printed,
    /// the bound is loose (scripts/bench-journal.sh).
    /// </summary>
    [SkippableFact]
    [Trait("Category", "Benchmark")]
    public void Benchmark_a_large_journal_loads_in_one_pass_at_a_printed_rate()
    {
        Benchmark.Require();
        LoadLargeJournal(int.TryParse(Environment.GetEnvironmentVariable("EDGETRADER_RESTORE_BENCH_ORDERS"), out int n) ? n : 300_000, minLinesPerSecond: 100_000);
    }

    void LoadLargeJournal(int orders, double minLinesPerSecond)
    {
        var time = TestClock.New();
        var ids = new OrderIds("pi-1", 1);
        var symbols = new SymbolTable(["EURUSD"]);
        using (var j = new DecisionJournal(_dir, symbols, ids, TestDays.At(Today), time, null, background: false))
        {
            for (int i = 1; i <= orders; i++)
            {
                var side = (i & 1) == 1 ? Side.Buy : Side.Sell;
                j.Order(new Order { Seq = i, SymbolId = 0, Side = side, Qty = 0.01, Price = 1.1 + i % 7 * 1e-5, TickSeq = i, TickTimeMs = 1_763_700_000_000 + i, TimeMs = 1_763_700_000_000 + i });
                j.OrderEvent(OrderEventType.Ack, i, null, 1_763_700_000_000 + i);
                if (i != orders) j.Fill(i, 0, side, 0.01, 1.1 + i % 7 * 1e-5, (i & 1) == 0 ? -0.5 : 0, 1_763_700_000_000 + i);
                if (i % 20_000 == 0) j.Commit();
            }
            j.Commit();
        }
        long bytes = new FileInfo(DecisionJournal.FileFor(_dir, Today)).Length;
        var sw = Stopwatch.StartNew();
        var r = JournalRestore.Load(_dir, "pi-1", symbols, 100_000, Today);
        sw.Stop();
        double rate = r.Lines / sw.Elapsed.TotalSeconds;
        output.WriteLine($"restore: {r.Lines:N0} lines, {bytes / 1048576.0:0.0} MiB in {sw.Elapsed.TotalMilliseconds:0} ms = {rate:N0} lines/s, {bytes / 1048576.0 / sw.Elapsed.TotalSeconds:0} MiB/s ({Environment.ProcessorCount} cores)");
        Assert.Equal(3L * orders - 1, r.Lines);
        Assert.Equal(orders, r.TradesToday);
        Assert.Equal(ids.Format(orders), Assert.Single(r.Pending).Id);
        Assert.True(rate > minLinesPerSecond, $"restore read only {rate:N0} lines/s"); // loose: shared machines; the rate is printed
    }

    [Fact]
    public void A_clock_behind_a_journal_file_newer_than_the_checkpoint_keeps_that_files_day()
    {
        var time = TestClock.New(TestDays.Midnight(Today).AddHours(9));
        var cps = Load().CreateCheckpointer(_dir, TimeSpan.FromHours(1));
        using (var j = new DecisionJournal(_dir, _symbols, new OrderIds("pi-1", 1), TestDays.At(Today), time, null, background: false, checkpoints: cps))
        {
            j.Start("run 1");
            j.Stop("shutdown");
        }
        Write(Today.AddDays(1), Order("pi-1-2-000001", "BUY", 0.01, 1.1));
        var r = Load(); // the clock says today; the journal has a file of tomorrow after the checkpoint's
        Assert.NotNull(r.FromCheckpoint);
        Assert.True(r.ClockBehindJournal);
        Assert.Equal((Today.AddDays(1), 1), (r.Day, r.TradesToday));
    }

    [Fact]
    public void A_journal_file_that_cannot_be_opened_is_a_problem_not_an_exception()
    {
        File.CreateSymbolicLink(DecisionJournal.FileFor(_dir, Today), Path.Combine(_dir, "gone"));
        var r = Load();
        Assert.NotNull(r.Problem);
        Assert.StartsWith($"the journal in {_dir} cannot be read (", r.Problem);
        Assert.EndsWith("): the day's limits are unknown", r.Problem);
        Assert.Null(r.CreateCheckpointer(_dir, TimeSpan.FromSeconds(1)));
    }
}
