using System.Text.Json;
using EdgeTrader.Journal;
using EdgeTrader.KillSwitch;
using EdgeTrader.Tests.Support;
using EdgeTrader.Trading;
using EdgeTrader.Trading.Risk;

namespace EdgeTrader.Tests.Journal;

/// <summary>
/// Every record the journal writes is one line, one JSON object closed by its checksum, carrying its type and its
/// fields under their stable names (docs/persistence.md): what a reader or an operator finds on disk is what happened.
/// </summary>
public sealed class DecisionJournalLineTests : IDisposable
{
    static readonly DateOnly Day = new(2026, 11, 23);
    readonly string _dir = Directory.CreateTempSubdirectory("et-jlines-").FullName;
    readonly SymbolTable _symbols = new(["EURUSD", "USDJPY"]);
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    DecisionJournal Open(Action<string>? onFailure = null) =>
        new(_dir, _symbols, new OrderIds("pi-1", 4), TestDays.At(Day), TestClock.New(TestDays.Midnight(Day).AddHours(9)), onFailure, background: false);

    List<JsonElement> Lines()
    {
        var lines = File.ReadAllLines(DecisionJournal.FileFor(_dir, Day));
        foreach (var l in lines) Assert.Equal(LineCrc.Valid, JournalLineCrc.Check(System.Text.Encoding.UTF8.GetBytes(l)));
        return [.. lines.Select(l => JsonDocument.Parse(l).RootElement.Clone())];
    }

    static long NowMs => TestDays.Midnight(Day).AddHours(9).ToUnixTimeMilliseconds();

    [Fact]
    public void A_denial_line_names_its_code_symbol_side_quantity_price_tick_and_time()
    {
        using (var j = Open())
        {
            j.Denial(new OrderIntent { SymbolId = 1, Side = Side.Sell, Qty = 0.25, Price = 151.5 }, DenialCode.RateLimitExceeded, 42, 1234);
            j.Denial(new OrderIntent { SymbolId = 0, Side = Side.Buy, Qty = double.NaN, Price = double.PositiveInfinity }, DenialCode.CheckFailed, 43, 1235);
            j.Commit();
        }
        var l = Lines();
        Assert.Equal("denial", l[0].GetProperty("type").GetString());
        Assert.Equal("RATE_LIMIT_EXCEEDED", l[0].GetProperty("code").GetString());
        Assert.Equal("USDJPY", l[0].GetProperty("symbol").GetString());
        Assert.Equal("SELL", l[0].GetProperty("side").GetString());
        Assert.Equal(0.25, l[0].GetProperty("qty").GetDouble());
        Assert.Equal(151.5, l[0].GetProperty("price").GetDouble());
        Assert.Equal(42, l[0].GetProperty("tickSeq").GetInt64());
        Assert.Equal(1234, l[0].GetProperty("time").GetInt64());
        Assert.Equal("BUY", l[1].GetProperty("side").GetString());
        Assert.Equal("NaN", l[1].GetProperty("qty").GetString()); // a number that is not one is written as text, never dropped
        Assert.Equal("Infinity", l[1].GetProperty("price").GetString());
    }

    [Fact]
    public void Order_events_name_the_order_by_this_runs_seq_or_by_an_earlier_runs_id_with_reason_and_source()
    {
        using (var j = Open())
        {
            j.OrderEvent(OrderEventType.Ack, 7, null, 10);
            j.OrderEvent(OrderEventType.Reject, 8, "no margin", 11);
            j.OrderEvent(OrderEventType.GivenUp, "pi-1-3-000002", "cancelled at the gateway", 12, "reconcile");
            j.OrderEvent(OrderEventType.UnknownAtGateway, "pi-1-3-000003", null, 13);
            j.SendFailed(9, "transport refused", 14);
            j.Commit();
        }
        var l = Lines();
        Assert.Equal(["ack", "reject", "given_up", "unknown_at_gateway", "reject"], l.Select(e => e.GetProperty("type").GetString()));
        Assert.Equal("pi-1-4-000007", l[0].GetProperty("id").GetString());
        Assert.False(l[0].TryGetProperty("reason", out _));
        Assert.Equal(10, l[0].GetProperty("time").GetInt64());
        Assert.Equal("no margin", l[1].GetProperty("reason").GetString());
        Assert.Equal("pi-1-3-000002", l[2].GetProperty("id").GetString());
        Assert.Equal("cancelled at the gateway", l[2].GetProperty("reason").GetString());
        Assert.Equal("reconcile", l[2].GetProperty("via").GetString());
        Assert.Equal(12, l[2].GetProperty("time").GetInt64());
        Assert.False(l[3].TryGetProperty("reason", out _));
        Assert.False(l[3].TryGetProperty("via", out _));
        Assert.Equal("pi-1-4-000009", l[4].GetProperty("id").GetString());
        Assert.Equal("transport refused", l[4].GetProperty("reason").GetString());
        Assert.False(l[4].GetProperty("sent").GetBoolean());
        Assert.Equal(14, l[4].GetProperty("time").GetInt64());
    }

