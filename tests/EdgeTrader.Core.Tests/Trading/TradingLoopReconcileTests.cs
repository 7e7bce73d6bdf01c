using EdgeTrader.KillSwitch;
using EdgeTrader.Trading;

namespace EdgeTrader.Tests.Trading;

/// <summary>
/// A warm start's reconciliation: each restored order settles by the gateway's answer (filled, cancelled, rejected,
/// open, not known), missing fills are booked at the price the answer implies, and an order of this node the journal
/// lost is adopted only when this node can have sent it.
/// </summary>
public sealed class TradingLoopReconcileTests
{
    readonly LoopHarness _h = new();
    readonly OrderIds _ids = new("pi-1", 5);

    static PendingOrder Restored(long seq, Side side, double qty, double price = double.NaN, double filled = 0, double notional = 0) =>
        new() { Id = $"pi-1-4-{seq:D6}", Run = 4, Seq = seq, SymbolId = 0, Side = side, Qty = qty, Price = price, FilledQty = filled, FilledNotional = notional };

    static GatewayOrderReport Report(string id, string state, double filled = 0, double avg = 0, double qty = 0.01, Side? side = Side.Buy, string? symbol = "EURUSD") =>
        new(id, symbol, side, qty, filled, avg, state, 1);

    ReconcileSummary Reconcile(IReadOnlyCollection<GatewayOrderReport> reports, Dictionary<long, long>? maxSeq = null, IReadOnlyCollection<long>? knownRuns = null) =>
        _h.Loop.Reconcile(reports, _ids, maxSeq ?? new Dictionary<long, long> { [4] = 6 }, _h.Symbols, knownRuns);

    [Fact]
    public void Each_restored_order_settles_by_its_state_at_the_gateway()
    {
        _h.Loop.RestoreInFlight(
        [
            Restored(1, Side.Buy, 0.02, 1.0851, filled: 0.005, notional: 0.005 * 1.0851),
            Restored(2, Side.Sell, 0.03, 1.0850),
            Restored(3, Side.Buy, 0.01, 1.0851),
            Restored(4, Side.Sell, 0.01, 1.0850),
            Restored(5, Side.Buy, 0.01, 1.0851),
            Restored(6, Side.Buy, 0.01, 1.0851),
        ], holdOrders: true);
        Assert.True(_h.Loop.HoldingOrders);
        var s = Reconcile(
        [
            Report("pi-1-4-000001", "filled", filled: 0.02, avg: 1.0851),
            Report("pi-1-4-000002", "cancelled", filled: 0.01, avg: 1.0850, side: Side.Sell),
            Report("pi-1-4-000003", "open"),
            Report("pi-1-4-000004", "partially_filled", side: Side.Sell),
            Report("pi-1-4-000005", "rejected"),
        ]);
        Assert.Equal((1, 2, 2), (s.Filled, s.StillOpen, s.GivenUp));
        Assert.Equal(["pi-1-4-000006"], s.UnknownIds);
        Assert.Empty(s.RecoveredIds);
        Assert.Empty(s.RefusedIds);
        Assert.Equal(0, s.Ignored);
        Assert.False(_h.Loop.HoldingOrders);
        Assert.Equal(2, _h.Loop.RestoredCount);
        Assert.Equal(0.015 - 0.01, _h.Book.Net(0), 12);
        Assert.Equal((0.01, 0.01), (Math.Round(_h.Book.Pending(0, Side.Buy), 12), Math.Round(_h.Book.Pending(0, Side.Sell), 12)));
        var fills = _h.Log.OfType("fill").ToList();
        Assert.Equal([("pi-1-4-000001", Side.Buy, 0.015, 1.0851), ("pi-1-4-000002", Side.Sell, 0.01, 1.0850)],
            fills.Select(f => (f.Id!, f.Side, Math.Round(f.Qty, 12), Math.Round(f.Price, 12))));
        Assert.All(fills, f => Assert.Equal("reconcile", f.Via));
        Assert.Equal([("pi-1-4-000002", "cancelled at the gateway"), ("pi-1-4-000005", "rejected at the gateway")],
            _h.Log.OfType("given_up").Select(g => (g.Id!, g.Text!)));
        Assert.Equal([("pi-1-4-000003", (string?)null), ("pi-1-4-000004", "gateway state 'partially_filled'")],
            _h.Log.OfType("ack").Select(a => (a.Id!, a.Text)));
        Assert.All(_h.Log.OfType("ack"), a => Assert.Equal("reconcile", a.Via));
        var unknown = Assert.Single(_h.Log.OfType("unknown_at_gateway"));
        Assert.Equal(("pi-1-4-000006", "reconcile"), (unknown.Id, unknown.Via));
        var r = _h.Loop.Recovery;
        Assert.Equal((1L, 2L, 2L, 1L), (r.Filled, r.StillOpen, r.GivenUp, r.UnknownAtGatewayCount));
        Assert.False(_h.Breaker.IsEngaged);
    }

