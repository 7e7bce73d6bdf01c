using EdgeTrader.Configuration;
using EdgeTrader.KillSwitch;
using EdgeTrader.Tests.Support;
using EdgeTrader.Trading;
using EdgeTrader.Trading.Risk;
using EdgeTrader.Trading.Strategies;
using Microsoft.Extensions.Time.Testing;

namespace EdgeTrader.Tests.Trading;

/// <summary>A check that cannot be evaluated is an engagement, and the order in hand does not leave.</summary>
public sealed class FailClosedTests
{
    /// <summary>Real pre-trade risk, with a fault injected where a test says.</summary>
    sealed class FaultyRisk(PreTradeRisk inner) : IRiskChecks
    {
        public Exception? ThrowOnCheck;
        public Exception? ThrowOnPostTrade;
        public Action? DuringCheck;
        public DenialCode Check(in OrderIntent intent, DateTimeOffset now, long nowTimestamp)
        {
            DuringCheck?.Invoke();
            if (ThrowOnCheck is { } e) throw e;
            return inner.Check(in intent, now, nowTimestamp);
        }
        public void OnSent(long nowTimestamp) => inner.OnSent(nowTimestamp);
        public string? PostTradeBreach() => ThrowOnPostTrade is { } e ? throw e : inner.PostTradeBreach();
    }

    /// <summary>A strategy that throws, or signals the intent a test gives.</summary>
    sealed class ScriptedStrategy(double qty, double price, Exception? fault = null) : IStrategy
    {
        public string Name => "scripted";
        public bool OnTick(in Tick tick, out OrderIntent intent)
        {
            if (fault is not null) throw fault;
            intent = new OrderIntent { SymbolId = tick.SymbolId, Side = Side.Buy, Qty = qty, Price = price };
            return true;
        }
    }

    sealed class Rig
    {
        public readonly FakeTimeProvider Time = TestClock.New();
        public readonly CircuitBreaker Breaker;
        public readonly LoopHarness.RecordingSink Sink = new();
        public readonly InMemoryDecisionLog Log = new();
        public readonly FaultyRisk Risk;
        public readonly TradingLoop Loop;
        long _seq;

        public Rig(IStrategy? strategy = null, RiskOptions? risk = null)
        {
            var o = (risk ?? new RiskOptions { MaxOrdersPerSecond = 1000, MaxPosition = 100, MaxLossStreak = 0, CheckTimeoutMs = 250 }) with { PriceBand = new PriceBandOptions { BootstrapTicks = 1 } };
            var symbols = new SymbolTable(["EURUSD"]);
            var book = new PositionBook(1, o.ContractSize);
            var sessions = new TradingSessions(o);
            Breaker = new CircuitBreaker(BreakerState.FreshInstall(Time.GetUtcNow()), Time);
            Risk = new FaultyRisk(new PreTradeRisk(o, sessions, book, Time.TimestampFrequency));
            Loop = new TradingLoop(Breaker, new TickParser(symbols, TickFormat.Json),
                strategy ?? StrategyFactory.Create(new StrategyOptions { Kind = StrategyKind.EveryTick, Qty = 0.01, Symbols = ["EURUSD"] }, symbols),
                Risk, book, Sink, Log, new TradingDay(sessions.Zone, Time.GetUtcNow()), Time, o.MaxTickAgeMs, LoopLimits.From(o));
        }

        public TickOutcome Tick() => Loop.OnPayload(System.Text.Encoding.UTF8.GetBytes(FormattableString.Invariant(
            $"{{\"symbol\":\"EURUSD\",\"bid\":1.085,\"ask\":1.0851,\"time\":{Time.GetUtcNow().ToUnixTimeMilliseconds()},\"seq\":{++_seq}}}")));
    }

    [Fact]
    public void A_pre_trade_check_that_throws_engages_and_the_order_does_not_leave()
    {
        var r = new Rig();
        Assert.Equal(TickOutcome.OrderSent, r.Tick());
        r.Risk.ThrowOnCheck = new DivideByZeroException("exposure");
        r.Tick();
        Assert.Single(r.Sink.Sent);
        Assert.True(r.Breaker.IsEngaged);
        Assert.Equal(BreakerSource.Risk, r.Breaker.State.Source);
        Assert.StartsWith("CHECK_FAILED", r.Breaker.State.Reason);
        Assert.Contains("DivideByZeroException", r.Breaker.State.Reason);
        Assert.Equal(1, r.Loop.Counters.DeniedFor(DenialCode.CheckFailed));
        Assert.Equal(1, r.Loop.Counters.AnomalyCount(AnomalyCode.CheckFailed));
        Assert.Contains(r.Log.OfType("anomaly"), x => x.Text!.StartsWith("CHECK_FAILED"));
    }