    [Fact]
    public void Fill_lines_carry_side_quantity_price_and_realized_and_a_restored_orders_fill_says_where_it_was_learned()
    {
        using (var j = Open())
        {
            j.Fill(3, 1, Side.Sell, 0.5, 150.25, -12.5, 20);
            j.Fill("pi-1-3-000001", 0, Side.Buy, 0.02, 1.0852, 7.5, 21, "reconcile");
            j.Fill("pi-1-3-000004", 0, Side.Sell, 0.01, 1.0853, 0, 22, null);
            j.Commit();
        }
        var l = Lines();
        Assert.All(l, e => Assert.Equal("fill", e.GetProperty("type").GetString()));
        Assert.Equal("pi-1-4-000003", l[0].GetProperty("id").GetString());
        Assert.Equal("USDJPY", l[0].GetProperty("symbol").GetString());
        Assert.Equal("SELL", l[0].GetProperty("side").GetString());
        Assert.Equal(0.5, l[0].GetProperty("qty").GetDouble());
        Assert.Equal(150.25, l[0].GetProperty("price").GetDouble());
        Assert.Equal(-12.5, l[0].GetProperty("realized").GetDouble());
        Assert.Equal(20, l[0].GetProperty("time").GetInt64());
        Assert.Equal("pi-1-3-000001", l[1].GetProperty("id").GetString());
        Assert.Equal("EURUSD", l[1].GetProperty("symbol").GetString());
        Assert.Equal("BUY", l[1].GetProperty("side").GetString());
        Assert.Equal(0.02, l[1].GetProperty("qty").GetDouble());
        Assert.Equal(1.0852, l[1].GetProperty("price").GetDouble());
        Assert.Equal(7.5, l[1].GetProperty("realized").GetDouble());
        Assert.Equal("reconcile", l[1].GetProperty("via").GetString());
        Assert.Equal(21, l[1].GetProperty("time").GetInt64());
        Assert.Equal("SELL", l[2].GetProperty("side").GetString());
        Assert.False(l[2].TryGetProperty("via", out _));
    }

    [Fact]
    public void A_recovered_order_line_is_an_order_marked_recovered_with_its_own_time_and_counts_as_a_trade_of_the_day()
    {
        using (var j = Open())
        {
            Assert.True(j.RecoveredOrder("pi-1-3-000009", 1, Side.Sell, 0.3, 151.0, 777, 888));
            Assert.True(j.RecoveredOrder("pi-1-3-000010", 0, Side.Buy, 0.1, 1.1, 779, 889));
            j.Commit();
        }
        var l = Lines();
        Assert.Equal("order", l[0].GetProperty("type").GetString());
        Assert.Equal("pi-1-3-000009", l[0].GetProperty("id").GetString());
        Assert.Equal("USDJPY", l[0].GetProperty("symbol").GetString());
        Assert.Equal("SELL", l[0].GetProperty("side").GetString());
        Assert.Equal(0.3, l[0].GetProperty("qty").GetDouble());
        Assert.Equal(151.0, l[0].GetProperty("price").GetDouble());
        Assert.True(l[0].GetProperty("recovered").GetBoolean());
        Assert.Equal(777, l[0].GetProperty("orderTime").GetInt64());
        Assert.Equal(888, l[0].GetProperty("time").GetInt64());
        Assert.Equal("BUY", l[1].GetProperty("side").GetString());
        var r = JournalRestore.Load(_dir, "pi-1", _symbols, 100_000, Day);
        Assert.Equal(2, r.TradesToday);
        Assert.Equal(["pi-1-3-000009", "pi-1-3-000010"], r.Pending.Select(p => p.Id));
        Assert.Equal(777, r.Pending[0].TimeMs); // the order's own time, not the time it was learned
    }

