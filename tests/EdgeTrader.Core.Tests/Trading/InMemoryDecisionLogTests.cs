using EdgeTrader.Trading;
using EdgeTrader.Trading.Risk;

namespace EdgeTrader.Tests.Trading;

/// <summary>The in-memory decisions log behaves like the journal: every record in order, and nothing once it failed.</summary>
public sealed class InMemoryDecisionLogTests
{
    static void WriteOneOfEach(InMemoryDecisionLog log)
    {
        var o = new Order { Seq = 1, SymbolId = 0, Side = Side.Sell, Qty = 0.5, Price = 1.2, TickSeq = 9 };
        log.Order(in o);
        log.RecoveredOrder("pi-1-3-000001", 0, Side.Buy, 0.1, 1.1, 1, 2);
        log.Denial(new OrderIntent { SymbolId = 0, Side = Side.Buy, Qty = 2, Price = 1.1 }, DenialCode.MaxQtyExceeded, 10, 3);
        log.OrderEvent(OrderEventType.Ack, 1, null, 4);
        log.OrderEvent(OrderEventType.GivenUp, "pi-1-3-000001", "why", 5, "reconcile");
        log.SendFailed(2, "refused", 6);
        log.Fill(1, 0, Side.Sell, 0.5, 1.2, -3, 7);
        log.Fill("pi-1-3-000001", 0, Side.Buy, 0.1, 1.1, 0, 8, "reconcile");
        log.Anomaly(AnomalyCode.Overfill, "too much", 9);
        log.Recovery(w => w.WriteString("mode", "warm"));
    }

    [Fact]
    public void Every_record_is_kept_in_order_with_its_fields()
    {
        var log = new InMemoryDecisionLog();
        WriteOneOfEach(log);
        Assert.Equal(["order", "order", "denial", "ack", "given_up", "reject", "fill", "fill", "anomaly", "recovery"], log.Records.Select(r => r.Type));
        Assert.Equal(10, log.Count);
        var r = log.Records;
        Assert.Equal((1L, Side.Sell, 0.5, 1.2, 9L, true), (r[0].Seq, r[0].Side, r[0].Qty, r[0].Price, r[0].TickSeq, r[0].Sent));
        Assert.Equal(("pi-1-3-000001", "recovered", Side.Buy), (r[1].Id, r[1].Via, r[1].Side));
        Assert.Equal((DenialCode.MaxQtyExceeded, "MAX_QTY_EXCEEDED", 10L, 2.0), (r[2].Code, r[2].Text, r[2].TickSeq, r[2].Qty));
        Assert.Equal((1L, (string?)null), (r[3].Seq, r[3].Text));
        Assert.Equal(("pi-1-3-000001", "why", "reconcile"), (r[4].Id, r[4].Text, r[4].Via));
        Assert.Equal((2L, "refused", false), (r[5].Seq, r[5].Text, r[5].Sent));
        Assert.Equal((1L, -3.0, Side.Sell), (r[6].Seq, r[6].Realized, r[6].Side));
        Assert.Equal(("pi-1-3-000001", "reconcile", 0.1), (r[7].Id, r[7].Via, r[7].Qty));
        Assert.Equal("OVERFILL: too much", r[8].Text);
        Assert.Equal("{\"mode\":\"warm\"}", r[9].Text);
        Assert.Single(log.OfType("denial"));
    }

    [Fact]
    public void Without_keeping_records_are_only_counted()
    {
        var log = new InMemoryDecisionLog(keep: false);
        WriteOneOfEach(log);
        Assert.Empty(log.Records);
        Assert.Equal(10, log.Count);
    }

    [Fact]
    public void A_failed_log_refuses_orders_and_keeps_nothing_more()
    {
        var log = new InMemoryDecisionLog();
        Assert.Null(log.Failure);
        log.Fail("disk gone");
        Assert.Equal("disk gone", log.Failure);
        WriteOneOfEach(log);
        Assert.False(log.Order(new Order { Seq = 3 }));
        Assert.False(log.RecoveredOrder("x", 0, Side.Buy, 1, 1, 1, 1));
        Assert.Empty(log.Records);
        Assert.Equal(0, log.Count);
    }

    [Fact]
    public void A_group_of_the_in_memory_log_holds_nothing()
    {
        var log = new InMemoryDecisionLog();
        using (log.Group()) log.Order(new Order { Seq = 1 });
        Assert.Single(log.Records);
    }

    [Fact]
    public void Records_that_name_no_symbol_carry_symbol_minus_one()
    {
        var log = new InMemoryDecisionLog();
        WriteOneOfEach(log);
        Assert.Equal([0, 0, 0, -1, -1, -1, 0, 0, -1, -1], log.Records.Select(r => r.SymbolId));
    }
}