    [Fact]
    public void A_post_trade_check_that_throws_engages()
    {
        var r = new Rig();
        r.Risk.ThrowOnPostTrade = new InvalidOperationException("profit calculation failed");
        r.Tick();
        Assert.True(r.Breaker.IsEngaged);
        Assert.StartsWith("CHECK_FAILED", r.Breaker.State.Reason);
        Assert.Empty(r.Sink.Sent); // the mark's check runs before the strategy: the breaker is engaged by then
    }

    [Fact]
    public void A_check_slower_than_the_timeout_engages_and_the_order_does_not_leave()
    {
        var r = new Rig();
        r.Risk.DuringCheck = () => r.Time.Advance(TimeSpan.FromMilliseconds(251));
        r.Tick();
        Assert.Empty(r.Sink.Sent);
        Assert.True(r.Breaker.IsEngaged);
        Assert.StartsWith("CHECK_TIMEOUT", r.Breaker.State.Reason);
    }

    [Fact]
    public void A_check_just_within_the_timeout_lets_the_order_leave()
    {
        var r = new Rig();
        r.Risk.DuringCheck = () => r.Time.Advance(TimeSpan.FromMilliseconds(249));
        Assert.Equal(TickOutcome.OrderSent, r.Tick());
        Assert.False(r.Breaker.IsEngaged);
    }

    [Fact]
    public void Each_failed_check_names_itself_and_its_fault_in_the_breakers_reason()
    {
        var pre = new Rig();
        pre.Risk.ThrowOnCheck = new DivideByZeroException("exposure");
        pre.Tick();
        Assert.Equal("CHECK_FAILED: the pre-trade risk check threw DivideByZeroException: exposure", pre.Breaker.State.Reason);
        Assert.Equal("CHECK_FAILED: the pre-trade risk check threw DivideByZeroException: exposure", Assert.Single(pre.Log.OfType("anomaly")).Text);

        var post = new Rig();
        post.Risk.ThrowOnPostTrade = new InvalidOperationException("profit calculation failed");
        post.Tick();
        Assert.Equal("CHECK_FAILED: the post-trade check threw InvalidOperationException: profit calculation failed", post.Breaker.State.Reason);

        var strategy = new Rig(new ScriptedStrategy(0.01, 1.0851, new ArithmeticException("ema")));
        Assert.Equal(TickOutcome.NoSignal, strategy.Tick());
        Assert.Equal("CHECK_FAILED: the strategy threw ArithmeticException: ema", strategy.Breaker.State.Reason);
        Assert.Equal(0, strategy.Loop.Counters.Signals);

        var slow = new Rig();
        slow.Risk.DuringCheck = () => slow.Time.Advance(TimeSpan.FromMilliseconds(251));
        slow.Tick();
        Assert.Equal("CHECK_TIMEOUT: the strategy and the pre-trade checks took longer than risk.checkTimeoutMs (250 ms)", slow.Breaker.State.Reason);
    }

    [Fact]
    public void A_check_taking_exactly_the_timeout_lets_the_order_leave()
    {
        var r = new Rig();
        r.Risk.DuringCheck = () => r.Time.Advance(TimeSpan.FromMilliseconds(250));
        Assert.Equal(TickOutcome.OrderSent, r.Tick());
        Assert.False(r.Breaker.IsEngaged);
        Assert.Equal(1, r.Loop.Counters.Signals);
    }

