using Microsoft.Extensions.Time.Testing;
using System.Diagnostics;
using EdgeTrader.Journal;
using EdgeTrader.Tests.Support;
using EdgeTrader.Trading;
using EdgeTrader.Trading.Risk;
using Xunit.Abstractions;

namespace EdgeTrader.Tests.Journal;

public sealed class JournalCheckpointTests(ITestOutputHelper output) : IDisposable
{
    static readonly DateOnly Day1 = new(2026, 11, 23);
    readonly string _dir = Directory.CreateTempSubdirectory("et-checkpoint-").FullName;
    readonly SymbolTable _symbols = new(["EURUSD", "USDJPY"]);
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    string CheckpointPath => Path.Combine(_dir, "journal.checkpoint");

    RestoredJournal Load(DateOnly today) => JournalRestore.Load(_dir, "pi-1", _symbols, 100_000, today);

    RestoredJournal LoadInFull(DateOnly today)
    {
        string moved = CheckpointPath + ".aside";
        bool had = File.Exists(CheckpointPath);
        if (had) File.Move(CheckpointPath, moved);
        try { return Load(today); }
        finally { if (had) File.Move(moved, CheckpointPath); }
    }

    static void AssertSameMeaning(RestoredJournal full, RestoredJournal fromCheckpoint)
    {
        Assert.Equal(full.Day, fromCheckpoint.Day);
        Assert.Equal(full.TradesToday, fromCheckpoint.TradesToday);
        Assert.Equal(full.RealizedToday, fromCheckpoint.RealizedToday, 9);
        Assert.Equal(full.LossStreak, fromCheckpoint.LossStreak);
        Assert.Equal(full.RealizedTodayBySymbol.Length, fromCheckpoint.RealizedTodayBySymbol.Length);
        for (int i = 0; i < full.RealizedTodayBySymbol.Length; i++) Assert.Equal(full.RealizedTodayBySymbol[i], fromCheckpoint.RealizedTodayBySymbol[i], 9);
        for (int i = 0; i < full.Net.Length; i++)
        {
            Assert.Equal(full.Net[i], fromCheckpoint.Net[i], 9);
            Assert.Equal(full.AvgPrice[i], fromCheckpoint.AvgPrice[i], 9);
        }
        Assert.Equal(full.Pending.Select(p => (p.Id, p.FilledQty, p.Acked)), fromCheckpoint.Pending.Select(p => (p.Id, p.FilledQty, p.Acked)));
        // A checkpoint also remembers runs older than yesterday; for the runs a full reading sees, it agrees.
        foreach (var (run, max) in full.MaxSeqByRun) Assert.Equal(max, fromCheckpoint.MaxSeqByRun[run]);
        Assert.Equal(full.LastRunStoppedCleanly, fromCheckpoint.LastRunStoppedCleanly);
        if (full.LastTimeMs != 0) Assert.Equal(full.LastTimeMs, fromCheckpoint.LastTimeMs);
    }

    /// <summary>One run of the daemon's journal: random orders, fills, ends, over days, with checkpoints.</summary>
    void Run(Random rnd, long run, ref DateOnly day, FakeTimeProvider time, int events, bool cleanStop)
    {
        var ids = new OrderIds("pi-1", run);
        var today = Load(day);
        var cps = today.CreateCheckpointer(_dir, TimeSpan.FromSeconds(1));
        DateOnly current = day;
        var tradingDay = TestDays.At(current);
        var j = new DecisionJournal(_dir, _symbols, ids, tradingDay, time, null, background: false, checkpoints: cps);
        var open = new List<(long Seq, int Sym, Side Side, double Qty)>();
        long seq = 0;
        for (int e = 0; e < events; e++)
        {
            time.Advance(TimeSpan.FromMilliseconds(rnd.Next(1, 400)));
            int what = rnd.Next(10);
            if (what < 4 || open.Count == 0)
            {
                var o = new Order { Seq = ++seq, SymbolId = rnd.Next(2), Side = rnd.Next(2) == 0 ? Side.Buy : Side.Sell, Qty = 0.01 * rnd.Next(1, 4), Price = 1.1 + rnd.Next(100) * 1e-4, TimeMs = time.GetUtcNow().ToUnixTimeMilliseconds() };
                j.Order(in o);
                if (rnd.Next(10) == 0) j.SendFailed(o.Seq, "not connected", o.TimeMs);
                else open.Add((o.Seq, o.SymbolId, o.Side, o.Qty));
            }
            else
            {
                int k = rnd.Next(open.Count);
                var o = open[k];
                switch (rnd.Next(6))
                {
                    case 0: j.OrderEvent(OrderEventType.Ack, o.Seq, null, 1); break;
                    case 1: j.OrderEvent(OrderEventType.Reject, o.Seq, "no", 1); open.RemoveAt(k); break;
                    case 2:
                        double part = Math.Round(o.Qty / 2, 4);
                        j.Fill(o.Seq, o.Sym, o.Side, part, 1.1 + rnd.Next(100) * 1e-4, rnd.Next(-5, 5), 1);
                        open[k] = (o.Seq, o.Sym, o.Side, o.Qty - part);
                        break;
                    default:
                        j.Fill(o.Seq, o.Sym, o.Side, o.Qty, 1.1 + rnd.Next(100) * 1e-4, rnd.Next(-5, 5), 1);
                        open.RemoveAt(k);
                        break;
                }
            }
            if (rnd.Next(8) == 0) j.Commit();
            if (rnd.Next(150) == 0) TestDays.MoveTo(tradingDay, current = current.AddDays(1)); // day roll mid-run
        }
        if (cleanStop)
        {
            j.Stop("shutdown");
            j.Dispose();
        }
        else j.Commit(); // "crash": committed lines stay, no final checkpoint
        day = current;
    }