    [Fact]
    public void Anomaly_recovery_start_and_stop_lines_carry_their_code_detail_run_node_and_the_clocks_time()
    {
        using (var j = Open())
        {
            j.Start("run 4");
            j.Anomaly(AnomalyCode.Overfill, "order pi-1-4-000001 filled twice", 31);
            j.Recovery(w => { w.WriteString("mode", "warm"); w.WriteNumber("restored", 2); });
            j.Stop("shutdown");
            j.Commit();
        }
        var l = Lines();
        Assert.Equal(["start", "anomaly", "recovery", "stop"], l.Select(e => e.GetProperty("type").GetString()));
        Assert.Equal(4, l[0].GetProperty("run").GetInt64());
        Assert.Equal("pi-1", l[0].GetProperty("node").GetString());
        Assert.Equal("run 4", l[0].GetProperty("detail").GetString());
        Assert.Equal(NowMs, l[0].GetProperty("time").GetInt64());
        Assert.Equal("OVERFILL", l[1].GetProperty("code").GetString());
        Assert.Equal("order pi-1-4-000001 filled twice", l[1].GetProperty("detail").GetString());
        Assert.Equal(31, l[1].GetProperty("time").GetInt64());
        Assert.Equal("warm", l[2].GetProperty("mode").GetString());
        Assert.Equal(2, l[2].GetProperty("restored").GetInt64());
        Assert.Equal(NowMs, l[2].GetProperty("time").GetInt64());
        Assert.Equal(4, l[3].GetProperty("run").GetInt64());
        Assert.Equal("shutdown", l[3].GetProperty("detail").GetString());
        var r = JournalRestore.Load(_dir, "pi-1", _symbols, 100_000, Day);
        Assert.True(r.LastRunStoppedCleanly);
        Assert.Equal([4L], r.Runs);
    }

    [Fact]
    public void Once_a_write_failed_no_kind_of_record_is_appended_and_a_recovered_order_is_refused()
    {
        Directory.CreateDirectory(DecisionJournal.FileFor(_dir, Day)); // the day's file cannot be opened
        var failures = new List<string>();
        using var j = Open(failures.Add);
        j.Start("run 4");
        j.Commit();
        Assert.NotNull(j.Failure);
        j.Denial(new OrderIntent { SymbolId = 0, Side = Side.Buy, Qty = 1, Price = 1 }, DenialCode.MaxQtyExceeded, 1, 1);
        j.OrderEvent(OrderEventType.Ack, 1, null, 1);
        j.OrderEvent(OrderEventType.GivenUp, "pi-1-3-000001", "x", 1);
        j.Fill("pi-1-3-000001", 0, Side.Buy, 1, 1, 0, 1, null);
        Assert.False(j.RecoveredOrder("pi-1-3-000002", 0, Side.Buy, 1, 1, 1, 1));
        j.Anomaly(AnomalyCode.Overfill, "x", 1);
        j.Recovery(w => w.WriteString("mode", "warm"));
        j.SendFailed(1, "x", 1);
        j.Stop("x");
        j.Start("x");
        j.Breaker(new BreakerTransition(EngagedSince(1), EngagedSince(2)));
        Assert.Equal(1, j.AppendedLines);
        Assert.Equal("the decisions journal cannot be written (" + j.Failure + "); fix the storage and restart the daemon", new JournalHealthInterlock(j).WhyResetIsRefused());
        j.Commit();
        Assert.Single(failures);
    }

    [Fact]
    public void Committed_lines_count_what_was_made_durable_and_each_commit_is_timed()
    {
        using var j = Open();
        j.Start("run 4");
        j.Stop("x");
        Assert.Equal(2, j.AppendedLines);
        Assert.Equal(0, j.CommittedLines);
        Assert.Equal(0, j.CommitLatency.Read().Count);
        j.Commit();
        Assert.Equal(2, j.CommittedLines);
        Assert.Equal(1, j.CommitLatency.Read().Count);
        j.Commit(); // nothing new: no write
        Assert.Equal(1, j.CommitLatency.Read().Count);
        Assert.Equal(0, j.CheckpointsSaved);
    }

    [Fact]
    public void A_group_keeps_its_records_from_a_concurrent_commit_until_it_is_released()
    {
        using var j = Open();
        var commit = new Thread(j.Commit);
        using (j.Group())
        {
            j.Order(new Order { Seq = 1, SymbolId = 0, Side = Side.Buy, Qty = 0.01, Price = 1.1, TimeMs = 1 });
            commit.Start();
            Assert.False(commit.Join(200)); // the group holds the journal: the commit waits for it
            j.Fill(1, 0, Side.Buy, 0.01, 1.1, 0, 2);
        }
        Assert.True(commit.Join(TimeSpan.FromSeconds(30)));
        Assert.Equal(["order", "fill"], Lines().Select(e => e.GetProperty("type").GetString()));
    }

