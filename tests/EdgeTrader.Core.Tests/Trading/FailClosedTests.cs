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

    sealed class Rig
    {
        public readonly FakeTimeProvider Time = TestClock.New();
        public readonly CircuitBreaker Breaker;
        public readonly LoopHarness.RecordingSink Sink = new();
        public readonly InMemoryDecisionLog Log = new();
        public readonly FaultyRisk Risk;
        public readonly TradingLoop Loop;
        long _seq;

        public Rig()
        {
            var o = new RiskOptions { MaxOrdersPerSecond = 1000, MaxPosition = 100, MaxLossStreak = 0, CheckTimeoutMs = 250, PriceBand = new PriceBandOptions { BootstrapTicks = 1 } };
            var symbols = new SymbolTable(["EURUSD"]);
            var book = new PositionBook(1, o.ContractSize);
            var sessions = new TradingSessions(o);
            Breaker = new CircuitBreaker(BreakerState.FreshInstall(Time.GetUtcNow()), Time);
            Risk = new FaultyRisk(new PreTradeRisk(o, sessions, book, Time.TimestampFrequency));
            Loop = new TradingLoop(Breaker, new TickParser(symbols, TickFormat.Json),
                StrategyFactory.Create(new StrategyOptions { Kind = StrategyKind.EveryTick, Qty = 0.01, Symbols = ["EURUSD"] }, symbols),
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
}
