using System.Text;
using EdgeTrader.Trading;

namespace EdgeTrader.Tests.Trading;

/// <summary>
/// Every payload taken in is accounted for exactly once: dropped by reason, conflated by symbol, or acted on; the
/// feed's sequence is followed in arrival order.
/// </summary>
public sealed class TradingLoopIntakeTests
{
    readonly LoopHarness _h = new(symbols: ["EURUSD", "USDJPY"]);

    /// <summary>Takes one payload in as the intake does: parsed by the loop's parser, then counted once.</summary>
    bool Accept(string payload, out Tick tick)
    {
        if (!_h.Loop.Parser.TryParse(Encoding.UTF8.GetBytes(payload), _h.NowMs, out tick, out var reason))
        {
            _h.Loop.OnDropped(reason);
            return false;
        }
        _h.Loop.OnTakenIn(in tick);
        return true;
    }

    [Fact]
    public void A_payload_taken_in_is_counted_parsed_and_not_acted_on_until_it_is_given_back()
    {
        Assert.True(Accept(_h.Json(), out var tick));
        Assert.Equal(1, _h.Loop.Counters.Ticks);
        Assert.Equal(0, _h.Loop.Counters.Accepted);
        Assert.Empty(_h.Sink.Sent);
        Assert.Equal(TickOutcome.OrderSent, _h.Loop.OnAcceptedTick(in tick));
        Assert.Equal(1, _h.Loop.Counters.Accepted);
        Assert.Single(_h.Sink.Sent);
        Assert.Equal(1, _h.Loop.Counters.Ticks); // given back, not received again
    }

    [Fact]
    public void A_payload_that_is_no_tick_is_counted_by_its_drop_reason()
    {
        Assert.False(Accept("{\"symbol\":\"EURUSD\"", out _));
        Assert.False(Accept("", out _));
        Assert.Equal(2, _h.Loop.Counters.Ticks);
        Assert.Equal(1, _h.Loop.Counters.DroppedFor(TickDropReason.Malformed));
        Assert.Equal(1, _h.Loop.Counters.DroppedFor(TickDropReason.EmptyFrame));
        Assert.Equal(2, _h.Loop.Counters.DroppedTotal);
    }

    [Fact]
    public void A_superseded_tick_is_counted_for_its_symbol_and_never_acted_on()
    {
        Assert.True(Accept(_h.Json(symbol: "USDJPY", bid: 150, ask: 150.01), out var older));
        Assert.True(Accept(_h.Json(symbol: "USDJPY", bid: 150, ask: 150.02), out var newer));
        Assert.True(Accept(_h.Json(symbol: "EURUSD"), out var other));
        _h.Loop.OnConflated(in older);
        _h.Loop.OnConflated(in other);
        _h.Loop.OnConflated(in older);
        Assert.Equal(1, _h.Loop.Counters.ConflatedFor(0));
        Assert.Equal(2, _h.Loop.Counters.ConflatedFor(1));
        Assert.Equal(3, _h.Loop.Counters.Conflated);
        Assert.Empty(_h.Sink.Sent);
        Assert.Equal(3, _h.Loop.Counters.Ticks);
        Assert.Equal(TickOutcome.OrderSent, _h.Loop.OnAcceptedTick(in newer));
        Assert.Equal(1, _h.Sink.Sent.Single().SymbolId);
    }

    [Fact]
    public void The_sequence_is_followed_in_arrival_order_so_a_conflated_tick_is_no_gap()
    {
        Assert.True(Accept(_h.Json(seq: 10), out var a));
        Assert.True(Accept(_h.Json(seq: 11), out var b));
        _h.Loop.OnConflated(in a);
        _h.Loop.OnAcceptedTick(in b);
        Assert.Equal((0L, 0L), _h.Loop.Counters.Gaps);
        Assert.True(Accept(_h.Json(seq: 15), out _));
        Assert.Equal((1L, 3L), _h.Loop.Counters.Gaps);
    }

    [Fact]
    public void A_feed_whose_numbering_goes_back_is_a_restart_followed_from_there()
    {
        _h.Feed(_h.Json(seq: 5));
        _h.Feed(_h.Json(seq: 6));
        _h.Feed(_h.Json(seq: 2)); // the bridge restarted its numbering
        Assert.Equal(1, _h.Loop.Counters.SeqRestarts);
        _h.Feed(_h.Json(seq: 3));
        Assert.Equal((0L, 0L), _h.Loop.Counters.Gaps);
        _h.Feed(_h.Json(seq: 3)); // the same number again is a restart too, not a gap
        Assert.Equal(2, _h.Loop.Counters.SeqRestarts);
        _h.Feed(_h.Json(seq: 0)); // no seq: not tracked
        _h.Feed(_h.Json(seq: 5));
        Assert.Equal((1L, 1L), _h.Loop.Counters.Gaps);
    }

    [Fact]
    public void A_tick_from_an_in_process_feed_is_counted_tracked_and_processed()
    {
        var t = new Tick { SymbolId = 0, Bid = 1.0850, Ask = 1.0851, TimeMs = _h.NowMs, Seq = 4 };
        Assert.Equal(TickOutcome.OrderSent, _h.Loop.OnTick(in t));
        t.Seq = 7;
        _h.Loop.OnTick(in t);
        Assert.Equal(2, _h.Loop.Counters.Ticks);
        Assert.Equal(2, _h.Loop.Counters.Accepted);
        Assert.Equal((1L, 2L), _h.Loop.Counters.Gaps);
    }

    [Fact]
    public void The_order_seq_advances_with_every_journaled_order_even_one_the_transport_refused()
    {
        _h.Tick();
        Assert.Equal(1, _h.Loop.LastOrderSeq);
        _h.Sink.Refuse = true;
        Assert.Equal(TickOutcome.SendFailed, _h.Tick());
        Assert.Equal(2, _h.Loop.LastOrderSeq); // journaled, so its id is used
        var refused = Assert.Single(_h.Log.Records, r => r.Type == "reject");
        Assert.Equal((2L, false), (refused.Seq, refused.Sent));
        _h.Sink.Refuse = false;
        _h.Log.Fail("disk gone");
        _h.Tick();
        Assert.Equal(2, _h.Loop.LastOrderSeq); // not journaled: not used
        _h.Tick();
        Assert.Equal([1L], _h.Sink.Sent.Select(o => o.Seq));
    }
}