    [Fact]
    public void Filled_without_a_quantity_means_the_whole_order_and_without_a_price_it_is_booked_at_the_limit()
    {
        _h.Loop.RestoreInFlight([Restored(1, Side.Buy, 0.02, 1.0851, filled: 0.005, notional: 0.005 * 1.0851)], holdOrders: false);
        var s = Reconcile([Report("pi-1-4-000001", "filled")]);
        Assert.Equal(1, s.Filled);
        var fill = Assert.Single(_h.Log.OfType("fill"));
        Assert.Equal((0.015, 1.0851), (Math.Round(fill.Qty, 12), fill.Price));
        Assert.Empty(_h.Log.OfType("given_up"));
    }

    [Fact]
    public void The_missing_part_is_priced_from_the_gateways_average_less_what_the_journal_holds()
    {
        _h.Loop.RestoreInFlight([Restored(1, Side.Buy, 0.02, filled: 0.01, notional: 0.01 * 1.0)], holdOrders: false);
        Reconcile([Report("pi-1-4-000001", "filled", filled: 0.02, avg: 1.5)]);
        var fill = Assert.Single(_h.Log.OfType("fill"));
        Assert.Equal((0.01, 2.0), (Math.Round(fill.Qty, 12), Math.Round(fill.Price, 9))); // (1.5 x 0.02 - 0.01) / 0.01
    }

    [Fact]
    public void An_average_that_implies_no_positive_price_for_the_missing_part_books_it_at_the_average()
    {
        _h.Loop.RestoreInFlight([Restored(1, Side.Buy, 0.02, filled: 0.01, notional: 0.01 * 3.0)], holdOrders: false);
        Reconcile([Report("pi-1-4-000001", "filled", filled: 0.02, avg: 1.0)]); // (0.02 - 0.03) / 0.01 < 0
        Assert.Equal(1.0, Assert.Single(_h.Log.OfType("fill")).Price);
    }

    [Fact]
    public void A_fill_nobody_can_price_is_not_booked_and_the_order_is_given_up_saying_what_the_gateway_filled()
    {
        _h.Loop.RestoreInFlight([Restored(1, Side.Buy, 0.02)], holdOrders: false);
        var s = Reconcile([Report("pi-1-4-000001", "filled", filled: 0.02, avg: double.NaN)]);
        Assert.Equal(1, s.Filled);
        Assert.Empty(_h.Log.OfType("fill"));
        Assert.Equal("the gateway filled 0.02 of 0.02", Assert.Single(_h.Log.OfType("given_up")).Text);
        Assert.Equal(0, _h.Book.Pending(0, Side.Buy));
    }

    [Fact]
    public void An_order_open_at_the_gateway_but_already_filled_in_the_journal_is_done()
    {
        _h.Loop.RestoreInFlight([Restored(1, Side.Buy, 0.02, 1.0851, filled: 0.01, notional: 0.01 * 1.0851)], holdOrders: false);
        var s = Reconcile([Report("pi-1-4-000001", "open", filled: 0.02, avg: 1.0851)]);
        Assert.Equal((1, 0), (s.Filled, s.StillOpen));
        Assert.Equal(0, _h.Loop.RestoredCount);
        Assert.Empty(_h.Log.OfType("ack"));
    }

