using System.Text.Json;
using EdgeTrader.Configuration;
using EdgeTrader.Journal;
using EdgeTrader.KillSwitch;
using EdgeTrader.Trading;
using EdgeTrader.Trading.Risk;

namespace EdgeTrader.Tests.Session;

/// <summary>Warm start through the session: restore, open_orders rounds, the no-answer engagement, the answer applied.</summary>
public sealed class WarmStartTests
{
    const int AckTimeout = 500;

    static SessionHarness Harness(bool dryRun = false) =>
        new(gateway: new GatewayOptions { AckTimeoutMs = AckTimeout, StaleAfterMs = 60_000, HeartbeatMs = 60_000 }, dryRun: dryRun);

    static PendingOrder Pending(string id, double qty = 0.01, Side side = Side.Buy)
    {
        new OrderIds("pi-1", 0).TryParseAnyRun(id, out long run, out long seq);
        return new PendingOrder { Id = id, Run = run, Seq = seq, SymbolId = 0, Side = side, Qty = qty, Price = 1.1 };
    }

    static RestoredJournal Journal(IReadOnlyList<PendingOrder> pending, bool clean = true, long lastTimeMs = 0, int trades = 0, double[]? realized = null) => new()
    {
        Day = new DateOnly(2026, 11, 23),
        TradesToday = trades,
        RealizedToday = realized?.Sum() ?? 0,
        RealizedTodayBySymbol = realized ?? [],
        Net = [0],
        AvgPrice = [0],
        OtherSymbols = new Dictionary<string, double>(),
        Pending = pending,
        MaxSeqByRun = new Dictionary<long, long> { [4] = pending.Count },
        LastTimeMs = lastTimeMs,
        LastRunStoppedCleanly = clean,
        Notes = [],
    };