    [Fact]
    public void Reading_from_the_checkpoint_gives_what_a_full_reading_gives_over_runs_crashes_and_day_rolls()
    {
        int seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var rnd = new Random(seed);
        var time = TestClock.New();
        var day = Day1;
        int withCheckpoint = 0;
        for (long run = 1; run <= 12; run++)
        {
            Run(rnd, run, ref day, time, rnd.Next(50, 600), cleanStop: rnd.Next(2) == 0);
            var viaCheckpoint = Load(day);
            if (viaCheckpoint.FromCheckpoint is not null) withCheckpoint++;
            AssertSameMeaning(LoadInFull(day), viaCheckpoint);
            if (rnd.Next(4) == 0) day = day.AddDays(1); // the next start is on a later day
        }
        Assert.True(withCheckpoint >= 8, $"only {withCheckpoint} readings started from a checkpoint");
    }

    [Fact]
    public void Realised_pnl_per_symbol_read_in_full_or_from_the_checkpoint_is_what_the_live_book_booked()
    {
        var time = TestClock.New();
        var cps = Load(Day1).CreateCheckpointer(_dir, TimeSpan.FromSeconds(1));
        var book = new PositionBook(2, 100_000);
        using (var j = new DecisionJournal(_dir, _symbols, new OrderIds("pi-1", 1), TestDays.At(Day1), time, null, background: false, checkpoints: cps))
        {
            long seq = 0;
            void Trade(int sym, Side side, double qty, double price)
            {
                var o = new Order { Seq = ++seq, SymbolId = sym, Side = side, Qty = qty, Price = price, TimeMs = 1 };
                j.Order(in o);
                book.OnSent(sym, side, qty);
                j.Fill(o.Seq, sym, side, qty, price, book.OnFill(sym, side, qty, price), 1);
            }
            Trade(0, Side.Buy, 0.02, 1.1);
            Trade(1, Side.Sell, 0.01, 150.2);
            Trade(0, Side.Sell, 0.01, 1.1012);
            Trade(1, Side.Buy, 0.01, 150.5);
            Trade(0, Side.Sell, 0.01, 1.0995);
            j.Stop("shutdown");
        }
        Assert.NotEqual(0, book.RealizedTodayOf(0));
        Assert.NotEqual(0, book.RealizedTodayOf(1));
        var fromCheckpoint = Load(Day1);
        Assert.NotNull(fromCheckpoint.FromCheckpoint);
        var full = LoadInFull(Day1);
        Assert.Null(full.FromCheckpoint);
        foreach (var r in new[] { full, fromCheckpoint })
        {
            Assert.Equal(book.RealizedToday, r.RealizedToday, 9);
            Assert.Equal(2, r.RealizedTodayBySymbol.Length);
            for (int i = 0; i < 2; i++) Assert.Equal(book.RealizedTodayOf(i), r.RealizedTodayBySymbol[i], 9);
        }
    }

    [Fact]
    public void After_a_clean_stop_the_next_start_reads_nothing_but_the_checkpoint()
    {
        var time = TestClock.New();
        var day = Day1;
        Run(new Random(1), 1, ref day, time, 300, cleanStop: true);
        var r = Load(day);
        Assert.NotNull(r.FromCheckpoint);
        Assert.Equal(0, r.Lines);
        Assert.True(r.LastRunStoppedCleanly);
    }

