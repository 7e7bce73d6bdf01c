using System.Text.RegularExpressions;
using EdgeTrader.KillSwitch;
using EdgeTrader.Status;

namespace EdgeTrader.Tests.Status;

public partial class MetricsExpositionTests
{
    static string Render(StatusSnapshot s, bool trading = true) => System.Text.Encoding.UTF8.GetString(MetricsExposition.Render(s, trading));

    static double Value(string text, string series)
    {
        var line = text.Split('\n').SingleOrDefault(l => l.StartsWith(series + " ", StringComparison.Ordinal))
            ?? throw new Xunit.Sdk.XunitException($"no sample {series}");
        return double.Parse(line[(series.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public void The_breaker_gauge_is_0_while_safe_and_1_while_engaged()
    {
        Assert.Equal(0, Value(Render(Snapshots.Sample()), "edgetrader_breaker_engaged"));
        var engaged = Render(Snapshots.Sample(Snapshots.Engaged()));
        Assert.Equal(1, Value(engaged, "edgetrader_breaker_engaged"));
        Assert.Equal(3, Value(engaged, "edgetrader_breaker_generation"));
        Assert.Equal(Snapshots.At.AddSeconds(-2).ToUnixTimeSeconds(), Value(engaged, "edgetrader_breaker_since_timestamp_seconds"));
        Assert.Equal(1, Value(engaged, "edgetrader_breaker_info{state=\"ENGAGED\",source=\"cli\",reason=\"operator: test\",identity=\"edge-1 #3\",engagement=\"edge-1:00c0ffee00c0ffee:3\"}"));
        Assert.Equal(1, Value(engaged, "edgetrader_breaker_latch_saved"));
        Assert.Equal(0, Value(Render(Snapshots.Sample() with { LatchProblem = "disk full" }), "edgetrader_breaker_latch_saved"));
    }

    [Fact]
    public void Without_trading_shown_no_position_or_PnL_family_is_written_and_everything_else_is()
    {
        var hidden = Render(Snapshots.Sample(), trading: false);
        var shown = Render(Snapshots.Sample(), trading: true);
        foreach (var family in new[] { "edgetrader_position_net_lots", "edgetrader_position_average_price", "edgetrader_pnl_unrealized", "edgetrader_pnl_realized_today",
                     "edgetrader_pnl_realized_today_by_symbol" })
        {
            Assert.Contains($"# TYPE {family} gauge", shown);
            Assert.DoesNotContain(family, hidden);
        }
        Assert.DoesNotContain("EURUSD", hidden);
        // Everything else is the same.
        static IEnumerable<string> Rest(string text) => text.Split('\n').Where(l => !l.Contains("edgetrader_position_", StringComparison.Ordinal) && !l.Contains("edgetrader_pnl_", StringComparison.Ordinal));
        Assert.Equal(Rest(shown), Rest(hidden));
        Assert.Equal(1, Value(hidden, "edgetrader_breaker_engagements_total{source=\"cli\"}"));
    }

    [Fact]
    public void Every_value_of_a_closed_label_set_is_written_even_at_zero()
    {
        var text = Render(Snapshots.Sample());
        foreach (var src in Enum.GetValues<BreakerSource>())
            Value(text, $"edgetrader_breaker_engagements_total{{source=\"{BreakerNames.Of(src)}\"}}");
        Assert.Equal(1, Value(text, "edgetrader_breaker_engagements_total{source=\"cli\"}"));
        Assert.Equal(0, Value(text, "edgetrader_denials_total{code=\"MAX_QTY_EXCEEDED\"}"));
        Assert.Equal(4, Value(text, "edgetrader_denials_total{code=\"RATE_LIMIT_EXCEEDED\"}"));
        Assert.Equal(0, Value(text, "edgetrader_ticks_dropped_total{reason=\"STALE\"}"));
        Assert.Equal(2, Value(text, "edgetrader_ticks_dropped_total{reason=\"CROSSED_QUOTE\"}"));
        Assert.Equal(1, Value(text, "edgetrader_link_state{link=\"gateway\",state=\"degraded\"}"));
        Assert.Equal(0, Value(text, "edgetrader_link_state{link=\"gateway\",state=\"up\"}"));
        Assert.Equal(1, Value(text, "edgetrader_link_degraded{link=\"gateway\"}"));
    }

    [Fact]
    public void Orders_positions_latency_journal_and_the_box_are_exposed()
    {
        var text = Render(Snapshots.Sample());
        Assert.Equal(6, Value(text, "edgetrader_orders_sent_total"));
        Assert.Equal(6, Value(text, "edgetrader_orders_acked_total"));
        Assert.Equal(5, Value(text, "edgetrader_order_fills_total"));
        Assert.Equal(1, Value(text, "edgetrader_orders_rejected_total"));
        Assert.Equal(0, Value(text, "edgetrader_orders_ack_timed_out_total"));
        Assert.Equal(1, Value(text, "edgetrader_orders_in_flight"));
        Assert.Equal(0.02, Value(text, "edgetrader_position_net_lots{symbol=\"EURUSD\"}"));
        Assert.Equal(3.25, Value(text, "edgetrader_pnl_unrealized{symbol=\"EURUSD\"}"));
        Assert.Equal(-12.5, Value(text, "edgetrader_pnl_realized_today"));
        Assert.Equal(2, Value(text, "edgetrader_tick_to_order_seconds_count"));
        Assert.Equal(2, Value(text, "edgetrader_tick_to_order_seconds_bucket{le=\"5e-05\"}"));
        Assert.Equal(1, Value(text, "edgetrader_tick_to_order_seconds_bucket{le=\"2.5e-05\"}"));
        Assert.Equal(0.01, Value(text, "edgetrader_tick_loop_beat_age_seconds"));
        Assert.Equal(2, Value(text, "edgetrader_journal_uncommitted_lines"));
        Assert.Equal(3, Value(text, "edgetrader_control_requests_total{command=\"status\"}"));
        Assert.Equal(1, Value(text, "edgetrader_watchdog_armed"));
        Assert.Equal(15, Value(text, "edgetrader_watchdog_timeout_seconds"));
        Assert.Equal(1, Value(text, "edgetrader_clock_synchronized"));
        Assert.Equal(1, Value(text, "edgetrader_power_under_voltage_occurred"));
        Assert.Equal(0, Value(text, "edgetrader_power_under_voltage"));
        Assert.Equal(10L << 30, Value(text, "edgetrader_state_dir_free_bytes"));
    }

    [Fact]
    public void Realised_pnl_of_the_day_is_a_gauge_per_symbol_rounded_to_cents_next_to_the_total_only_with_trading_shown()
    {
        var s = Snapshots.Sample() with { Positions = [new Position("EURUSD", 0.02, 1.0851, 3.25, -10.004), new Position("GBPUSD", 0, 0, 0, -2.496)] };
        var shown = Render(s, trading: true);
        Assert.Contains("# HELP edgetrader_pnl_realized_today_by_symbol ", shown);
        Assert.Contains("# TYPE edgetrader_pnl_realized_today_by_symbol gauge\n", shown);
        Assert.Equal(-10, Value(shown, "edgetrader_pnl_realized_today_by_symbol{symbol=\"EURUSD\"}"));
        Assert.Equal(-2.5, Value(shown, "edgetrader_pnl_realized_today_by_symbol{symbol=\"GBPUSD\"}"));
        Assert.Equal(-12.5, Value(shown, "edgetrader_pnl_realized_today"));
        Assert.DoesNotContain("edgetrader_pnl_realized_today_by_symbol", Render(s, trading: false));
        // No symbol: the family is announced without a sample, which the text format allows.
        var none = Render(s with { Positions = [] }, trading: true);
        Assert.Contains("# TYPE edgetrader_pnl_realized_today_by_symbol gauge\n", none);
        Assert.DoesNotContain("edgetrader_pnl_realized_today_by_symbol{", none);
    }

    [Fact]
    public void Names_follow_the_conventions()
    {
        var text = Render(Snapshots.Sample());
        foreach (Match m in TypeLine().Matches(text))
        {
            string name = m.Groups[1].Value, type = m.Groups[2].Value;
            Assert.StartsWith("edgetrader_", name);
            if (type == "counter") Assert.EndsWith("_total", name);
            else Assert.False(name.EndsWith("_total", StringComparison.Ordinal), $"{name} is a {type} but named like a counter");
            Assert.DoesNotContain("_milliseconds", name);
            Assert.DoesNotContain("_ms", name);
        }
    }

    [Fact]
    public void A_hostile_reason_stays_inside_its_label()
    {
        var text = Render(Snapshots.Sample(Snapshots.Engaged("x\"} 0\nedgetrader_breaker_engaged 0\n#")));
        Assert.Equal(1, Value(text, "edgetrader_breaker_engaged"));
        Assert.Single(text.Split('\n'), l => l.StartsWith("edgetrader_breaker_engaged ", StringComparison.Ordinal));
    }

    [GeneratedRegex("^# TYPE (\\S+) (\\S+)$", RegexOptions.Multiline)]
    private static partial Regex TypeLine();
}
