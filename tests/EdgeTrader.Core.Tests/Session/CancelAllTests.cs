using EdgeTrader.Configuration;
using EdgeTrader.KillSwitch;
using EdgeTrader.Session;
using EdgeTrader.Tests.Support;
using EdgeTrader.Trading;

namespace EdgeTrader.Tests.Session;

/// <summary>cancel_all after it left: the gateway's report, orders until terminal, resends, the clean stop's cancel.</summary>
public class CancelAllTests
{
    static string Report(string requestId, string status = "accepted", string[]? ids = null, bool last = true, string? reason = null, int? affected = null)
    {
        ids ??= [];
        string list = string.Join(",", ids.Select(i => $"\"{i}\""));
        return $"{{\"type\":\"cancel_all_report\",\"requestId\":\"{requestId}\",\"status\":\"{status}\"" +
               (reason is null ? "" : $",\"reason\":\"{reason}\"") + $",\"affected\":{affected ?? ids.Length},\"ids\":[{list}],\"last\":{(last ? "true" : "false")}}}";
    }

    /// <summary>Two orders out and acknowledged, then an engagement whose cancel_all went out on the next turn.</summary>
    static (SessionHarness H, string First, string Second, string RequestId) TwoWorkingOrdersThenEngaged()
    {
        var h = new SessionHarness();
        h.Feed(h.Tick());
        h.Feed(h.Tick(bid: 1.1002, ask: 1.1003));
        string first = h.Ids.Format(1), second = h.Ids.Format(2);
        h.Link.Reply($"{{\"type\":\"ack\",\"id\":\"{first}\"}}");
        h.Link.Reply($"{{\"type\":\"ack\",\"id\":\"{second}\"}}");
        h.Turn();
        Assert.Equal(2, h.Loop.InFlightCount);
        h.Breaker.Engage("operator stop", BreakerSource.Cli);
        h.Turn();
        var c = Assert.Single(h.SentOfType("cancel_all"));
        return (h, first, second, c.GetProperty("requestId").GetString()!);
    }

    [Fact]
    public void A_cancel_all_carries_a_request_id_and_stays_unconfirmed_until_the_gateway_reports_it_accepted()
    {
        var (h, first, second, rid) = TwoWorkingOrdersThenEngaged();
        using var _ = h;
        Assert.Equal("pi-1-5-ca1", rid);
        Assert.Equal(CancelAllState.Sent, h.Session.CancelAll.State);
        Assert.True(h.Session.CancelAll.Unconfirmed);
        h.Link.Reply(Report(rid, ids: [first, second]));
        h.Turn();
        var c = h.Session.CancelAll;
        Assert.Equal((CancelAllState.Accepted, 2L, 1L), (c.State, c.Affected, c.Reports));
        Assert.False(c.Unconfirmed);
        Assert.Equal(0, h.Loop.InFlightCount);
        Assert.Equal(2, h.Loop.Counters.Cancelled);
        Assert.Equal(0, h.Loop.Counters.Gateway.Unknown);
        Assert.Equal(2, h.Log.OfType("given_up").Count(r => r.Text!.Contains(rid)));
    }

    [Fact]
    public void An_order_the_report_does_not_list_stays_in_flight_until_it_is_filled_and_the_fill_is_booked()
    {
        var (h, first, second, rid) = TwoWorkingOrdersThenEngaged();
        using var _ = h;
        h.Link.Reply(Report(rid, ids: [first])); // the second was being filled: the gateway could not cancel it
        h.Turn();
        Assert.Equal(CancelAllState.Accepted, h.Session.CancelAll.State);
        Assert.Equal(1, h.Loop.InFlightCount); // accepted is not done
        h.Link.Reply($"{{\"type\":\"fill\",\"id\":\"{second}\",\"qty\":0.01,\"price\":1.1003}}");
        h.Turn();
        Assert.Equal(0, h.Loop.InFlightCount);
        Assert.Equal(1, h.Loop.Counters.Gateway.Fills);
        Assert.Equal(1, h.Session.CancelAll.FillsAfter);
        Assert.Equal(-0.01, h.Loop.Book.Net(0), 9); // every-tick's second order is a SELL
        // After a reset, fills are resumed trading's, not the cancel's.
        Assert.True(h.Breaker.Reset("operator", EdgeTrader.KillSwitch.BreakerSource.Cli).Done);
        h.Feed(h.Tick());
        h.Link.Reply($"{{\"type\":\"fill\",\"id\":\"{h.Ids.Format(3)}\",\"qty\":0.01,\"price\":1.1001}}");
        h.Turn();
        Assert.Equal(2, h.Loop.Counters.Gateway.Fills);
        Assert.Equal(1, h.Session.CancelAll.FillsAfter);
    }