    [Theory]
    [InlineData(0, 1.0851)]
    [InlineData(-0.01, 1.0851)]
    [InlineData(double.NaN, 1.0851)]
    [InlineData(0.01, 0)]
    [InlineData(0.01, double.PositiveInfinity)]
    public void An_intent_outside_the_bounds_engages_and_does_not_leave(double qty, double price)
    {
        var r = new Rig(new ScriptedStrategy(qty, price));
        Assert.Equal(TickOutcome.Denied, r.Tick());
        Assert.Empty(r.Sink.Sent);
        Assert.Equal(1, r.Loop.Counters.DeniedFor(DenialCode.CheckFailed));
        Assert.True(r.Breaker.IsEngaged);
        Assert.Equal(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"CHECK_FAILED: the strategy's intent (qty {qty}, price {price}) is outside the bounds"), r.Breaker.State.Reason);
    }

    [Fact]
    public void An_intent_of_the_largest_fill_quantity_is_within_the_bounds()
    {
        var r = new Rig(new ScriptedStrategy(FillCheck.MaxFillQty, 1.0851),
            new RiskOptions { MaxOrdersPerSecond = 1000, MaxQty = 2 * FillCheck.MaxFillQty, MaxPosition = 4 * FillCheck.MaxFillQty, MaxLossStreak = 0, CheckTimeoutMs = 250 });
        Assert.Equal(TickOutcome.OrderSent, r.Tick());
        Assert.False(r.Breaker.IsEngaged);
    }

    [Fact]
    public void An_order_with_exactly_a_trillionth_left_after_a_fill_is_no_longer_in_flight()
    {
        var r = new Rig(new ScriptedStrategy(2e-12, 1.0851)); // 2e-12 - 1e-12 is exactly the 1e-12 the loop allows
        Assert.Equal(TickOutcome.OrderSent, r.Tick());
        r.Loop.OnFill(1, 1e-12, 1.0851);
        Assert.Equal(0, r.Loop.InFlightCount);
    }

    [Fact]
    public async Task A_check_that_hangs_engages_while_it_is_still_running()
    {
        var rig = new Rig();
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        rig.Risk.DuringCheck = () => { entered.Set(); release.Wait(TimeSpan.FromSeconds(30)); };
        var watchdog = new CheckWatchdog(rig.Loop, rig.Breaker, rig.Time, 250);
        using var timer = watchdog.Start(TimeSpan.FromMilliseconds(50));
        Assert.False(watchdog.Evaluate()); // no check running
        var tick = Task.Run(rig.Tick);
        Assert.True(entered.Wait(TimeSpan.FromSeconds(30)));
        rig.Time.Advance(TimeSpan.FromMilliseconds(250)); // the watch looks every 50 ms: not longer than the timeout yet
        Assert.False(rig.Breaker.IsEngaged);
        rig.Time.Advance(TimeSpan.FromMilliseconds(50));
        Assert.True(rig.Breaker.IsEngaged); // the check has not returned
        Assert.Equal(BreakerSource.Risk, rig.Breaker.State.Source);
        Assert.StartsWith("CHECK_TIMEOUT: a strategy or pre-trade check has been running for 300 ms", rig.Breaker.State.Reason);
        Assert.False(tick.IsCompleted);

        release.Set();
        Assert.Equal(TickOutcome.Denied, await tick); // and when it returns, the order does not leave
        Assert.Empty(rig.Sink.Sent);
        Assert.Equal(1, rig.Loop.Counters.AnomalyCount(AnomalyCode.CheckTimeout));
        Assert.Equal(0, rig.Loop.CheckStartedTimestamp);
    }

    [Fact]
    public async Task The_check_watchdog_engages_once_per_hung_check_and_only_past_the_timeout()
    {
        var rig = new Rig();
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        rig.Risk.DuringCheck = () => { entered.Set(); release.Wait(TimeSpan.FromSeconds(30)); };
        var watchdog = new CheckWatchdog(rig.Loop, rig.Breaker, rig.Time, 250); // evaluated here, on no timer
        var tick = Task.Run(rig.Tick);
        Assert.True(entered.Wait(TimeSpan.FromSeconds(30)));
        rig.Time.Advance(TimeSpan.FromMilliseconds(250));
        Assert.False(watchdog.Evaluate()); // exactly the timeout: not longer
        Assert.False(rig.Breaker.IsEngaged);
        rig.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(watchdog.Evaluate());
        Assert.True(rig.Breaker.IsEngaged);
        Assert.StartsWith("CHECK_TIMEOUT: a strategy or pre-trade check has been running for 251 ms", rig.Breaker.State.Reason);
        var engagement = rig.Breaker.State.Engagement;
        rig.Time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.False(watchdog.Evaluate()); // the same check: once
        Assert.Equal(engagement, rig.Breaker.State.Engagement);
        release.Set();
        await tick;
        Assert.False(watchdog.Evaluate()); // no check running
    }

    sealed class SilentStrategy : IStrategy
    {
        public string Name => "silent";
        public bool OnTick(in Tick tick, out OrderIntent intent) { intent = default; return false; }
    }

    [Theory]
    [InlineData("no signal")]
    [InlineData("strategy throws")]
    [InlineData("risk throws")]
    [InlineData("reconciliation pending")]
    public void A_tick_that_leaves_the_checks_without_an_order_leaves_no_check_running_for_the_watchdog(string path)
    {
        var r = path switch
        {
            "no signal" => new Rig(new SilentStrategy()),
            "strategy throws" => new Rig(new ScriptedStrategy(0.01, 1.0851, new ArithmeticException("ema"))),
            _ => new Rig(),
        };
        if (path == "risk throws") r.Risk.ThrowOnCheck = new InvalidOperationException("risk");
        if (path == "reconciliation pending") r.Loop.RestoreInFlight([], holdOrders: true); // a warm start holds new orders
        var watchdog = new CheckWatchdog(r.Loop, r.Breaker, r.Time, 250);
        var outcome = r.Tick();
        if (path == "reconciliation pending") Assert.Equal(1, r.Loop.Counters.DeniedFor(DenialCode.ReconciliationPending));
        Assert.NotEqual(TickOutcome.OrderSent, outcome);
        Assert.Equal(0, r.Loop.CheckStartedTimestamp);
        var engagement = r.Breaker.State.Engagement; // a fault engages by itself; the watchdog must add nothing
        r.Time.Advance(TimeSpan.FromSeconds(10)); // no tick for 10 s: nothing is running
        Assert.False(watchdog.Evaluate());
        Assert.Equal(engagement, r.Breaker.State.Engagement);
    }
}
