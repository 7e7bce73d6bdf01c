using EdgeTrader.Configuration;
using EdgeTrader.Session;
using EdgeTrader.Trading;

namespace EdgeTrader.Tests.Session;

/// <summary>Bounded staleness under overload: what the loop acts on when ticks queue up, and that every tick is accounted for.</summary>
public sealed class TickIntakeTests
{
    static SessionHarness Harness(string[]? symbols = null, int maxTickAgeMs = 0) =>
        new(dryRun: true, symbols: symbols ?? ["EURUSD", "GBPUSD"],
            risk: new RiskOptions { MaxOrdersPerSecond = 1_000_000, MaxPosition = 1e9, MaxLossStreak = 0, MaxDailyLoss = 1e15, MaxTradesPerDay = int.MaxValue, MaxTickAgeMs = maxTickAgeMs });

    static void AssertAccounted(TradingCounters c) =>
        Assert.Equal(c.Ticks, c.Accepted + c.DroppedTotal + c.Conflated);

    [Fact]
    public void Not_behind_every_tick_is_acted_on_in_order()
    {
        using var h = Harness();
        for (int i = 0; i < TickIntake.FreshWindow; i++) h.Transport.Feed.Publish(h.Tick());
        h.Turn();
        var c = h.Loop.Counters;
        Assert.Equal(TickIntake.FreshWindow, c.Accepted);
        Assert.Equal(0, c.Conflated);
        Assert.Equal(TickIntake.FreshWindow, c.Orders);
        AssertAccounted(c);
    }

    [Fact]
    public void Behind_the_newest_window_is_acted_on_and_older_ticks_of_the_same_symbol_are_conflated_by_symbol()
    {
        using var h = Harness();
        const int n = 5_000;
        for (int i = 1; i <= n; i++) h.Transport.Feed.Publish(h.Tick(seq: i));
        h.Turn();
        var c = h.Loop.Counters;
        Assert.Equal(n, c.Ticks);
        Assert.Equal(TickIntake.FreshWindow, c.Accepted);
        Assert.Equal(n - TickIntake.FreshWindow, c.ConflatedFor(0));
        Assert.Equal(0, c.ConflatedFor(1));
        AssertAccounted(c);
        // The orders are on the newest ticks, in order, and conflation is not a gap in the feed.
        var tickSeqs = h.Log.OfType("order").Select(o => o.TickSeq).ToList();
        Assert.Equal(Enumerable.Range(n - TickIntake.FreshWindow + 1, TickIntake.FreshWindow).Select(i => (long)i), tickSeqs);
        Assert.Equal((0L, 0L), c.Gaps);
    }

    [Fact]
    public void Conflation_over_several_turns_is_not_a_gap_in_the_feed_but_a_real_gap_is()
    {
        using var h = Harness(symbols: ["EURUSD"]);
        long seq = 0;
        for (int turn = 0; turn < 3; turn++)
        {
            for (int i = 0; i < 1_000; i++) h.Transport.Feed.Publish(h.Tick(seq: ++seq));
            h.Turn();
        }
        Assert.Equal(3 * (1_000 - TickIntake.FreshWindow), h.Loop.Counters.Conflated);
        Assert.Equal((0L, 0L), h.Loop.Counters.Gaps);
        h.Feed(h.Tick(seq: seq + 10)); // the bridge skipped 9 ticks
        Assert.Equal((1L, 9L), h.Loop.Counters.Gaps);
    }

    [Fact]
    public void A_symbols_newest_tick_is_never_conflated_even_far_behind_the_window()
    {
        using var h = Harness();
        h.Transport.Feed.Publish(h.Tick(symbol: "GBPUSD", bid: 1.3, ask: 1.3001));
        h.Transport.Feed.Publish(h.Tick(symbol: "GBPUSD", bid: 1.31, ask: 1.3101));
        for (int i = 0; i < 2_000; i++) h.Transport.Feed.Publish(h.Tick());
        h.Turn();
        var c = h.Loop.Counters;
        Assert.Equal(1, c.ConflatedFor(1));             // the first GBPUSD tick, superseded by the second
        Assert.Equal(2_000 - TickIntake.FreshWindow, c.ConflatedFor(0));
        Assert.Equal(TickIntake.FreshWindow + 1, c.Accepted);
        var gbp = Assert.Single(h.Log.OfType("order"), o => o.SymbolId == 1);
        Assert.Equal(1.3101, gbp.Price, 9);               // acted on its newest tick
        Assert.Equal(1, h.Log.OfType("order").First().SymbolId); // older than the window: acted on first
        AssertAccounted(c);
    }