    [Fact]
    public void A_fill_of_an_order_already_reported_cancelled_is_booked_and_counted_and_one_beyond_the_order_is_an_overfill()
    {
        var (h, first, _, rid) = TwoWorkingOrdersThenEngaged();
        using var __ = h;
        h.Link.Reply(Report(rid, ids: [first]));
        h.Link.Reply($"{{\"type\":\"fill\",\"id\":\"{first}\",\"qty\":0.01,\"price\":1.1001}}"); // crossed the cancel
        h.Turn();
        Assert.Equal(1, h.Loop.Counters.FilledAfterCancel);
        Assert.Equal(1, h.Session.CancelAll.FillsAfter);
        Assert.Equal(1, h.Loop.Counters.Gateway.Fills);
        Assert.Equal(0.01, h.Loop.Book.Net(0), 9);
        Assert.Equal(0, h.Loop.Counters.AnomalyCount(AnomalyCode.Overfill));
        h.Link.Reply($"{{\"type\":\"fill\",\"id\":\"{first}\",\"qty\":0.01,\"price\":1.1001}}"); // more than the order: if the gateway is right, that is the exposure
        h.Turn();
        Assert.Equal(2, h.Loop.Counters.Gateway.Fills);
        Assert.Equal(0, h.Loop.Counters.Gateway.Unknown);
        Assert.Equal(0.02, h.Loop.Book.Net(0), 9);
        Assert.Equal(1, h.Loop.Counters.AnomalyCount(AnomalyCode.Overfill));
        Assert.Equal(2, h.Log.OfType("fill").Count());
    }

    [Fact]
    public void A_fill_after_a_cancel_at_an_impossible_price_is_booked_no_better_than_the_orders_limit_and_engages_as_gateway()
    {
        var (h, first, second, rid) = TwoWorkingOrdersThenEngaged();
        using var _ = h;
        h.Link.Reply(Report(rid, ids: [first, second]));
        h.Turn();
        Assert.True(h.Breaker.Reset("operator", BreakerSource.Cli).Done); // a late fill finds the node SAFE
        h.Link.Reply($"{{\"type\":\"fill\",\"id\":\"{first}\",\"qty\":0.01,\"price\":1.1001}}"); // long 0.01, crossed the cancel
        h.Link.Reply($"{{\"type\":\"fill\",\"id\":\"{second}\",\"qty\":0.01,\"price\":1000000}}"); // the SELL "filled" at 1,000,000
        h.Turn();
        Assert.Equal(2, h.Loop.Counters.FilledAfterCancel);
        Assert.Equal(1, h.Loop.Counters.AnomalyCount(AnomalyCode.FillOutOfBand));
        Assert.Contains(h.Log.OfType("anomaly"), a => a.Text!.StartsWith("FILL_OUT_OF_BAND", StringComparison.Ordinal));
        Assert.Equal(0, h.Loop.Book.Net(0), 9);
        Assert.InRange(h.Loop.Book.RealizedToday, -100, 100); // limit 1.1002 against 1.1001: nothing like the 999,998.9 per unit asked for
        Assert.True(h.Breaker.IsEngaged);
        Assert.Equal(BreakerSource.Gateway, h.Breaker.State.Source);
    }