    [Fact]
    public void Disposing_a_journal_without_a_writer_thread_commits_what_was_appended()
    {
        using (var j = Open()) j.Stop("shutdown");
        Assert.Equal("stop", Assert.Single(Lines()).GetProperty("type").GetString());
    }

    [Fact]
    public void The_writer_thread_commits_within_the_commit_interval_without_being_asked()
    {
        var time = TestClock.New(TestDays.Midnight(Day).AddHours(9));
        using var j = new DecisionJournal(_dir, _symbols, new OrderIds("pi-1", 4), TestDays.At(Day), time, null, background: true);
        j.Start("run 4");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (j.CommittedLines < 1 && DateTime.UtcNow < deadline) Thread.Yield();
        Assert.Equal(1, j.CommittedLines);
        Assert.Single(Lines());
    }

    static BreakerState EngagedSince(long ms) => new(BreakerPosition.Engaged, new EngagementId("pi-1", "0123456789abcdef", 1), "loss limit", BreakerSource.Peer,
        DateTimeOffset.FromUnixTimeMilliseconds(ms), new NodeIdentity("pi-1", "00000000000000aa", 1), EngagementLedger.Empty);

    [Fact]
    public void A_breaker_line_carries_its_type_and_the_time_the_new_state_began()
    {
        using (var j = Open())
        {
            Assert.Null(new JournalHealthInterlock(j).WhyResetIsRefused());
            j.Breaker(new BreakerTransition(EngagedSince(1_000), EngagedSince(1_234)));
            j.Commit();
        }
        var l = Assert.Single(Lines());
        Assert.Equal("breaker", l.GetProperty("type").GetString());
        Assert.Equal(1_234, l.GetProperty("time").GetInt64());
    }

    [Fact]
    public void A_commit_on_a_clock_that_does_not_move_takes_no_time()
    {
        using var j = Open();
        j.Start("run 4");
        j.Commit();
        Assert.Equal((1L, 0.0), (j.CommitLatency.Read().Count, j.CommitLatency.Read().SumSeconds));
    }

    [Fact]
    public void A_checkpoint_saved_at_the_stop_is_counted()
    {
        var cps = JournalRestore.Load(_dir, "pi-1", _symbols, 100_000, Day).CreateCheckpointer(_dir, TimeSpan.FromHours(1));
        var j = new DecisionJournal(_dir, _symbols, new OrderIds("pi-1", 4), TestDays.At(Day), TestClock.New(TestDays.Midnight(Day).AddHours(9)), null, background: false, checkpoints: cps);
        j.Start("run 4");
        j.Dispose();
        Assert.Equal(1, j.CheckpointsSaved);
    }

    [Fact]
    public void After_a_new_days_file_the_checkpoint_stands_on_that_file_alone()
    {
        var tradingDay = TestDays.At(Day);
        var time = TestClock.New(TestDays.Midnight(Day).AddHours(9));
        var cps = JournalRestore.Load(_dir, "pi-1", _symbols, 100_000, Day).CreateCheckpointer(_dir, TimeSpan.FromHours(1));
        using (var j = new DecisionJournal(_dir, _symbols, new OrderIds("pi-1", 4), tradingDay, time, null, background: false, checkpoints: cps))
        {
            j.Start("run 4");
            j.Commit();
            TestDays.MoveTo(tradingDay, Day.AddDays(1));
            time.SetUtcNow(TestDays.Midnight(Day.AddDays(1)).AddHours(1));
            j.Recovery(_ => { }); // one line shorter than the checkpoint's tail
        }
        var r = JournalRestore.Load(_dir, "pi-1", _symbols, 100_000, Day.AddDays(1));
        Assert.Equal($"journal-2026-11-24.jsonl @ {new FileInfo(DecisionJournal.FileFor(_dir, Day.AddDays(1))).Length}", r.FromCheckpoint);
        Assert.DoesNotContain(r.Notes, n => n.Contains("checkpoint"));
        Assert.Equal([4L], r.Runs);
    }

    [Fact]
    public void Disposing_a_background_journal_commits_every_line_appended_before_it_returns()
    {
        var j = new DecisionJournal(_dir, _symbols, new OrderIds("pi-1", 4), TestDays.At(Day), TestClock.New(TestDays.Midnight(Day).AddHours(9)), null);
        j.Start("run 4");
        j.Stop("x");
        j.Dispose();
        Assert.Equal(["start", "stop"], Lines().Select(e => e.GetProperty("type").GetString()));
        Assert.Equal(2, j.CommittedLines);
    }
}