    [Fact]
    public void A_lost_order_is_adopted_only_when_this_node_can_have_sent_it_and_the_rest_is_refused_and_engages()
    {
        long slack = (long)Math.Ceiling(1000 * TradingLoop.AdoptionWindow.TotalSeconds); // risk.maxOrdersPerSecond 1000
        var s = Reconcile(
        [
            Report("pi-2-4-000009", "open"),                              // another node: not ours to judge
            Report("pi-1-4-000006", "filled", filled: 0.01, avg: 1.08),    // settled in the journal already
            Report($"pi-1-4-{6 + slack:D6}", "open", avg: 1.0851),          // the last seq the run can have lost
            Report("pi-1-4-000007", "open", avg: 1.0850, qty: 1.0),         // at risk.maxQty
            Report("pi-1-3-000003", "open", side: Side.Sell, avg: double.PositiveInfinity),
            Report("pi-1-5-000001", "open"),                               // this run
            Report("pi-1-2-000001", "open"),                               // a run the journal does not know
            Report($"pi-1-4-{7 + slack:D6}", "open"),                       // more than the run can have lost
            Report("pi-1-4-000008", "open", qty: 0),
            Report("pi-1-4-000009", "open", qty: 1.01),
            Report("pi-1-4-000010", "open", side: null),
            Report("pi-1-4-000011", "open", symbol: null),
            Report("pi-1-4-000012", "open", symbol: "GBPUSD"),
        ], new Dictionary<long, long> { [4] = 6, [3] = 2 });
        Assert.Equal(["pi-1-3-000003", "pi-1-4-000007", $"pi-1-4-{6 + slack:D6}"], s.RecoveredIds); // by run, then seq
        Assert.Equal(["pi-1-5-000001", "pi-1-2-000001", $"pi-1-4-{7 + slack:D6}", "pi-1-4-000008", "pi-1-4-000009", "pi-1-4-000010", "pi-1-4-000011", "pi-1-4-000012"],
            s.RefusedIds);
        Assert.Equal(2, s.Ignored);
        Assert.Equal(3, s.StillOpen);
        Assert.Equal(3, _h.Loop.RestoredCount);
        Assert.Equal(3, _h.Book.TradesToday); // adopted orders are trades of the day
        Assert.Equal((1.01, 0.01), (Math.Round(_h.Book.Pending(0, Side.Buy), 12), Math.Round(_h.Book.Pending(0, Side.Sell), 12)));
        var recovered = _h.Log.OfType("order").ToList();
        Assert.Equal([("pi-1-3-000003", Side.Sell, 0.0), ("pi-1-4-000007", Side.Buy, 1.0850), ($"pi-1-4-{6 + slack:D6}", Side.Buy, 1.0851)],
            recovered.Select(o => (o.Id!, o.Side, o.Price)));
        Assert.True(_h.Breaker.IsEngaged);
        Assert.Equal(BreakerSource.Gateway, _h.Breaker.State.Source);
        Assert.StartsWith("ADOPTION_REFUSED: the gateway's open_orders answer lists 8 order(s) of this node it cannot have sent; not adopted: pi-1-5-000001 pi-1-2-000001", _h.Breaker.State.Reason);
        Assert.Equal((3L, 8L), (_h.Loop.Recovery.Recovered, _h.Loop.Recovery.Refused));
        Assert.Equal(s.RefusedIds, _h.Loop.Recovery.RefusedIds);
    }

    [Fact]
    public void The_runs_the_journal_knows_can_be_given_and_then_decide_alone()
    {
        var s = Reconcile([Report("pi-1-4-000001", "open"), Report("pi-1-3-000001", "open")], new Dictionary<long, long>(), knownRuns: [4]);
        Assert.Equal(["pi-1-4-000001"], s.RecoveredIds);
        Assert.Equal(["pi-1-3-000001"], s.RefusedIds);
    }