    [Fact]
    public void A_fill_after_a_cancel_of_more_than_was_left_books_the_gateways_quantity_and_engages_as_an_overfill()
    {
        var (h, first, _, rid) = TwoWorkingOrdersThenEngaged();
        using var __ = h;
        h.Link.Reply(Report(rid, ids: [first]));
        h.Turn();
        Assert.True(h.Breaker.Reset("operator", BreakerSource.Cli).Done); // a late fill finds the node SAFE
        h.Link.Reply($"{{\"type\":\"fill\",\"id\":\"{first}\",\"qty\":0.05,\"price\":1.1001}}"); // 0.05 of an order of 0.01
        h.Turn();
        Assert.Equal(1, h.Loop.Counters.FilledAfterCancel);
        Assert.Equal(0.05, h.Loop.Book.Net(0), 9); // if the gateway is right, that is the exposure
        Assert.Equal(1, h.Loop.Counters.AnomalyCount(AnomalyCode.Overfill));
        Assert.True(h.Breaker.IsEngaged);
        Assert.Equal(BreakerSource.Gateway, h.Breaker.State.Source);
    }

    [Fact]
    public void A_fill_after_a_cancel_on_the_other_side_books_the_gateways_side_and_engages()
    {
        var (h, first, _, rid) = TwoWorkingOrdersThenEngaged();
        using var __ = h;
        h.Link.Reply(Report(rid, ids: [first])); // the first order is a BUY
        h.Turn();
        Assert.True(h.Breaker.Reset("operator", BreakerSource.Cli).Done); // a late fill finds the node SAFE
        h.Link.Reply($"{{\"type\":\"fill\",\"id\":\"{first}\",\"side\":\"SELL\",\"qty\":0.01,\"price\":1.1001}}");
        h.Turn();
        Assert.Equal(-0.01, h.Loop.Book.Net(0), 9);
        Assert.Equal(1, h.Loop.Counters.AnomalyCount(AnomalyCode.FillSideMismatch));
        Assert.True(h.Breaker.IsEngaged);
        Assert.Equal(BreakerSource.Gateway, h.Breaker.State.Source);
    }

    [Fact]
    public void A_fill_of_an_order_restored_at_a_warm_start_and_reported_cancelled_is_booked_checked_against_its_order()
    {
        using var h = new SessionHarness();
        h.Loop.RestoreInFlight([new PendingOrder { Id = "pi-1-4-000007", Run = 4, Seq = 7, SymbolId = 0, Side = Side.Sell, Qty = 0.02, Price = 1.1 }], holdOrders: false);
        h.Breaker.Engage("operator stop", BreakerSource.Cli);
        h.Turn();
        string rid = Assert.Single(h.SentOfType("cancel_all")).GetProperty("requestId").GetString()!;
        h.Link.Reply(Report(rid, ids: ["pi-1-4-000007"]));
        h.Turn();
        Assert.Equal(0, h.Loop.RestoredCount);
        Assert.True(h.Breaker.Reset("operator", BreakerSource.Cli).Done);

        h.Link.Reply("{\"type\":\"fill\",\"id\":\"pi-1-4-000007\",\"qty\":0.01,\"price\":1.1}"); // crossed the cancel: the money moved
        h.Turn();
        Assert.Equal(-0.01, h.Loop.Book.Net(0), 9);
        Assert.Equal(1, h.Loop.Counters.FilledAfterCancel);
        Assert.Equal(0, h.Loop.Counters.Gateway.Unknown);
        Assert.Equal(0, h.Loop.Book.Pending(0, Side.Sell), 9);
        Assert.False(h.Breaker.IsEngaged);

        h.Link.Reply("{\"type\":\"fill\",\"id\":\"pi-1-4-000007\",\"qty\":0.05,\"price\":1.1}"); // 0.05 of the 0.01 left
        h.Turn();
        Assert.Equal(-0.06, h.Loop.Book.Net(0), 9); // exposure follows the gateway
        Assert.Equal(1, h.Loop.Counters.AnomalyCount(AnomalyCode.Overfill));
        Assert.True(h.Breaker.IsEngaged);
        Assert.Equal(BreakerSource.Gateway, h.Breaker.State.Source);
    }

