using Microsoft.Extensions.Time.Testing;
using System.Text;
using System.Text.Json;
using EdgeTrader.Configuration;
using EdgeTrader.Journal;
using EdgeTrader.KillSwitch;
using EdgeTrader.Tests.Support;
using EdgeTrader.Trading;
using EdgeTrader.Trading.Risk;
using EdgeTrader.Trading.Strategies;

namespace EdgeTrader.Tests.Trading;

/// <summary>Warm start inside the loop: restored orders, the open_orders answer applied, held orders, and dry-run's group commit.</summary>
public sealed class TradingLoopRecoveryTests : IDisposable
{
    static readonly DateOnly Day = new(2026, 11, 23);
    readonly string _dir = Directory.CreateTempSubdirectory("et-recovery-").FullName;
    readonly FakeTimeProvider _time = TestClock.New();
    readonly SymbolTable _symbols = new(["EURUSD"]);
    readonly LoopHarness.RecordingSink _sink;
    readonly OrderIds _ids = new("pi-1", 5);
    readonly DecisionJournal _journal;
    readonly PositionBook _book;
    readonly CircuitBreaker _breaker;
    readonly TradingLoop _loop;
    long _tickSeq;

    public TradingLoopRecoveryTests() : this(dryRun: false) { }

    TradingLoopRecoveryTests(bool dryRun, bool backgroundJournal = false)
    {
        var risk = new RiskOptions { MaxOrdersPerSecond = 100_000, MaxPosition = 100, MaxLossStreak = 0, MaxDailyLoss = 1e12, MaxTradesPerDay = 1_000_000, PriceBand = new PriceBandOptions { BootstrapTicks = 1 } };
        _breaker = new CircuitBreaker(BreakerState.FreshInstall(_time.GetUtcNow()), _time);
        var day = new TradingDay(TimeZoneInfo.Utc, _time.GetUtcNow());
        _journal = new DecisionJournal(_dir, _symbols, _ids, day, _time, null, background: backgroundJournal);
        _book = new PositionBook(1, risk.ContractSize);
        _sink = new LoopHarness.RecordingSink(simulatesFills: dryRun);
        var pre = new PreTradeRisk(risk, new TradingSessions(risk), _book, _time.TimestampFrequency);
        var strategy = StrategyFactory.Create(new StrategyOptions { Kind = StrategyKind.EveryTick, Qty = 0.01, Symbols = ["EURUSD"] }, _symbols);
        _loop = new TradingLoop(_breaker, new TickParser(_symbols, TickFormat.Json), strategy, pre, _book, _sink, _journal, day, _time, risk.MaxTickAgeMs, LoopLimits.From(risk));
    }