    [Fact]
    public void A_run_can_always_have_lost_one_order()
    {
        var h = new LoopHarness(new EdgeTrader.Configuration.RiskOptions { MaxOrdersPerSecond = 0, MaxPosition = 100, MaxLossStreak = 0 });
        var s = h.Loop.Reconcile([Report("pi-1-4-000007", "open"), Report("pi-1-4-000008", "open")], _ids, new Dictionary<long, long> { [4] = 6 }, h.Symbols);
        Assert.Equal(["pi-1-4-000007"], s.RecoveredIds);
        Assert.Equal(["pi-1-4-000008"], s.RefusedIds);
    }

    [Fact]
    public void An_order_the_journal_cannot_record_is_not_adopted()
    {
        _h.Log.Fail("disk gone");
        var s = Reconcile([Report("pi-1-4-000007", "open")]);
        Assert.Empty(s.RecoveredIds);
        Assert.Equal(1, s.Ignored);
        Assert.Equal(0, _h.Loop.RestoredCount);
        Assert.Equal(0, _h.Book.TradesToday);
    }

    [Fact]
    public void Refused_orders_are_reported_up_to_a_hundred_and_named_up_to_twenty()
    {
        var reports = Enumerable.Range(1, 150).Select(i => Report($"pi-1-2-{i:D6}", "open")).ToList();
        var s = Reconcile(reports);
        Assert.Equal(150, s.RefusedIds.Count);
        Assert.Equal(100, _h.Loop.Recovery.RefusedIds.Length);
        Assert.Equal(150, _h.Loop.Recovery.Refused);
        Assert.Contains("pi-1-2-000020", _h.Breaker.State.Reason);
        Assert.DoesNotContain("pi-1-2-000021", _h.Breaker.State.Reason);
        Assert.Contains("lists 150 order(s)", _h.Breaker.State.Reason);
    }

    [Fact]
    public void Restored_orders_are_settled_oldest_first()
    {
        _h.Loop.RestoreInFlight(
        [
            new PendingOrder { Id = "pi-1-4-000010", Run = 4, Seq = 10, SymbolId = 0, Side = Side.Buy, Qty = 0.01 },
            new PendingOrder { Id = "pi-1-3-000020", Run = 3, Seq = 20, SymbolId = 0, Side = Side.Buy, Qty = 0.01 },
            new PendingOrder { Id = "pi-1-4-000002", Run = 4, Seq = 2, SymbolId = 0, Side = Side.Buy, Qty = 0.01 },
        ], holdOrders: false);
        var s = Reconcile([]);
        Assert.Equal(["pi-1-3-000020", "pi-1-4-000002", "pi-1-4-000010"], s.UnknownIds);
    }

    [Fact]
    public void Restored_orders_are_settled_by_run_then_seq_then_text_and_each_unknown_one_says_it_is_not_resent()
    {
        _h.Loop.RestoreInFlight(
        [
            new PendingOrder { Id = "pi-1-4-1000000", SymbolId = 0, Side = Side.Buy, Qty = 0.01 },
            new PendingOrder { Id = "pi-1-4-999999", SymbolId = 0, Side = Side.Buy, Qty = 0.01 },
            new PendingOrder { Id = "pi-1-3-000005", SymbolId = 0, Side = Side.Buy, Qty = 0.01 },
            new PendingOrder { Id = "zz-b", SymbolId = 0, Side = Side.Buy, Qty = 0.01 }, // not an id this node writes
            new PendingOrder { Id = "zz-a", SymbolId = 0, Side = Side.Buy, Qty = 0.01 },
        ], holdOrders: false);
        var s = Reconcile([]);
        Assert.Equal(["zz-a", "zz-b", "pi-1-3-000005", "pi-1-4-999999", "pi-1-4-1000000"], s.UnknownIds);
        Assert.Equal(s.UnknownIds, _h.Log.OfType("unknown_at_gateway").Select(u => u.Id!));
        Assert.All(_h.Log.OfType("unknown_at_gateway"), u => Assert.Equal(("the gateway does not know this order; it is not resent", "reconcile", -1), (u.Text, u.Via, u.SymbolId)));
    }