    [Fact]
    public void A_report_in_parts_confirms_only_with_its_last_part_and_adds_up_the_affected_orders()
    {
        var (h, first, second, rid) = TwoWorkingOrdersThenEngaged();
        using var _ = h;
        h.Link.Reply(Report(rid, ids: [first], last: false));
        h.Turn();
        Assert.Equal(CancelAllState.Sent, h.Session.CancelAll.State);
        Assert.Equal(1, h.Loop.InFlightCount);
        h.Link.Reply(Report(rid, ids: [second]));
        h.Turn();
        Assert.Equal((CancelAllState.Accepted, 2L), (h.Session.CancelAll.State, h.Session.CancelAll.Affected));
        Assert.Equal(0, h.Loop.InFlightCount);
    }

    [Fact]
    public void A_rejected_report_is_a_fault_that_refuses_the_reset_until_a_later_cancel_all_is_accepted()
    {
        var (h, first, second, rid) = TwoWorkingOrdersThenEngaged();
        using var _ = h;
        h.Link.Reply(Report(rid, status: "rejected", reason: "mass cancel throttled"));
        h.Turn();
        Assert.Equal(CancelAllState.Rejected, h.Session.CancelAll.State);
        Assert.Equal("mass cancel throttled", h.Session.CancelAll.RejectReason);
        Assert.True(h.Faults.IsActive(TradingSession.CancelAllRejectedFault));
        Assert.Equal(2, h.Loop.InFlightCount);
        var refused = h.Breaker.Reset("operator", BreakerSource.Cli);
        Assert.False(refused.Done);
        Assert.Contains("rejected cancel_all", refused.RefusedBecause);
        // The operator engages again: a new stop, a new cancel_all, which the gateway accepts.
        h.Breaker.Command("try the cancel again", BreakerSource.Cli);
        h.Turn();
        string rid2 = h.SentOfType("cancel_all")[^1].GetProperty("requestId").GetString()!;
        Assert.NotEqual(rid, rid2);
        h.Link.Reply(Report(rid2, ids: [first, second]));
        h.Turn();
        Assert.False(h.Faults.IsActive(TradingSession.CancelAllRejectedFault));
        Assert.True(h.Breaker.Reset("operator", BreakerSource.Cli).Done);
    }

    [Fact]
    public void A_report_to_an_earlier_request_cancels_its_orders_but_does_not_confirm_the_latest()
    {
        var (h, first, _, rid) = TwoWorkingOrdersThenEngaged();
        using var __ = h;
        h.Breaker.Command("renewed", BreakerSource.Cli);
        h.Turn();
        h.Link.Reply(Report(rid, ids: [first]));
        h.Turn();
        Assert.Equal(CancelAllState.Sent, h.Session.CancelAll.State);
        Assert.Equal("pi-1-5-ca2", h.Session.CancelAll.RequestId);
        Assert.Equal(1, h.Loop.InFlightCount);
    }

    [Fact]
    public void A_cancel_all_the_transport_refused_is_resent_with_its_id_once_the_gateway_is_connected_while_engaged()
    {
        using var h = new SessionHarness();
        h.Link.Connected = false;
        h.Breaker.Engage("e-stop", BreakerSource.Cli);
        h.Turn();
        Assert.Empty(h.Link.Sent);
        Assert.Equal(CancelAllState.Unsent, h.Session.CancelAll.State);
        h.Advance(1000); // gateway still away: tried every heartbeat period, nothing queued
        Assert.Empty(h.Link.Sent);
        Assert.True(h.Session.CancelAll.Attempts >= 5);
        h.Link.Connected = true;
        h.Advance(h.Gateway.HeartbeatMs + 20);
        var c = Assert.Single(h.SentOfType("cancel_all"));
        Assert.Equal("pi-1-5-ca1", c.GetProperty("requestId").GetString());
        Assert.Equal(CancelAllState.Sent, h.Session.CancelAll.State);
    }