    [Fact]
    public void A_checkpoint_that_no_longer_matches_the_journal_is_ignored_and_the_journal_read_in_full()
    {
        var time = TestClock.New();
        var day = Day1;
        Run(new Random(2), 1, ref day, time, 200, cleanStop: true);
        var full = LoadInFull(day);

        // The bytes just before the checkpoint's offset changed (a file replaced, restored from a backup...).
        string journal = DecisionJournal.FileFor(_dir, day);
        var bytes = File.ReadAllBytes(journal);
        var original = (byte[])bytes.Clone();
        bytes[^3] = (byte)'X';
        File.WriteAllBytes(journal, bytes);
        var r = Load(day);
        Assert.Null(r.FromCheckpoint);
        Assert.Contains(r.Notes, n => n.Contains("checkpoint does not match"));
        Assert.Contains(Path.GetFileName(journal), r.Problem); // the start engages: what the checkpoint stood for is not there
        File.WriteAllBytes(journal, original);
        Assert.Null(Load(day).Problem);

        // Whole JSON that matches the journal but breaks off at its last field: nothing of it may be used.
        string good = File.ReadAllText(CheckpointPath);
        File.WriteAllText(CheckpointPath, good.Replace("\"maxSeq\"", "\"maxSeqGone\""));
        r = Load(day);
        Assert.Null(r.FromCheckpoint);
        AssertSameMeaning(full, r);
        Assert.True(r.Lines > 0);

        // A field missing altogether (not renamed): still nothing of it may be used.
        using (var doc = System.Text.Json.JsonDocument.Parse(good))
        {
            var trimmed = new System.Text.Json.Nodes.JsonObject();
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                if (p.Name != "state") { trimmed[p.Name] = System.Text.Json.Nodes.JsonNode.Parse(p.Value.GetRawText()); continue; }
                var state = new System.Text.Json.Nodes.JsonObject();
                foreach (var q in p.Value.EnumerateObject()) if (q.Name != "streak") state[q.Name] = System.Text.Json.Nodes.JsonNode.Parse(q.Value.GetRawText());
                trimmed["state"] = state;
            }
            File.WriteAllText(CheckpointPath, trimmed.ToJsonString());
        }
        r = Load(day);
        Assert.Null(r.FromCheckpoint);
        AssertSameMeaning(full, r);

        File.WriteAllText(CheckpointPath, "{ not json");
        r = Load(day);
        Assert.Null(r.FromCheckpoint);
        Assert.Contains(r.Notes, n => n.Contains("checkpoint damaged"));
        AssertSameMeaning(full, r);