    [Fact]
    public void Lost_orders_are_adopted_by_run_then_seq()
    {
        var s = Reconcile([Report("pi-1-4-000009", "open"), Report("pi-1-3-000008", "open"), Report("pi-1-4-000007", "open")],
            new Dictionary<long, long> { [3] = 7, [4] = 6 });
        Assert.Equal(["pi-1-3-000008", "pi-1-4-000007", "pi-1-4-000009"], s.RecoveredIds);
        Assert.Equal(s.RecoveredIds, _h.Log.OfType("order").Select(o => o.Id!));
    }

    public static TheoryData<string, long[], Dictionary<long, long>> OrdersOfThisOrALaterRun => new()
    {
        { "pi-1-5-000001", [4, 5], new() { [4] = 6, [5] = 3 } },  // this run, at or below what the journal holds of it
        { "pi-1-5-000001", [4, 5], new() { [4] = 6 } },           // this run, above it
        { "pi-1-6-000001", [4, 6], new() { [4] = 6, [6] = 3 } },  // a later run the journal lists
    };

    [Theory]
    [MemberData(nameof(OrdersOfThisOrALaterRun))]
    public void An_order_of_this_run_or_a_later_one_is_refused_whatever_the_journal_holds(string id, long[] knownRuns, Dictionary<long, long> maxSeq)
    {
        var s = Reconcile([Report(id, "open")], maxSeq, knownRuns);
        Assert.Equal([id], s.RefusedIds);
        Assert.Empty(s.RecoveredIds);
        Assert.Equal(0, s.Ignored);
        Assert.True(_h.Breaker.IsEngaged);
    }

    [Fact]
    public void A_lost_order_of_exactly_max_qty_is_adopted()
    {
        double qty = new EdgeTrader.Configuration.RiskOptions().MaxQty + 1e-9; // the bound's tolerance included
        var s = Reconcile([Report("pi-1-4-000007", "open", qty: qty)]);
        Assert.Equal(["pi-1-4-000007"], s.RecoveredIds);
        Assert.False(_h.Breaker.IsEngaged);
    }

    [Fact]
    public void A_filled_answer_with_a_partial_quantity_books_that_part_and_gives_up_the_rest()
    {
        _h.Loop.RestoreInFlight([Restored(1, Side.Buy, 0.01, 1.0851)], holdOrders: false);
        var s = Reconcile([Report("pi-1-4-000001", "filled", filled: 0.005, avg: 1.0851)]);
        Assert.Equal(1, s.Filled);
        Assert.Equal(0.005, Assert.Single(_h.Log.OfType("fill")).Qty, 12);
        Assert.Equal(0.005, _h.Book.Net(0), 12);
        Assert.Equal(0, _h.Book.Pending(0, Side.Buy), 12);
        var g = Assert.Single(_h.Log.OfType("given_up"));
        Assert.Equal(("pi-1-4-000001", "the gateway filled 0.005 of 0.01", "reconcile"), (g.Id, g.Text, g.Via));
    }

    [Fact]
    public void An_infinite_average_books_the_missing_part_at_the_limit()
    {
        _h.Loop.RestoreInFlight([Restored(1, Side.Buy, 0.01, 1.0851)], holdOrders: false);
        Reconcile([Report("pi-1-4-000001", "filled", filled: 0.01, avg: double.PositiveInfinity)]);
        var f = Assert.Single(_h.Log.OfType("fill"));
        Assert.Equal((0.01, 1.0851), (f.Qty, f.Price));
        Assert.False(_h.Breaker.IsEngaged);
    }