    [Fact]
    public void A_start_on_an_engaged_latch_sends_cancel_all_first_and_resends_it_until_the_gateway_reports()
    {
        var clock = TestClock.New();
        var engaged = new BreakerState(BreakerPosition.Engaged, new EngagementId("pi-1", "00c0ffee00c0ffee", 4), "loss limit", BreakerSource.Risk,
            clock.GetUtcNow(), new NodeIdentity("pi-1", "00c0ffee00c0ffee", 4), EngagementLedger.Empty);
        using var h = new SessionHarness(initial: engaged); // the last run crashed after it engaged: its cancel_all may never have left
        h.Turn();
        Assert.Equal("cancel_all", h.SentTypes().First());
        var c = Assert.Single(h.SentOfType("cancel_all"));
        Assert.Contains("loss limit", c.GetProperty("reason").GetString());
        h.Advance(h.Gateway.AckTimeoutMs + 20); // no report yet: asked again
        Assert.True(h.SentOfType("cancel_all").Count >= 2);
        h.Link.Reply(Report(c.GetProperty("requestId").GetString()!));
        h.Turn();
        Assert.Equal(CancelAllState.Accepted, h.Session.CancelAll.State);
        int sent = h.SentOfType("cancel_all").Count;
        h.Advance(h.Gateway.AckTimeoutMs * 3);
        Assert.Equal(sent, h.SentOfType("cancel_all").Count); // confirmed: no more
    }

    [Fact]
    public void A_start_on_a_safe_latch_sends_no_cancel_all()
    {
        using var h = new SessionHarness();
        h.Advance(h.Gateway.AckTimeoutMs * 3);
        Assert.Empty(h.SentOfType("cancel_all"));
    }

    [Fact]
    public void A_sent_cancel_all_without_a_report_is_resent_after_the_ack_timeout_and_when_the_gateway_returns_from_silence()
    {
        using var h = new SessionHarness();
        h.Link.Reply("{\"type\":\"heartbeat\"}");
        h.Turn();
        h.Breaker.Engage("e-stop", BreakerSource.Cli);
        h.Turn();
        Assert.Single(h.SentOfType("cancel_all"));
        h.Advance(h.Gateway.AckTimeoutMs - 50);
        Assert.Single(h.SentOfType("cancel_all"));
        h.Advance(100);
        Assert.Equal(2, h.SentOfType("cancel_all").Count);
        // Silent past staleAfterMs, then back: resent at once, not at the next ack timeout.
        h.Advance(h.Gateway.StaleAfterMs + 50);
        int before = h.SentOfType("cancel_all").Count;
        h.Link.Reply("{\"type\":\"heartbeat\"}");
        h.Advance(30);
        Assert.Equal(before + 1, h.SentOfType("cancel_all").Count);
        Assert.All(h.SentOfType("cancel_all"), c => Assert.Equal("pi-1-5-ca1", c.GetProperty("requestId").GetString()));
        h.Link.Reply(Report("pi-1-5-ca1"));
        h.Turn();
        int confirmed = h.SentOfType("cancel_all").Count;
        h.Advance(h.Gateway.AckTimeoutMs * 3);
        Assert.Equal(confirmed, h.SentOfType("cancel_all").Count); // confirmed: never again
    }

    [Fact]
    public void An_unconfirmed_cancel_all_is_never_resent_after_a_reset()
    {
        using var h = new SessionHarness();
        h.Breaker.Engage("e-stop", BreakerSource.Cli);
        h.Turn();
        Assert.True(h.Breaker.Reset("operator", BreakerSource.Cli).Done);
        h.Advance(h.Gateway.AckTimeoutMs * 4);
        Assert.Single(h.SentOfType("cancel_all")); // a resend now would cancel the new orders
    }