    [Fact]
    public void Ticks_held_up_longer_than_the_hold_budget_give_way_to_the_newest_of_their_symbol()
    {
        using var h = Harness();
        for (int i = 1; i <= 100; i++) h.Transport.Feed.Publish(h.Tick(seq: i));
        h.Transport.Feed.Publish(h.Tick(symbol: "GBPUSD", seq: 101));
        int acted = 0;
        h.Loop.BetweenGates = () => { if (++acted == 10) h.Time.Advance(TickIntake.HoldBudget + TimeSpan.FromMilliseconds(1)); }; // the thread is held up
        h.Turn();
        var c = h.Loop.Counters;
        Assert.Equal(89, c.ConflatedFor(0));        // EURUSD 11..99 waited too long behind newer EURUSD ticks
        Assert.Equal(0, c.ConflatedFor(1));         // GBPUSD's only tick is its newest: acted on however late
        Assert.Equal([1L, 2, 3, 4, 5, 6, 7, 8, 9, 10, 100, 101], h.Log.OfType("order").Select(o => o.TickSeq));
        AssertAccounted(c);
    }

    [Fact]
    public void Invalid_payloads_in_a_backlog_are_dropped_by_reason_not_conflated()
    {
        using var h = Harness();
        for (int i = 0; i < 1_000; i++)
        {
            h.Transport.Feed.Publish(h.Tick());
            h.Transport.Feed.Publish("{\"symbol\":\"EURUSD\",\"bid\":1.2,\"ask\":1.1,\"time\":1}");
            h.Transport.Feed.Publish(Array.Empty<byte>());
        }
        h.Turn();
        var c = h.Loop.Counters;
        Assert.Equal(1_000, c.DroppedFor(TickDropReason.CrossedQuote));
        Assert.Equal(1_000, c.DroppedFor(TickDropReason.EmptyFrame));
        Assert.Equal(1_000 - TickIntake.FreshWindow, c.Conflated);
        AssertAccounted(c);
    }

    [Fact]
    public void A_stale_tick_is_never_acted_on_whatever_its_place_in_the_batch()
    {
        using var h = Harness(maxTickAgeMs: 100);
        h.Transport.Feed.Publish(h.Tick(symbol: "GBPUSD", time: h.NowMs - 101));
        for (int i = 0; i < 10; i++) h.Transport.Feed.Publish(h.Tick(time: h.NowMs - (i % 2 == 0 ? 500 : 0)));
        h.Turn();
        var c = h.Loop.Counters;
        Assert.Equal(6, c.DroppedFor(TickDropReason.Stale));
        Assert.Equal(5, c.Orders);
        Assert.DoesNotContain(h.Log.OfType("order"), o => o.SymbolId == 1);
        AssertAccounted(c);
    }

    [Fact]
    public void A_drain_takes_at_most_MaxDrain_payloads_per_turn_and_acts_only_once_caught_up()
    {
        using var h = Harness(symbols: ["EURUSD"]);
        int n = TickIntake.MaxDrain + 10;
        for (int i = 1; i <= n; i++) h.Transport.Feed.Publish(h.Tick(seq: i));
        h.Turn();
        Assert.Equal(TickIntake.MaxDrain, h.Loop.Counters.Ticks);
        Assert.Equal(0, h.Loop.Counters.Accepted); // more was waiting: nothing read so far was the newest
        h.Turn();
        Assert.Equal(n, h.Loop.Counters.Ticks);
        Assert.Equal(TickIntake.FreshWindow, h.Loop.Counters.Accepted);
        Assert.Equal(n, h.Log.OfType("order").Last().TickSeq);
        AssertAccounted(h.Loop.Counters);
    }

    [Fact]
    public void A_malformed_newest_payload_of_a_symbol_never_supersedes_its_valid_older_tick()
    {
        using var h = Harness();
        h.Transport.Feed.Publish(h.Tick(symbol: "GBPUSD", bid: 1.3, ask: 1.3001));
        h.Transport.Feed.Publish(h.Tick(symbol: "GBPUSD", bid: 1.4, ask: 1.3)); // crossed, in the canonical shape
        for (int i = 0; i < 2_000; i++) h.Transport.Feed.Publish(h.Tick());
        h.Turn();
        var c = h.Loop.Counters;
        Assert.Equal(1, c.DroppedFor(TickDropReason.CrossedQuote)); // parsed, since nothing valid of its symbol is newer
        Assert.Equal(0, c.ConflatedFor(1));
        var gbp = Assert.Single(h.Log.OfType("order"), o => o.SymbolId == 1);
        Assert.Equal(1.3001, gbp.Price, 9); // the valid older tick is acted on
        AssertAccounted(c);
    }