    public void Dispose()
    {
        _journal.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    TickOutcome Tick() => _loop.OnPayload(Encoding.UTF8.GetBytes(
        $"{{\"symbol\":\"EURUSD\",\"bid\":1.1000,\"ask\":1.1001,\"time\":{_time.GetUtcNow().ToUnixTimeMilliseconds()},\"seq\":{++_tickSeq}}}"));

    static PendingOrder Pending(string id, Side side, double qty, double filled = 0, double notional = 0)
    {
        var ids = new OrderIds("pi-1", 0);
        ids.TryParseAnyRun(id, out long run, out long seq);
        return new PendingOrder { Id = id, Run = run, Seq = seq, SymbolId = 0, Side = side, Qty = qty, Price = 1.1, FilledQty = filled, FilledNotional = notional };
    }

    static GatewayOrderReport Report(string id, string state, double filled = 0, double avg = 0, Side side = Side.Buy, double qty = 0.01) =>
        new(id, "EURUSD", side, qty, filled, avg, state, 0);

    List<JsonElement> JournalLines()
    {
        _journal.Commit();
        return [.. File.ReadAllLines(DecisionJournal.FileFor(_dir, Day)).Select(l => JsonDocument.Parse(l).RootElement.Clone())];
    }

    [Fact]
    public void Restored_orders_settle_by_the_gateways_answer_and_none_is_ever_resent()
    {
        _loop.RestoreInFlight([
            Pending("pi-1-4-000001", Side.Buy, 0.01),
            Pending("pi-1-4-000002", Side.Buy, 0.01, filled: 0.004, notional: 0.004 * 1.2),
            Pending("pi-1-4-000003", Side.Buy, 0.01),
            Pending("pi-1-4-000004", Side.Buy, 0.01),
        ], holdOrders: true);
        Assert.Equal(4, _loop.InFlightCount);
        Assert.Equal(0.036, _book.Pending(0, Side.Buy), 9);

        var s = _loop.Reconcile([
            Report("pi-1-4-000001", "filled", 0.01, 1.1),
            Report("pi-1-4-000002", "filled", 0.01, 1.14), // 0.004 @ 1.2 known; the missing 0.006 was @ 1.10
            Report("pi-1-4-000003", "cancelled"),
        ], _ids, new Dictionary<long, long> { [4] = 4 }, _symbols);

        Assert.Equal((2, 0, 1), (s.Filled, s.StillOpen, s.GivenUp));
        Assert.Equal(["pi-1-4-000004"], s.UnknownIds);
        Assert.Empty(_sink.Sent); // nothing resent
        Assert.Equal(0, _loop.InFlightCount);
        Assert.Equal(0, _book.Pending(0, Side.Buy), 9);
        Assert.Equal(0.016, _book.Net(0), 9); // 0.01 + the missing 0.006 (the known 0.004 was in the position already)
        Assert.Equal(1, _loop.Recovery.UnknownAtGatewayCount);
        var lines = JournalLines();
        var fill2 = lines.Single(l => l.GetProperty("type").GetString() == "fill" && l.GetProperty("id").GetString() == "pi-1-4-000002");
        Assert.Equal(0.006, fill2.GetProperty("qty").GetDouble(), 9);
        Assert.Equal(1.10, fill2.GetProperty("price").GetDouble(), 9);
        Assert.Equal("reconcile", fill2.GetProperty("via").GetString());
        Assert.Contains(lines, l => l.GetProperty("type").GetString() == "unknown_at_gateway" && l.GetProperty("id").GetString() == "pi-1-4-000004");
        Assert.Contains(lines, l => l.GetProperty("type").GetString() == "given_up" && l.GetProperty("id").GetString() == "pi-1-4-000003");
    }

    [Fact]
    public void After_reconciliation_the_journal_shows_nothing_pending_but_the_orders_still_open()
    {
        _loop.RestoreInFlight([Pending("pi-1-4-000001", Side.Buy, 0.01), Pending("pi-1-4-000002", Side.Sell, 0.01), Pending("pi-1-4-000003", Side.Sell, 0.01)], holdOrders: true);
        _loop.Reconcile([Report("pi-1-4-000001", "filled", 0.01, 1.1), Report("pi-1-4-000002", "open", side: Side.Sell)], _ids, new Dictionary<long, long>(), _symbols);
        _journal.Commit();
        // The order lines live in an earlier file; the next start reads both.
        File.WriteAllLines(DecisionJournal.FileFor(_dir, Day.AddDays(-1)), [
            """{"type":"order","id":"pi-1-4-000001","symbol":"EURUSD","side":"BUY","qty":0.01,"price":1.1,"time":1}""",
            """{"type":"order","id":"pi-1-4-000002","symbol":"EURUSD","side":"SELL","qty":0.01,"price":1.1,"time":1}""",
            """{"type":"order","id":"pi-1-4-000003","symbol":"EURUSD","side":"SELL","qty":0.01,"price":1.1,"time":1}"""]);
        var next = JournalRestore.Load(_dir, "pi-1", _symbols, 100_000, Day);
        var still = Assert.Single(next.Pending);
        Assert.Equal("pi-1-4-000002", still.Id);
        Assert.True(still.Acked);
    }

    [Fact]
    public void New_orders_are_held_until_the_reconciliation_and_released_by_it()
    {
        _loop.RestoreInFlight([Pending("pi-1-4-000001", Side.Buy, 0.01)], holdOrders: true);
        Assert.Equal(TickOutcome.Denied, Tick());
        Assert.Equal(1, _loop.Counters.DeniedFor(DenialCode.ReconciliationPending));
        Assert.Empty(_sink.Sent);
        _loop.Reconcile([Report("pi-1-4-000001", "filled", 0.01, 1.1)], _ids, new Dictionary<long, long>(), _symbols);
        Assert.False(_loop.HoldingOrders);
        Assert.Equal(TickOutcome.OrderSent, Tick());
        Assert.Equal(1, Assert.Single(_sink.Sent).Seq);
    }

    [Fact]
    public void An_order_of_this_node_the_journal_lost_in_the_crash_is_adopted_and_counted_as_a_trade()
    {
        _book.Restore(Day, 10, 0, 0);
        _loop.SeedJournalPrices([1.1]); // the journal's last price of EURUSD judges the adopted fills
        _loop.RestoreInFlight([], holdOrders: true);
        var s = _loop.Reconcile([
            Report("pi-1-4-000007", "filled", 0.01, 1.1),                    // run 4 journaled up to seq 6: lost, adopt
            Report("pi-1-4-000003", "filled", 0.01, 1.1),                    // settled in the journal already
            Report("pi-1-3-000001", "open", side: Side.Sell),               // run 3 has no line at all: adopt, stays open
            Report("pi-2-4-000009", "filled", 0.01, 1.1),                    // another node
            Report("pi-1-5-000001", "filled", 0.01, 1.1),                    // this run: it sent nothing yet, refused
        ], _ids, new Dictionary<long, long> { [4] = 6 }, _symbols, knownRuns: [3, 4]); // run 3 started, journaled no order
        Assert.Equal(["pi-1-3-000001", "pi-1-4-000007"], s.RecoveredIds);
        Assert.Equal(2, s.Ignored);
        Assert.Equal(["pi-1-5-000001"], s.RefusedIds);
        Assert.True(_breaker.IsEngaged);
        Assert.Equal((1, 1), (s.Filled, s.StillOpen));
        Assert.Equal(12, _book.TradesToday);
        Assert.Equal(0.01, _book.Net(0), 9);
        Assert.Equal(1, _loop.InFlightCount);
        Assert.Empty(_sink.Sent);
        var orders = JournalLines().Where(l => l.GetProperty("type").GetString() == "order").ToList();
        Assert.Equal(2, orders.Count);
        Assert.All(orders, o => Assert.True(o.GetProperty("recovered").GetBoolean()));

        // A later fill of the adopted open order, by id, applies.
        Assert.True(_loop.OnRestoredFill("pi-1-3-000001", 0.01, 1.2));
        Assert.Equal(0, _book.Net(0), 9);
        Assert.Equal(0, _loop.InFlightCount);
    }

    [Fact]
    public void Gateway_messages_for_a_restored_order_apply_before_the_answer_and_are_not_counted_twice()
    {
        _loop.RestoreInFlight([Pending("pi-1-4-000001", Side.Buy, 0.02)], holdOrders: true);
        Assert.True(_loop.OnRestoredFill("pi-1-4-000001", 0.01, 1.1));
        _loop.Reconcile([Report("pi-1-4-000001", "filled", 0.02, 1.15, qty: 0.02)], _ids, new Dictionary<long, long>(), _symbols);
        Assert.Equal(0.02, _book.Net(0), 9);
        Assert.Equal(1.15, _book.AvgPrice(0), 9);
        Assert.False(_loop.OnRestoredAck("pi-1-4-000001"));
    }

    [Fact]
    public void Dry_run_never_leaves_an_order_without_its_fill_in_the_committed_journal()
    {
        using var t = new TradingLoopRecoveryTests(dryRun: true);
        string path = DecisionJournal.FileFor(t._dir, Day);
        using var done = new ManualResetEventSlim(false);
        int checks = 0;
        string? broken = null;
        var committer = new Thread(() =>
        {
            // The only writer of the file: between two commits the file is exactly what a crash would leave.
            while (!done.IsSet || checks == 0)
            {
                t._journal.Commit();
                if (!File.Exists(path)) continue;
                var lines = File.ReadAllLines(path);
                for (int i = 0; i < lines.Length; i++)
                {
                    if (!lines[i].StartsWith("{\"type\":\"order\"", StringComparison.Ordinal)) continue;
                    if (i + 1 >= lines.Length || !lines[i + 1].StartsWith("{\"type\":\"fill\"", StringComparison.Ordinal)) broken ??= $"line {i + 1} of {lines.Length}: order without its fill";
                }
                checks++;
            }
        });
        committer.Start();
        for (int i = 0; i < 30_000; i++) Assert.Equal(TickOutcome.OrderSent, t.Tick());
        done.Set();
        committer.Join();
        Assert.Null(broken);
        Assert.True(checks > 1);
        Assert.Empty(JournalRestore.Load(t._dir, "pi-1", t._symbols, 100_000, Day).Pending);
    }
}