    [Fact]
    public void A_report_that_is_not_one_is_counted_as_an_unusable_gateway_message_and_changes_nothing()
    {
        var (h, first, _, rid) = TwoWorkingOrdersThenEngaged();
        using var __ = h;
        h.Link.Reply($"{{\"type\":\"cancel_all_report\",\"requestId\":\"{rid}\",\"status\":\"done\",\"ids\":[\"{first}\"]}}");
        h.Link.Reply($"{{\"type\":\"cancel_all_report\",\"status\":\"accepted\",\"ids\":[\"{first}\"]}}");
        h.Link.Reply($"{{\"type\":\"cancel_all_report\",\"requestId\":\"{rid}\",\"status\":\"accepted\",\"affected\":-1}}");
        h.Link.Reply($"{{\"type\":\"cancel_all_report\",\"requestId\":\"{rid}\",\"status\":\"accepted\",\"ids\":[1]}}");
        h.Turn();
        Assert.Equal(4, h.Loop.Counters.Gateway.Unknown);
        Assert.Equal(CancelAllState.Sent, h.Session.CancelAll.State);
        Assert.Equal(2, h.Loop.InFlightCount);
    }

    [Fact]
    public void A_clean_stop_sends_cancel_all_and_waits_within_the_linger_for_its_report()
    {
        var h = new SessionHarness(open: false, gateway: new GatewayOptions { StaleAfterMs = 1000, HeartbeatMs = 200, AckTimeoutMs = 500, ShutdownLingerMs = 10_000 });
        h.Session.Start();
        var gateway = new Thread(() =>
        {
            while (h.Link.TryTakeSent(TimeSpan.FromSeconds(20)) is { } f)
            {
                using var doc = System.Text.Json.JsonDocument.Parse(f);
                if (doc.RootElement.GetProperty("type").GetString() != "cancel_all") continue;
                h.Link.Reply(Report(doc.RootElement.GetProperty("requestId").GetString()!));
                h.Transport.Wake();
                return;
            }
        });
        gateway.Start();
        var sw = System.Diagnostics.Stopwatch.StartNew();
        h.Session.Dispose();
        sw.Stop();
        Assert.True(gateway.Join(TimeSpan.FromSeconds(20)));
        var c = h.Session.CancelAll;
        Assert.Equal(CancelAllState.Accepted, c.State);
        Assert.Equal(0, c.Generation); // SAFE: no engagement behind it
        Assert.StartsWith("clean stop", c.Reason);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(9), $"the stop waited {sw.Elapsed} although the report came"); // the linger is 10 s
    }

    [Fact]
    public void A_clean_stop_whose_cancel_all_is_not_confirmed_ends_after_the_linger()
    {
        var h = new SessionHarness(open: false);
        h.Session.Start();
        var sw = System.Diagnostics.Stopwatch.StartNew();
        h.Session.Dispose();
        Assert.Equal(CancelAllState.Sent, h.Session.CancelAll.State);
        Assert.True(sw.Elapsed >= TimeSpan.FromMilliseconds(h.Gateway.ShutdownLingerMs), $"stopped after {sw.Elapsed}");
        Assert.True(sw.Elapsed < TimeSpan.FromMilliseconds(h.Gateway.ShutdownLingerMs) + TimeSpan.FromSeconds(5), $"stopped after {sw.Elapsed}");
    }

    [Fact]
    public void Without_cancelOnShutdown_a_clean_stop_sends_no_cancel_all()
    {
        var h = new SessionHarness(open: false, gateway: new GatewayOptions { StaleAfterMs = 1000, HeartbeatMs = 200, AckTimeoutMs = 500, ShutdownLingerMs = 300, CancelOnShutdown = false });
        h.Session.Start();
        h.Session.Dispose();
        Assert.Empty(h.SentOfType("cancel_all"));
        Assert.Equal(CancelAllState.None, h.Session.CancelAll.State);
    }
}