    static string Answer(string requestId, bool last, params (string Id, string State, double Filled)[] orders) =>
        JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["type"] = "open_orders",
            ["requestId"] = requestId,
            ["orders"] = orders.Select(o => new Dictionary<string, object> { ["id"] = o.Id, ["symbol"] = "EURUSD", ["side"] = "BUY", ["qty"] = 0.01, ["filledQty"] = o.Filled, ["avgPrice"] = o.Filled > 0 ? 1.1 : 0, ["state"] = o.State }).ToArray(),
            ["last"] = last,
        });

    [Fact]
    public void Orders_left_in_flight_hold_new_orders_until_the_gateway_answers_open_orders()
    {
        using var h = Harness();
        h.Session.Restore(Journal([Pending("pi-1-4-000001"), Pending("pi-1-4-000002")]), cold: false);
        Assert.True(h.Loop.HoldingOrders);
        Assert.Equal(0.02, h.Loop.Book.Pending(0, Side.Buy), 9);
        h.Feed(h.Tick());
        Assert.Equal(1, h.Loop.Counters.DeniedFor(DenialCode.ReconciliationPending));
        Assert.Empty(h.SentOfType("order"));
        var request = Assert.Single(h.SentOfType("open_orders"));
        Assert.Equal(["pi-1-4-000001", "pi-1-4-000002"], request.GetProperty("ids").EnumerateArray().Select(e => e.GetString()));
        Assert.False(request.TryGetProperty("since", out _)); // a clean stop: nothing can have left unjournaled

        h.Link.Reply(Answer(request.GetProperty("requestId").GetString()!, true, ("pi-1-4-000001", "filled", 0.01), ("pi-1-4-000002", "cancelled", 0)));
        h.Turn();
        Assert.False(h.Loop.HoldingOrders);
        Assert.Equal("done", h.Loop.Recovery.State);
        Assert.Equal(0.01, h.Loop.Book.Net(0), 9);
        Assert.Equal(0, h.Loop.InFlightCount);
        h.Feed(h.Tick());
        Assert.Single(h.SentOfType("order"));
        Assert.Contains(h.Log.OfType("recovery"), r => r.Text!.Contains("\"result\":\"reconciled\""));
        Assert.DoesNotContain(h.SentOfType("order"), o => o.GetProperty("id").GetString()!.StartsWith("pi-1-4-", StringComparison.Ordinal)); // never resent
    }

    [Fact]
    public void An_unanswered_round_is_asked_again_every_ackTimeoutMs_and_a_late_answer_to_it_is_ignored()
    {
        using var h = Harness();
        h.Session.Restore(Journal([Pending("pi-1-4-000001")]), cold: false);
        h.Turn();
        string first = Assert.Single(h.SentOfType("open_orders")).GetProperty("requestId").GetString()!;
        h.Advance(AckTimeout - 20);
        Assert.Single(h.SentOfType("open_orders"));
        h.Advance(40);
        var rounds = h.SentOfType("open_orders");
        Assert.Equal(2, rounds.Count);
        Assert.Equal(2, h.Session.Reconciliation!.Round);
        h.Link.Reply(Answer(first, true, ("pi-1-4-000001", "filled", 0.01))); // the first round's answer, too late
        h.Turn();
        Assert.True(h.Loop.HoldingOrders);
        h.Link.Reply(Answer(rounds[1].GetProperty("requestId").GetString()!, true, ("pi-1-4-000001", "filled", 0.01)));
        h.Turn();
        Assert.False(h.Loop.HoldingOrders);
    }

    [Fact]
    public void No_answer_within_five_ack_timeouts_engages_with_source_gateway_and_keeps_asking()
    {
        using var h = Harness();
        h.Session.Restore(Journal([Pending("pi-1-4-000001")]), cold: false);
        h.Turn();
        h.Advance(5 * AckTimeout - 30);
        Assert.False(h.Breaker.IsEngaged);
        h.Advance(40);
        Assert.True(h.Breaker.IsEngaged);
        Assert.Equal(BreakerSource.Gateway, h.Breaker.State.Source);
        Assert.Contains("no answer to open_orders", h.Breaker.State.Reason);
        Assert.Equal("no-answer", h.Loop.Recovery.State);
        int asked = h.SentOfType("open_orders").Count;
        h.Advance(2 * AckTimeout + 20);
        Assert.True(h.SentOfType("open_orders").Count >= asked + 2, "still asking");
        Assert.True(h.Loop.HoldingOrders);
        // An answer now still settles the orders and releases new ones (the breaker stays engaged until reset).
        h.Link.Reply(Answer(h.SentOfType("open_orders")[^1].GetProperty("requestId").GetString()!, true));
        h.Turn();
        Assert.False(h.Loop.HoldingOrders);
        Assert.Equal(1, h.Loop.Recovery.UnknownAtGatewayCount);
    }

    [Fact]
    public void A_long_answer_in_several_frames_completes_only_with_its_last_part()
    {
        using var h = Harness();
        h.Session.Restore(Journal([Pending("pi-1-4-000001"), Pending("pi-1-4-000002")]), cold: false);
        h.Turn();
        string rid = h.SentOfType("open_orders")[0].GetProperty("requestId").GetString()!;
        h.Link.Reply(Answer(rid, false, ("pi-1-4-000001", "open", 0)));
        h.Turn();
        Assert.True(h.Loop.HoldingOrders);
        h.Link.Reply(Answer(rid, true, ("pi-1-4-000002", "filled", 0.01)));
        h.Turn();
        Assert.False(h.Loop.HoldingOrders);
        Assert.Equal(1, h.Loop.InFlightCount); // the open one stays in flight
    }

    [Fact]
    public void More_than_256_orders_are_asked_in_several_request_frames_and_all_must_be_answered()
    {
        using var h = Harness();
        var pending = Enumerable.Range(1, 300).Select(i => Pending($"pi-1-4-{i:D6}", qty: 0.001)).ToList();
        h.Session.Restore(Journal(pending), cold: false);
        h.Turn();
        var requests = h.SentOfType("open_orders");
        Assert.Equal([256, 44], requests.Select(r => r.GetProperty("ids").GetArrayLength()));
        h.Link.Reply(Answer(requests[0].GetProperty("requestId").GetString()!, true));
        h.Turn();
        Assert.True(h.Loop.HoldingOrders);
        h.Link.Reply(Answer(requests[1].GetProperty("requestId").GetString()!, true));
        h.Turn();
        Assert.False(h.Loop.HoldingOrders);
        Assert.Equal(300, h.Loop.Recovery.UnknownAtGatewayCount);
    }

    [Fact]
    public void After_a_crash_the_gateway_is_also_asked_for_orders_sent_since_shortly_before_the_last_journal_line()
    {
        using var h = Harness();
        h.Session.Restore(Journal([], clean: false, lastTimeMs: 1_763_900_000_000), cold: false);
        Assert.True(h.Loop.HoldingOrders);
        h.Turn();
        var request = Assert.Single(h.SentOfType("open_orders"));
        Assert.Equal(1_763_900_000_000 - 2000, request.GetProperty("since").GetInt64());
    }

    [Fact]
    public void A_restore_books_the_days_realised_pnl_per_symbol_and_its_total()
    {
        using var h = Harness();
        h.Session.Restore(Journal([], realized: [-7.5]), cold: false);
        Assert.Equal((-7.5, -7.5), (h.Loop.Book.RealizedTodayOf(0), h.Loop.Book.RealizedToday));
    }

    [Fact]
    public void A_cold_start_discards_the_orders_left_in_flight_and_asks_nothing()
    {
        using var h = Harness();
        h.Session.Restore(Journal([Pending("pi-1-4-000001")], clean: false, lastTimeMs: 5), cold: true);
        Assert.False(h.Loop.HoldingOrders);
        Assert.Equal(0, h.Loop.InFlightCount);
        h.Advance(100);
        Assert.Empty(h.SentOfType("open_orders"));
        Assert.Contains(h.Log.Records, r => r.Type == "discarded" && r.Id == "pi-1-4-000001");
        Assert.Equal("cold", h.Loop.Recovery.Mode);
    }

    [Fact]
    public void Dry_run_leaves_orders_of_an_earlier_live_run_for_the_next_live_start()
    {
        using var h = Harness(dryRun: true);
        h.Session.Restore(Journal([Pending("pi-1-4-000001")]), cold: false);
        Assert.False(h.Loop.HoldingOrders);
        Assert.Equal("dry-run", h.Loop.Recovery.Mode);
        Assert.Contains(h.Log.OfType("recovery"), r => r.Text!.Contains("\"leftForLiveStart\":1"));
    }

    [Fact]
    public void The_days_counters_and_positions_come_back_from_the_journal()
    {
        using var h = Harness();
        var j = Journal([], trades: 42);
        j.Net[0] = -0.03;
        j.AvgPrice[0] = 1.2;
        h.Session.Restore(j, cold: false);
        Assert.Equal(42, h.Loop.Book.TradesToday);
        Assert.Equal(-0.03, h.Loop.Book.Net(0), 9);
        Assert.Equal(1.2, h.Loop.Book.AvgPrice(0), 9);
        Assert.False(h.Loop.HoldingOrders);
    }

    [Fact]
    public void An_unreadable_journal_starts_engaged_with_source_startup()
    {
        using var h = Harness();
        var j = Journal([]);
        h.Session.Restore(new RestoredJournal
        {
            Net = j.Net, AvgPrice = j.AvgPrice, OtherSymbols = j.OtherSymbols, Pending = j.Pending, MaxSeqByRun = j.MaxSeqByRun, Notes = [],
            Problem = "the journal cannot be read",
        }, cold: false);
        Assert.True(h.Breaker.IsEngaged);
        Assert.Equal(BreakerSource.Startup, h.Breaker.State.Source);
    }
}