        File.WriteAllText(CheckpointPath, good);
        File.Delete(journal); // the file the checkpoint names is gone
        r = Load(day);
        Assert.Null(r.FromCheckpoint);
        Assert.Contains(Path.GetFileName(journal), r.Problem);
    }

    [Fact]
    public void A_journal_cut_at_a_line_boundary_before_its_checkpoints_offset_is_a_problem_that_names_the_file()
    {
        var time = TestClock.New();
        var day = Day1;
        Run(new Random(3), 1, ref day, time, 200, cleanStop: true);
        string journal = DecisionJournal.FileFor(_dir, day);
        var lines = File.ReadAllLines(journal);
        File.WriteAllLines(journal, lines[..(lines.Length / 2)]); // whole lines, no torn tail: nothing else shows the loss

        var r = Load(day);
        Assert.Null(r.FromCheckpoint);
        Assert.NotNull(r.Problem);
        Assert.Contains(Path.GetFileName(journal), r.Problem);
        Assert.Contains("checkpoint", r.Problem);
        Assert.NotNull(r.CreateCheckpointer(_dir, TimeSpan.FromSeconds(1))); // read in full: a new checkpoint replaces the stale one
    }

    /// <summary>
    /// A run of 25,000 orders with ack and fill, one order per ms of fake time (2.5 checkpoint intervals), killed
    /// without a final checkpoint: the next start reads the checkpoint and at most one checkpoint interval of journal.
    /// </summary>
    [Fact]
    public void After_a_crash_a_start_reads_at_most_one_checkpoint_interval_of_a_long_journal() => CrashedLongRun(25_000);

    /// <summary>
    /// The same with a long journal (default 300,000 orders; EDGETRADER_RESTORE_BENCH_ORDERS): prints the write cost
    /// with the checkpointer and both start times (scripts/bench-journal.sh).
    /// </summary>
    [SkippableFact]
    [Trait("Category", "Benchmark")]
    public void Benchmark_a_start_after_a_crash_reads_one_checkpoint_interval_of_a_long_journal()
    {
        Benchmark.Require();
        CrashedLongRun(int.TryParse(Environment.GetEnvironmentVariable("EDGETRADER_RESTORE_BENCH_ORDERS"), out int n) ? n : 300_000);
    }

    void CrashedLongRun(int orders)
    {
        var time = TestClock.New();
        var symbols = _symbols;
        var start = JournalRestore.Load(_dir, "pi-1", symbols, 100_000, Day1);
        var cps = start.CreateCheckpointer(_dir, TimeSpan.FromSeconds(10));
        var write = Stopwatch.StartNew();
        var j = new DecisionJournal(_dir, symbols, new OrderIds("pi-1", 1), TestDays.At(Day1), time, null, background: false, checkpoints: cps);
        for (int i = 1; i <= orders; i++)
        {
            var side = (i & 1) == 1 ? Side.Buy : Side.Sell;
            long t = time.GetUtcNow().ToUnixTimeMilliseconds();
            j.Order(new Order { Seq = i, SymbolId = 0, Side = side, Qty = 0.01, Price = 1.1, TickSeq = i, TickTimeMs = t, TimeMs = t });
            j.OrderEvent(OrderEventType.Ack, i, null, t);
            if (i != orders) j.Fill(i, 0, side, 0.01, 1.1, (i & 1) == 0 ? -0.5 : 0, t);
            time.Advance(TimeSpan.FromMilliseconds(1));
            if (i % 50 == 0) j.Commit(); // group commits (fsync each)
        }
        j.Commit();
        write.Stop();
        // Crash here: no Dispose, so no final checkpoint.

        long bytes = new FileInfo(DecisionJournal.FileFor(_dir, Day1)).Length;
        var sw = Stopwatch.StartNew();
        var r = JournalRestore.Load(_dir, "pi-1", symbols, 100_000, Day1);
        sw.Stop();
        var fullSw = Stopwatch.StartNew();
        var full = LoadInFull(Day1);
        fullSw.Stop();
        output.WriteLine($"journal: {orders:N0} orders, {full.Lines:N0} lines, {bytes / 1048576.0:0} MiB written in {write.Elapsed.TotalSeconds:0.0} s with the checkpointer ({cps!.Saved} checkpoints)");
        output.WriteLine($"start after the crash: {r.Lines:N0} lines after the checkpoint in {sw.Elapsed.TotalMilliseconds:0} ms; full reading {fullSw.Elapsed.TotalMilliseconds:0} ms ({full.Lines / fullSw.Elapsed.TotalSeconds:N0} lines/s)");
        Assert.NotNull(r.FromCheckpoint);
        Assert.True(r.Lines <= 3 * 10_000 + 3, $"{r.Lines} lines read after the checkpoint"); // one 10 s interval at 1 order/ms
        AssertSameMeaning(full, r);
        Assert.Equal(orders, r.TradesToday);
        Assert.Equal(new OrderIds("pi-1", 1).Format(orders), Assert.Single(r.Pending).Id);
    }

    /// <summary>
    /// Group-commit throughput of the journal with its writer thread and the checkpointer, appending as fast as one
    /// thread can (the tick thread's pattern: order, ack, fill). Prints lines/s; asserts only that all were committed.
    /// </summary>
    [SkippableFact]
    [Trait("Category", "Benchmark")]
    public void Benchmark_journal_group_commit_throughput_with_checkpoints()
    {
        Benchmark.Require();
        int orders = int.TryParse(Environment.GetEnvironmentVariable("EDGETRADER_RESTORE_BENCH_ORDERS"), out int n) ? n : 300_000;
        var start = JournalRestore.Load(_dir, "pi-1", _symbols, 100_000, Day1);
        var sw = Stopwatch.StartNew();
        long lines;
        using (var j = new DecisionJournal(_dir, _symbols, new OrderIds("pi-1", 1), TestDays.At(Day1), TimeProvider.System, null,
            checkpoints: start.CreateCheckpointer(_dir, TimeSpan.FromSeconds(10))))
        {
            for (int i = 1; i <= orders; i++)
            {
                var side = (i & 1) == 1 ? Side.Buy : Side.Sell;
                j.Order(new Order { Seq = i, SymbolId = 0, Side = side, Qty = 0.01, Price = 1.1, TickSeq = i, TickTimeMs = i, TimeMs = i });
                j.OrderEvent(OrderEventType.Ack, i, null, i);
                j.Fill(i, 0, side, 0.01, 1.1, 0, i);
            }
            lines = j.AppendedLines;
        }
        sw.Stop();
        var r = Load(Day1);
        output.WriteLine($"journal: {lines:N0} lines appended and committed (write + fsync groups, checkpoints) in {sw.Elapsed.TotalMilliseconds:0} ms = {lines / sw.Elapsed.TotalSeconds:N0} lines/s");
        Assert.Equal(3L * orders, lines);
        Assert.Equal(orders, r.TradesToday);
        Assert.NotNull(r.FromCheckpoint);
        Assert.Equal(0, r.Lines); // the final checkpoint at Dispose covers everything
    }
}