    [Fact]
    public void An_average_that_implies_a_zero_price_for_the_missing_part_books_it_at_the_average()
    {
        // 0.25 of 0.5 known at 2.0; the gateway says 0.5 at an average of 1.0: (1.0 × 0.5 - 0.5) / 0.25 = 0. (The
        // limit is unknown: a known one would bound the price booked.)
        _h.Loop.RestoreInFlight([Restored(1, Side.Buy, 0.5, double.NaN, filled: 0.25, notional: 0.5)], holdOrders: false);
        Reconcile([Report("pi-1-4-000001", "filled", filled: 0.5, avg: 1.0, qty: 0.5)]);
        var f = Assert.Single(_h.Log.OfType("fill"));
        Assert.Equal((0.25, 1.0), (f.Qty, f.Price));
    }

    [Theory]
    [InlineData("cancelled", false, 1)]
    [InlineData("rejected", true, 0)]
    public void After_a_cancelled_answer_the_rest_may_still_fill_and_after_a_rejected_one_nothing_may(string state, bool overfill, int afterCancel)
    {
        _h.Loop.RestoreInFlight([Restored(1, Side.Buy, 0.01, 1.0851)], holdOrders: false);
        Reconcile([Report("pi-1-4-000001", state)]);
        Assert.True(_h.Loop.OnRestoredFill("pi-1-4-000001", 0.01, 1.0851));
        Assert.Equal(overfill ? 1 : 0, _h.Loop.Counters.AnomalyCount(AnomalyCode.Overfill));
        Assert.Equal(overfill, _h.Breaker.IsEngaged);
        Assert.Equal(afterCancel, _h.Loop.Counters.FilledAfterCancel);
    }

    [Fact]
    public void A_reconciled_fill_past_the_loss_limit_engages_when_the_reconciliation_ends()
    {
        var h = new LoopHarness(new EdgeTrader.Configuration.RiskOptions { MaxOrdersPerSecond = 1000, MaxPosition = 100, MaxLossStreak = 0, MaxDailyLoss = 0.01 });
        h.Tick(); // the mark: mid 1.08505
        h.Loop.RestoreInFlight([Restored(1, Side.Buy, 0.01, 1.0851)], holdOrders: false);
        h.Loop.Reconcile([Report("pi-1-4-000001", "filled", filled: 0.01, avg: 1.0851)], _ids, new Dictionary<long, long> { [4] = 6 }, h.Symbols);
        Assert.True(h.Breaker.IsEngaged);
        Assert.StartsWith("daily loss limit", h.Breaker.State.Reason);
    }

    // The tolerance on quantities is 1e-9; 2e-9 - 1e-9 is exactly 1e-9, so these are the bounds themselves.

    [Fact]
    public void A_missing_fill_of_exactly_the_tolerance_is_not_booked()
    {
        _h.Loop.RestoreInFlight([Restored(1, Side.Buy, 0.01, 1.0851, filled: 1e-9, notional: 1e-9 * 1.0851)], holdOrders: false);
        Reconcile([Report("pi-1-4-000001", "open", filled: 2e-9, avg: 1.0851)]);
        Assert.Empty(_h.Log.OfType("fill"));
    }

    [Fact]
    public void An_open_order_with_exactly_the_tolerance_left_is_done()
    {
        _h.Loop.RestoreInFlight([Restored(1, Side.Buy, 2e-9, 1.0851, filled: 1e-9, notional: 1e-9 * 1.0851)], holdOrders: false);
        var s = Reconcile([Report("pi-1-4-000001", "open", filled: 1e-9, avg: 1.0851, qty: 2e-9)]);
        Assert.Equal((1, 0), (s.Filled, s.StillOpen));
        Assert.Equal(0, _h.Loop.RestoredCount);
        Assert.Empty(_h.Log.OfType("ack"));
    }

    [Fact]
    public void A_cancelled_order_with_exactly_the_tolerance_left_gives_nothing_up()
    {
        _h.Loop.RestoreInFlight([Restored(1, Side.Buy, 2e-9, 1.0851, filled: 1e-9, notional: 1e-9 * 1.0851)], holdOrders: false);
        var s = Reconcile([Report("pi-1-4-000001", "cancelled", filled: 1e-9, avg: 1.0851, qty: 2e-9)]);
        Assert.Equal(1, s.GivenUp);
        Assert.Empty(_h.Log.OfType("given_up"));
    }
}