    [Fact]
    public void A_malformed_payload_older_than_a_valid_tick_of_its_symbol_is_conflated_unparsed()
    {
        using var h = Harness();
        h.Transport.Feed.Publish(h.Tick(symbol: "GBPUSD", bid: 1.4, ask: 1.3)); // crossed, in the canonical shape
        h.Transport.Feed.Publish(h.Tick(symbol: "GBPUSD", bid: 1.3, ask: 1.3001));
        for (int i = 0; i < 2_000; i++) h.Transport.Feed.Publish(h.Tick());
        h.Turn();
        var c = h.Loop.Counters;
        Assert.Equal(0, c.DroppedFor(TickDropReason.CrossedQuote)); // never read: a valid newer tick superseded it
        Assert.Equal(1, c.ConflatedFor(1));
        Assert.Equal(1.3001, Assert.Single(h.Log.OfType("order"), o => o.SymbolId == 1).Price, 9);
        AssertAccounted(c);
    }

    [Fact]
    public void A_gap_among_payloads_conflated_unparsed_is_still_a_gap()
    {
        using var h = Harness(symbols: ["EURUSD"]);
        for (int i = 1; i <= 2_000; i++) if (i != 500) h.Transport.Feed.Publish(h.Tick(seq: i));
        h.Turn();
        Assert.Equal(1_999 - TickIntake.FreshWindow, h.Loop.Counters.Conflated);
        Assert.Equal((1L, 1L), h.Loop.Counters.Gaps);
    }

    [Fact]
    public void A_turn_larger_than_the_payload_arena_is_read_in_parts_and_still_acts_on_the_newest_window()
    {
        using var h = Harness(symbols: ["EURUSD"]);
        string pad = new('x', 3_000); // ~3 kB ticks: the arena holds a few hundred of them
        const int n = 2_000;
        for (int i = 1; i <= n; i++)
        {
            string t = h.Tick(seq: i);
            h.Transport.Feed.Publish(t.Insert(t.IndexOf(",\"seq\"", StringComparison.Ordinal), $",\"pad\":\"{pad}\""));
        }
        h.Turn();
        var c = h.Loop.Counters;
        Assert.Equal(n, c.Ticks);
        Assert.Equal(n - TickIntake.FreshWindow, c.Conflated);
        Assert.Equal(Enumerable.Range(n - TickIntake.FreshWindow + 1, TickIntake.FreshWindow).Select(i => (long)i), h.Log.OfType("order").Select(o => o.TickSeq));
        Assert.Equal((0L, 0L), c.Gaps);
        AssertAccounted(c);
    }

    [Fact]
    public void Whatever_the_mix_each_symbols_newest_valid_tick_is_acted_on_and_nothing_invalid_is()
    {
        var rnd = new Random(4242);
        string[] symbols = ["EURUSD", "GBPUSD", "USDJPY"];
        for (int round = 0; round < 20; round++)
        {
            using var h = Harness(symbols: symbols);
            int n = rnd.Next(1, 3_000);
            var newestValid = new long[symbols.Length];
            long seq = 0;
            for (int i = 0; i < n; i++)
            {
                int s = rnd.Next(symbols.Length);
                bool crossed = rnd.Next(5) == 0;
                string t = h.Tick(symbol: symbols[s], bid: crossed ? 1.3 : 1.1, ask: crossed ? 1.2 : 1.1001, seq: ++seq);
                if (rnd.Next(20) == 0) t = " " + t; // not canonical: parsed in full
                if (!crossed) newestValid[s] = seq;
                h.Transport.Feed.Publish(t);
            }
            h.Turn();
            var c = h.Loop.Counters;
            AssertAccounted(c);
            Assert.Equal(n, c.Ticks);
            var orders = h.Log.OfType("order").ToList();
            Assert.All(orders, o => Assert.True(o.Price < 1.15, $"{o.Price}")); // a crossed tick (1.3/1.2) is never acted on
            for (int s = 0; s < symbols.Length; s++)
            {
                if (newestValid[s] > 0) Assert.Contains(orders, o => o.SymbolId == s && o.TickSeq == newestValid[s]);
            }
        }
    }
}
