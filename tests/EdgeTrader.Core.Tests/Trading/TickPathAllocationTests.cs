using System.Text;
using EdgeTrader.Configuration;
using EdgeTrader.KillSwitch;
using EdgeTrader.Tests.Support;
using EdgeTrader.Trading;
using EdgeTrader.Trading.Risk;
using EdgeTrader.Trading.Strategies;

namespace EdgeTrader.Tests.Trading;

/// <summary>The rules on the tick path (freshness, bounds, band, mark, post-trade, fill check) allocate nothing per tick.</summary>
public sealed class TickPathAllocationTests
{
    [Fact]
    public void A_tick_through_every_rule_to_a_dry_run_order_and_its_fill_allocates_nothing()
    {
        var time = TestClock.New();
        var risk = new RiskOptions { MaxOrdersPerSecond = 1_000_000, MaxPosition = 100, MaxLossStreak = 0, MaxDailyLoss = 1e12, MaxTradesPerDay = 100_000_000 };
        var symbols = new SymbolTable(["EURUSD"]);
        var book = new PositionBook(1, risk.ContractSize);
        var sessions = new TradingSessions(risk);
        var loop = new TradingLoop(new CircuitBreaker(BreakerState.FreshInstall(time.GetUtcNow()), time), new TickParser(symbols, TickFormat.Json),
            StrategyFactory.Create(new StrategyOptions { Kind = StrategyKind.EveryTick, Qty = 0.01, Symbols = ["EURUSD"] }, symbols),
            new PreTradeRisk(risk, sessions, book, time.TimestampFrequency), book, new DryRunSink(), new InMemoryDecisionLog(keep: false),
            new TradingDay(sessions.Zone, time.GetUtcNow()), time, risk.MaxTickAgeMs, LoopLimits.From(risk));
        long now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var payloads = Enumerable.Range(1, 4_000).Select(i => Encoding.UTF8.GetBytes(FormattableString.Invariant(
            $"{{\"symbol\":\"EURUSD\",\"bid\":{1.085 + (i % 7) * 1e-5},\"ask\":{1.0851 + (i % 7) * 1e-5},\"time\":{now},\"seq\":{i}}}"))).ToArray();
        for (int i = 0; i < 2_000; i++) loop.OnPayload(payloads[i]); // warm: bootstrap, JIT, first-use paths
        long orders = loop.Counters.Orders;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 2_000; i < payloads.Length; i++) loop.OnPayload(payloads[i]);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(2_000, loop.Counters.Orders - orders); // every tick went all the way through
        Assert.Equal(0, allocated);
    }
}
