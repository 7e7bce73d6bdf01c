using System.Globalization;
using System.Text;
using EdgeTrader.Journal;
using EdgeTrader.Trading;

namespace EdgeTrader.Tests.Journal;

/// <summary>
/// The journal's meaning folded line by line: what each part of the journal (older than yesterday, yesterday,
/// today) contributes, and how it survives a checkpoint.
/// </summary>
public sealed class JournalStateTests
{
    static readonly DateOnly Today = new(2026, 11, 23);
    readonly SymbolTable _symbols = new(["EURUSD", "USDJPY"]);

    JournalState New() => new("pi-1", _symbols, 10, Today);

    static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
    static string Order(string id, string side = "BUY", double qty = 1, double price = 2, long time = 5, string symbol = "EURUSD", long orderTime = 0) =>
        Inv($"{{\"type\":\"order\",\"id\":\"{id}\",\"symbol\":\"{symbol}\",\"side\":\"{side}\",\"qty\":{qty},\"price\":{price}{(orderTime > 0 ? Inv($",\"orderTime\":{orderTime}") : "")},\"time\":{time}}}");
    static string Fill(string id, string side = "BUY", double qty = 1, double price = 2, double realized = 0, string symbol = "EURUSD", long time = 6) =>
        Inv($"{{\"type\":\"fill\",\"id\":\"{id}\",\"symbol\":\"{symbol}\",\"side\":\"{side}\",\"qty\":{qty},\"price\":{price},\"realized\":{realized},\"time\":{time}}}");
    static string Event(string type, string id, long time = 7) => $"{{\"type\":\"{type}\",\"id\":\"{id}\",\"time\":{time}}}";

    static void Apply(JournalState s, JournalPart part, DateOnly day, params string[] lines)
    {
        foreach (var l in lines) Assert.NotNull(s.Apply(Encoding.UTF8.GetBytes(l), part, day));
    }

    static RestoredJournal Result(JournalState s) => s.Result(new JournalReadStats(), null, TimeSpan.Zero, null);

    [Fact]
    public void The_last_journaled_price_of_each_symbol_is_kept_and_survives_a_checkpoint()
    {
        var s = New();
        Apply(s, JournalPart.Old, Today.AddDays(-2), Fill("pi-1-1-000001", price: 1.07), Fill("pi-1-1-000002", price: 150, symbol: "USDJPY"));
        Apply(s, JournalPart.Today, Today, Order("pi-1-2-000001", price: 1.0851), Order("pi-1-2-000002", price: 0, symbol: "USDJPY"));
        var r = Result(s);
        Assert.Equal([1.0851, 150], r.LastPrice);
        var back = JournalState.FromDto(s.ToDto(), _symbols, 10);
        Assert.Equal([1.0851, 150], Result(back).LastPrice);
        Assert.Equal([0.0, 0.0], Result(New()).LastPrice);
    }

    [Fact]
    public void The_part_of_a_file_is_today_yesterday_or_older()
    {
        var s = New();
        Assert.Equal(JournalPart.Today, s.PartOf(Today));
        Assert.Equal(JournalPart.Recent, s.PartOf(Today.AddDays(-1)));
        Assert.Equal(JournalPart.Old, s.PartOf(Today.AddDays(-2)));
    }

    [Fact]
    public void Older_than_yesterday_only_fills_count_yesterdays_orders_are_pending_but_no_trade_of_today()
    {
        var s = New();
        Apply(s, JournalPart.Old, Today.AddDays(-2), Order("pi-1-1-000001"), Event("ack", "pi-1-1-000001"), Fill("pi-1-1-000002", realized: -3), "{\"type\":\"start\",\"run\":1,\"time\":100}");
        Apply(s, JournalPart.Recent, Today.AddDays(-1), Order("pi-1-2-000001", qty: 2), Event("ack", "pi-1-2-000001"), Fill("pi-1-2-000001", qty: 0.5, realized: 4), "{\"type\":\"start\",\"run\":2,\"time\":50}");
        var r = Result(s);
        Assert.Equal(0, r.TradesToday);
        Assert.Equal(0, r.RealizedToday);
        Assert.Equal(0, r.LossStreak); // -3 then +4
        Assert.Equal(1.5, r.Net[0], 12);
        var p = Assert.Single(r.Pending);
        Assert.Equal(("pi-1-2-000001", true, 0.5, 1.5), (p.Id, p.Acked, p.FilledQty, p.Remaining));
        Assert.Equal(new Dictionary<long, long> { [2] = 1 }, r.MaxSeqByRun);
        Assert.Equal([2L], r.Runs);
        Assert.Equal(50, r.LastTimeMs); // the old part's times do not count
    }

    [Fact]
    public void Todays_orders_are_trades_and_its_fills_realise_the_days_pnl()
    {
        var s = New();
        Apply(s, JournalPart.Today, Today, Order("pi-1-3-000001"), Order("pi-1-3-000002", "SELL"), Fill("pi-1-3-000001", realized: -2), Fill("pi-1-3-000002", "SELL", realized: -1.5));
        var r = Result(s);
        Assert.Equal(2, r.TradesToday);
        Assert.Equal(-3.5, r.RealizedToday, 12);
        Assert.Equal(2, r.LossStreak);
        Assert.Empty(r.Pending);
        Assert.Equal(0, r.Net[0]);
        Assert.Equal(0, r.AvgPrice[0]);
    }

    [Fact]
    public void Todays_fills_realise_the_days_pnl_per_symbol_whose_sum_is_the_total_and_it_survives_a_checkpoint()
    {
        var s = New();
        Apply(s, JournalPart.Recent, Today.AddDays(-1), Fill("pi-1-2-000001", realized: 9));
        Apply(s, JournalPart.Today, Today, Fill("pi-1-3-000001", realized: -2), Fill("pi-1-3-000002", "SELL", realized: 1.25, symbol: "USDJPY"),
            Fill("pi-1-3-000003", "SELL", realized: -0.5));
        var r = Result(s);
        Assert.Equal([-2.5, 1.25], r.RealizedTodayBySymbol);
        Assert.Equal(r.RealizedTodayBySymbol.Sum(), r.RealizedToday, 12);
        Assert.Equal([-2.5, 1.25], Result(JournalState.FromDto(s.ToDto(), _symbols, 10)).RealizedTodayBySymbol);
        // A symbol no longer configured has no slot: its fills count in the total only.
        Apply(s, JournalPart.Today, Today, Fill("x", realized: -1, symbol: "GBPUSD"));
        Assert.Equal((-2.25, -2.5), (Result(s).RealizedToday, Result(s).RealizedTodayBySymbol[0]));
        s.RollTo(Today.AddDays(1));
        Assert.Equal([0.0, 0.0], Result(s).RealizedTodayBySymbol);
    }

    [Fact]
    public void A_send_failure_is_no_trade_of_the_day_it_was_counted_in_and_settles_the_order()
    {
        var s = New();
        Apply(s, JournalPart.Recent, Today.AddDays(-1), Order("pi-1-3-000001"));
        Apply(s, JournalPart.Today, Today, Order("pi-1-3-000002"), Order("pi-1-3-000003"),
            "{\"type\":\"reject\",\"id\":\"pi-1-3-000001\",\"sent\":false,\"time\":8}",
            "{\"type\":\"reject\",\"id\":\"pi-1-3-000002\",\"sent\":false,\"time\":8}",
            "{\"type\":\"reject\",\"id\":\"pi-1-3-000009\",\"sent\":false,\"time\":8}");
        var r = Result(s);
        Assert.Equal(1, r.TradesToday); // yesterday's order was not today's trade; an unknown id changes nothing
        Assert.Equal(["pi-1-3-000003"], r.Pending.Select(p => p.Id));
    }

    [Fact]
    public void A_partly_filled_order_stays_pending_until_its_quantity_is_filled()
    {
        var s = New();
        Apply(s, JournalPart.Today, Today, Order("pi-1-3-000001", qty: 1, price: 2), Fill("pi-1-3-000001", qty: 0.4, price: 2), Fill("pi-1-3-000001", qty: 0.3, price: 3));
        var p = Assert.Single(Result(s).Pending);
        Assert.Equal(0.7, p.FilledQty, 12);
        Assert.Equal(0.4 * 2 + 0.3 * 3, p.FilledNotional, 12);
        Apply(s, JournalPart.Today, Today, Fill("pi-1-3-000001", qty: 0.3 - 1e-10, price: 2));
        Assert.Empty(Result(s).Pending);
    }

    [Fact]
    public void A_fill_without_a_positive_quantity_or_a_finite_price_moves_nothing()
    {
        var s = New();
        Apply(s, JournalPart.Today, Today, Order("pi-1-3-000001"), Fill("pi-1-3-000001", qty: 0, realized: -5), Fill("pi-1-3-000001", qty: -1, realized: -5),
            "{\"type\":\"fill\",\"id\":\"pi-1-3-000001\",\"symbol\":\"EURUSD\",\"side\":\"BUY\",\"qty\":1,\"price\":1e400,\"realized\":-5,\"time\":6}");
        var r = Result(s);
        Assert.Equal((0.0, 0.0, 0), (r.Net[0], r.RealizedToday, r.LossStreak));
        Assert.Single(r.Pending);
    }

    [Fact]
    public void Fills_of_a_symbol_no_longer_configured_are_kept_by_name_with_their_sign_and_reported()
    {
        var s = New();
        Apply(s, JournalPart.Today, Today, Fill("x", "BUY", qty: 3, symbol: "GBPUSD"), Fill("y", "SELL", qty: 1, symbol: "GBPUSD"), Fill("z", "SELL", qty: 2, symbol: "AUDUSD"), Fill("w", "BUY", qty: 2, symbol: "AUDUSD"));
        var r = Result(s);
        Assert.Equal(2, r.OtherSymbols["GBPUSD"]);
        Assert.Equal(0, r.OtherSymbols["AUDUSD"]);
        Assert.Contains(r.Notes, n => n.Contains("symbol GBPUSD is not configured") && n.Contains("net position of 2"));
        Assert.DoesNotContain(r.Notes, n => n.Contains("AUDUSD")); // flat: nothing to report
    }

    [Fact]
    public void An_order_of_a_symbol_no_longer_configured_is_a_trade_but_not_restored()
    {
        var s = New();
        Apply(s, JournalPart.Today, Today, Order("pi-1-3-000004", symbol: "GBPUSD"));
        var r = Result(s);
        Assert.Equal(1, r.TradesToday);
        Assert.Empty(r.Pending);
        Assert.Equal(4, r.MaxSeqByRun[3]);
        Assert.Contains(r.Notes, n => n.Contains("order pi-1-3-000004: symbol GBPUSD is not configured"));
    }

    [Fact]
    public void Orders_of_another_node_are_counted_as_foreign_and_its_other_lines_are_not()
    {
        var s = New();
        Apply(s, JournalPart.Today, Today, Order("pi-2-3-000001"), Order("pi-2-3-000002"), Fill("pi-2-3-000001"), Event("ack", "pi-2-3-000001"), "{\"type\":\"order\",\"symbol\":\"EURUSD\",\"side\":\"BUY\",\"qty\":1,\"price\":2,\"time\":1}");
        var r = Result(s);
        Assert.Equal(2, r.ForeignIds);
        Assert.Contains(r.Notes, n => n.StartsWith("2 order line(s) carry an id of another node than 'pi-1'"));
        Assert.Empty(r.Pending);
        Assert.Equal(3, r.TradesToday);
        Assert.Equal(1, r.Net[0]); // its fill still moved the position
    }

    [Fact]
    public void The_highest_seq_per_run_and_the_orders_own_time_are_kept()
    {
        var s = New();
        Apply(s, JournalPart.Today, Today, Order("pi-1-3-000005"), Order("pi-1-3-000002", orderTime: 1234), Order("pi-1-4-000001"), Order("pi-1-3-000007", time: 99));
        var r = Result(s);
        Assert.Equal(new Dictionary<long, long> { [3] = 7, [4] = 1 }, r.MaxSeqByRun);
        Assert.Equal(["pi-1-3-000002", "pi-1-3-000005", "pi-1-3-000007", "pi-1-4-000001"], r.Pending.Select(p => p.Id)); // by run, then seq
        Assert.Equal(1234, r.Pending[0].TimeMs);
        Assert.Equal(5, r.Pending[1].TimeMs);
        Assert.Equal(99, r.LastTimeMs);
    }

    [Fact]
    public void Runs_are_the_start_lines_of_today_and_yesterday_with_a_run_number()
    {
        var s = New();
        Apply(s, JournalPart.Today, Today, "{\"type\":\"start\",\"run\":5,\"time\":1}", "{\"type\":\"start\",\"run\":0,\"time\":1}", "{\"type\":\"start\",\"time\":1}");
        Assert.Equal([5L], Result(s).Runs);
    }

    [Fact]
    public void The_last_line_decides_whether_the_last_run_stopped_cleanly_whatever_its_part()
    {
        var s = New();
        Assert.True(Result(s).LastRunStoppedCleanly); // no journal
        Apply(s, JournalPart.Today, Today, Order("pi-1-3-000001"));
        Assert.False(Result(s).LastRunStoppedCleanly);
        Apply(s, JournalPart.Today, Today, "{\"type\":\"stop\",\"run\":3,\"time\":1}");
        Assert.True(Result(s).LastRunStoppedCleanly);
        Apply(s, JournalPart.Old, Today.AddDays(-5), "{\"type\":\"denial\",\"time\":1}");
        Assert.False(Result(s).LastRunStoppedCleanly);
        Apply(s, JournalPart.Old, Today.AddDays(-5), "{ \"type\":\"stop\"}"); // parsed, not peeked
        Assert.True(Result(s).LastRunStoppedCleanly);
        Apply(s, JournalPart.Today, Today, "{\"type\":\"start\",\"run\":4,\"time\":1}");
        Assert.False(Result(s).LastRunStoppedCleanly);
    }

    [Fact]
    public void A_line_that_is_not_a_journal_line_is_refused_whatever_its_part()
    {
        var s = New();
        Assert.Null(s.Apply("{\"type\":\"fill\",\"qty\":\"x\"}"u8, JournalPart.Old, Today.AddDays(-3)));
        Assert.Null(s.Apply("{\"type\":\"order\",\"qty\":\"x\"}"u8, JournalPart.Today, Today));
        Assert.Null(s.Apply("not json"u8, JournalPart.Today, Today));
        Assert.Equal(JournalLineType.Other, s.Apply("{\"type\":\"denial\",\"qty\":\"x\"}"u8, JournalPart.Today, Today)); // not needed: not parsed
    }

    [Fact]
    public void Rolling_to_a_new_day_zeroes_the_days_counters_forgets_orders_older_than_yesterday_and_keeps_the_rest()
    {
        var s = New();
        Apply(s, JournalPart.Recent, Today.AddDays(-1), Order("pi-1-3-000001"));
        Apply(s, JournalPart.Today, Today, Order("pi-1-3-000002"), Fill("pi-1-3-000009", realized: -4));
        s.RollTo(Today);
        Assert.Equal(1, Result(s).TradesToday); // the same day: nothing changes
        s.RollTo(Today.AddDays(1));
        var r = Result(s);
        Assert.Equal((Today.AddDays(1), 0, 0.0, 1), (r.Day, r.TradesToday, r.RealizedToday, r.LossStreak));
        Assert.Equal(["pi-1-3-000002"], r.Pending.Select(p => p.Id));
        // Yesterday's order is no trade of the new day: a send failure of it now leaves the count alone.
        Apply(s, JournalPart.Today, Today.AddDays(1), "{\"type\":\"reject\",\"id\":\"pi-1-3-000002\",\"sent\":false,\"time\":8}");
        Assert.Equal(0, Result(s).TradesToday);
        Assert.Equal(1, r.Net[0]);
    }

    [Fact]
    public void Feeding_lines_of_a_later_day_rolls_to_it_first_and_an_earlier_days_lines_are_yesterdays()
    {
        var s = New();
        s.Feed(Encoding.UTF8.GetBytes(Order("pi-1-3-000001") + "\n\n" + Fill("pi-1-3-000001", qty: 0.5, realized: -1) + "\n"), Today);
        Assert.Equal((1, -1.0), (Result(s).TradesToday, Result(s).RealizedToday));
        s.Feed(Encoding.UTF8.GetBytes(Order("pi-1-3-000002")), Today.AddDays(1)); // no final newline: still a line
        var r = Result(s);
        Assert.Equal((Today.AddDays(1), 1, 0.0), (r.Day, r.TradesToday, r.RealizedToday));
        s.Feed(Encoding.UTF8.GetBytes(Order("pi-1-3-000003") + "\n"), Today); // late lines of the day before
        r = Result(s);
        Assert.Equal(1, r.TradesToday);
        Assert.Equal(["pi-1-3-000001", "pi-1-3-000002", "pi-1-3-000003"], r.Pending.Select(p => p.Id));
    }

    [Fact]
    public void A_checkpoint_keeps_every_part_of_the_meaning()
    {
        var s = New();
        Apply(s, JournalPart.Recent, Today.AddDays(-1), Order("pi-1-2-000004", "SELL", qty: 2, price: 3, symbol: "USDJPY"), "{\"type\":\"start\",\"run\":2,\"time\":1}");
        Apply(s, JournalPart.Today, Today, Order("pi-1-3-000001"), Event("ack", "pi-1-3-000001"), Fill("pi-1-3-000001", qty: 0.5, price: 2, realized: -1),
            Fill("x", qty: 2, symbol: "GBPUSD"), "{\"type\":\"start\",\"run\":3,\"time\":77}");
        var before = Result(s);
        var dto = s.ToDto();
        Assert.Equal(["EURUSD", "GBPUSD"], dto.Positions.Select(p => p.Symbol)); // flat symbols are not written
        var after = Result(JournalState.FromDto(dto, _symbols, 10));
        Assert.Equal((before.Day, before.TradesToday, before.RealizedToday, before.LossStreak, before.LastTimeMs, before.LastRunStoppedCleanly),
            (after.Day, after.TradesToday, after.RealizedToday, after.LossStreak, after.LastTimeMs, after.LastRunStoppedCleanly));
        Assert.Equal(before.Net, after.Net);
        Assert.Equal(before.AvgPrice, after.AvgPrice);
        Assert.Equal(before.OtherSymbols, after.OtherSymbols);
        Assert.Equal(before.MaxSeqByRun, after.MaxSeqByRun);
        Assert.Equal(before.Runs.Order(), after.Runs.Order());
        Assert.Equal(before.Pending.Select(p => (p.Id, p.Run, p.Seq, p.SymbolId, p.Side, p.Qty, p.Price, p.TimeMs, p.FilledQty, p.FilledNotional, p.Acked)),
            after.Pending.Select(p => (p.Id, p.Run, p.Seq, p.SymbolId, p.Side, p.Qty, p.Price, p.TimeMs, p.FilledQty, p.FilledNotional, p.Acked)));
        // A send failure of today's order after the checkpoint still takes its trade off: "counted today" is kept.
        var cont = JournalState.FromDto(dto, _symbols, 10);
        Apply(cont, JournalPart.Today, Today, "{\"type\":\"reject\",\"id\":\"pi-1-3-000001\",\"sent\":false,\"time\":8}", "{\"type\":\"reject\",\"id\":\"pi-1-2-000004\",\"sent\":false,\"time\":8}");
        Assert.Equal(0, Result(cont).TradesToday);
    }

    [Fact]
    public void A_checkpoint_whose_fields_do_not_fit_is_refused_and_a_symbol_no_longer_configured_is_noted()
    {
        var s = New();
        Apply(s, JournalPart.Today, Today, Order("pi-1-3-000001", symbol: "USDJPY"));
        var dto = s.ToDto();
        var fewer = new SymbolTable(["EURUSD"]);
        var r = JournalState.FromDto(dto, fewer, 10).Result(new JournalReadStats(), null, TimeSpan.Zero, null);
        Assert.Empty(r.Pending);
        Assert.Contains(r.Notes, n => n.Contains("pending order pi-1-3-000001 of a symbol no longer configured"));
        dto.Pending[0].Side = "buy";
        Assert.Equal("side 'buy'", Assert.Throws<FormatException>(() => JournalState.FromDto(dto, _symbols, 10)).Message);
        dto.Pending[0].Side = "SELL";
        Assert.Equal(Side.Sell, JournalState.FromDto(dto, _symbols, 10).Result(new JournalReadStats(), null, TimeSpan.Zero, null).Pending[0].Side);
        dto.MaxSeq.Add([3]);
        Assert.Equal("maxSeq entries are [run, seq]", Assert.Throws<FormatException>(() => JournalState.FromDto(dto, _symbols, 10)).Message);
        dto.MaxSeq[^1] = [3, 4, 5];
        Assert.Throws<FormatException>(() => JournalState.FromDto(dto, _symbols, 10));
        dto.MaxSeq.RemoveAt(dto.MaxSeq.Count - 1);
        dto.Day = "23.11.2026";
        Assert.Throws<FormatException>(() => JournalState.FromDto(dto, _symbols, 10));
    }

    [Fact]
    public void A_flat_position_in_a_checkpoint_has_no_average()
    {
        var s = New();
        var dto = s.ToDto();
        dto.Positions.Add(new JournalPositionDto { Symbol = "EURUSD", Net = 0, Avg = 5 });
        dto.Positions.Add(new JournalPositionDto { Symbol = "USDJPY", Net = 1, Avg = 5 });
        var r = JournalState.FromDto(dto, _symbols, 10).Result(new JournalReadStats(), null, TimeSpan.Zero, null);
        Assert.Equal([0.0, 1.0], r.Net);
        Assert.Equal([0.0, 5.0], r.AvgPrice);
    }

    [Fact]
    public void The_result_says_how_the_reading_went_and_continues_only_a_reading_without_a_problem()
    {
        var s = New();
        Apply(s, JournalPart.Today, Today, Fill("pi-1-3-000001", qty: 1e-10));
        var stats = new JournalReadStats { Files = 2, Bytes = 300, Lines = 4, BadLines = 1, DamagedLines = 3, TornBytes = 17 };
        stats.Notes.Add("a note of the reading");
        s.Note("a note of the state");
        var r = s.Result(stats, null, TimeSpan.FromMilliseconds(5), "journal-2026-11-23.jsonl @ 10", clockBehind: true);
        Assert.Equal((2, 300L, 4L, 3L, 17L), (r.Files, r.Bytes, r.Lines, r.BadLines, r.TornBytesRemoved));
        Assert.Equal(["a note of the state", "a note of the reading"], r.Notes);
        Assert.Equal((TimeSpan.FromMilliseconds(5), "journal-2026-11-23.jsonl @ 10", true), (r.Elapsed, r.FromCheckpoint, r.ClockBehindJournal));
        Assert.Equal(0, r.Net[0]); // a dust position is flat
        Assert.Equal(0, r.AvgPrice[0]);
        Assert.NotNull(r.CreateCheckpointer(Path.GetTempPath(), TimeSpan.FromSeconds(1)));
        var bad = s.Result(stats, "unreadable", TimeSpan.Zero, null);
        Assert.Equal("unreadable", bad.Problem);
        Assert.Null(bad.Continuation); // a reading with a problem carries no state on
        Assert.Null(bad.CreateCheckpointer(Path.GetTempPath(), TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void More_send_failures_than_orders_never_make_the_day_negative()
    {
        var s = New();
        var dto = s.ToDto();
        dto.Trades = -2;
        Assert.Equal(0, JournalState.FromDto(dto, _symbols, 10).Result(new JournalReadStats(), null, TimeSpan.Zero, null).TradesToday);
    }

    [Fact]
    public void Rolling_on_a_send_failure_of_the_day_before_leaves_the_new_days_trades_alone()
    {
        var s = New();
        Apply(s, JournalPart.Today, Today, Order("pi-1-3-000001"));
        s.RollTo(Today.AddDays(1));
        Apply(s, JournalPart.Today, Today.AddDays(1), Order("pi-1-3-000002"),
            "{\"type\":\"reject\",\"id\":\"pi-1-3-000001\",\"sent\":false,\"time\":8}");
        var r = Result(s);
        Assert.Equal(1, r.TradesToday); // the order of the day before was not counted in the new day
        Assert.Equal(["pi-1-3-000002"], r.Pending.Select(p => p.Id));
    }

    [Fact]
    public void Fed_lines_after_an_empty_first_line_are_each_applied()
    {
        var s = New();
        s.Feed(Encoding.UTF8.GetBytes("\n" + Order("pi-1-3-000001") + "\n" + Order("pi-1-3-000002") + "\n"), Today);
        var r = Result(s);
        Assert.Equal(2, r.TradesToday);
        Assert.Equal(["pi-1-3-000001", "pi-1-3-000002"], r.Pending.Select(p => p.Id));
    }

    [Fact]
    public void The_last_time_is_of_today_and_yesterday_only_a_later_fill_older_than_yesterday_does_not_move_it()
    {
        var s = New();
        Apply(s, JournalPart.Recent, Today.AddDays(-1), "{\"type\":\"start\",\"run\":2,\"time\":50}");
        Apply(s, JournalPart.Old, Today.AddDays(-2), Fill("pi-1-1-000001", time: 1000));
        Assert.Equal(50, Result(s).LastTimeMs);
        Assert.Equal(1, Result(s).Net[0]); // the fill itself counts
    }

    [Fact]
    public void An_order_older_than_yesterday_is_neither_pending_nor_a_seq_even_when_it_must_be_parsed()
    {
        var s = New();
        // Not in the writer's form: its type is not peeked, the line is parsed.
        Apply(s, JournalPart.Old, Today.AddDays(-2), "{ \"type\":\"order\",\"id\":\"pi-1-1-000004\",\"symbol\":\"EURUSD\",\"side\":\"BUY\",\"qty\":1,\"price\":2,\"time\":5}");
        var r = Result(s);
        Assert.Empty(r.Pending);
        Assert.Empty(r.MaxSeqByRun);
        Assert.Equal(0, r.TradesToday);
    }

    [Fact]
    public void The_highest_seq_of_a_run_is_kept_when_a_lower_one_comes_later()
    {
        var s = New();
        Apply(s, JournalPart.Today, Today, Order("pi-1-3-000005"), Order("pi-1-3-000002"));
        Assert.Equal(new Dictionary<long, long> { [3] = 5 }, Result(s).MaxSeqByRun);
    }

    [Fact]
    public void A_fill_within_epsilon_of_the_quantity_included_settles_the_order()
    {
        var s = New();
        Apply(s, JournalPart.Today, Today, Order("pi-1-3-000001", qty: 1), Fill("pi-1-3-000001", qty: 1 - 1e-9));
        Assert.Empty(Result(s).Pending);
    }

    [Fact]
    public void A_position_of_epsilon_is_a_position_and_below_it_is_dust_for_configured_and_other_symbols_alike()
    {
        var dto = New().ToDto();
        dto.Positions.Add(new JournalPositionDto { Symbol = "EURUSD", Net = 1e-9, Avg = 5 });
        dto.Positions.Add(new JournalPositionDto { Symbol = "USDJPY", Net = -0.9e-9, Avg = 5 });
        dto.Positions.Add(new JournalPositionDto { Symbol = "GBPUSD", Net = 1e-9, Avg = 0 });
        dto.Positions.Add(new JournalPositionDto { Symbol = "AUDUSD", Net = -0.9e-9, Avg = 0 });
        var r = JournalState.FromDto(dto, _symbols, 10).Result(new JournalReadStats(), null, TimeSpan.Zero, null);
        Assert.Equal([1e-9, 0.0], r.Net);
        Assert.Equal([5.0, 0.0], r.AvgPrice);
        Assert.Contains(r.Notes, n => n.Contains("symbol GBPUSD is not configured") && n.Contains("net position of 1E-09"));
        Assert.DoesNotContain(r.Notes, n => n.Contains("AUDUSD"));
    }
}
