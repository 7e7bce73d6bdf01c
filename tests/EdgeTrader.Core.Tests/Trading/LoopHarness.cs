using Microsoft.Extensions.Time.Testing;
using System.Text;
using EdgeTrader.Configuration;
using EdgeTrader.KillSwitch;
using EdgeTrader.Tests.Support;
using EdgeTrader.Trading;
using EdgeTrader.Trading.Risk;
using EdgeTrader.Trading.Strategies;

namespace EdgeTrader.Tests.Trading;

/// <summary>A real loop with a recording sink, the in-memory decisions log and fake time.</summary>
internal sealed class LoopHarness
{
    /// <summary>Records what the loop sends; <c>simulatesFills</c> makes it a dry-run route.</summary>
    public sealed class RecordingSink(bool simulatesFills = false) : IOrderSink
    {
        public readonly List<Order> Sent = [];
        public readonly List<long> CancelAlls = [];
        public bool Refuse;
        public bool SimulatesFills => simulatesFills;
        public bool TrySend(in Order order) { if (Refuse) return false; Sent.Add(order); return true; }
        public bool CancelAll(string requestId, string reason, long generation, long timeMs) { CancelAlls.Add(generation); return true; }
    }

    public FakeTimeProvider Time { get; } = TestClock.New();
    public CircuitBreaker Breaker { get; }
    public RecordingSink Sink { get; }
    public InMemoryDecisionLog Log { get; } = new();
    public TradingDay Day { get; }
    public TradingLoop Loop { get; }
    public SymbolTable Symbols { get; }
    public PositionBook Book { get; }
    long _seq;

    public LoopHarness(RiskOptions? risk = null, StrategyKind strategy = StrategyKind.EveryTick, bool dryRun = false, string[]? symbols = null, TickFormat format = TickFormat.Json)
    {
        risk ??= new RiskOptions { MaxOrdersPerSecond = 1000, MaxPosition = 100, MaxLossStreak = 0 };
        Breaker = new CircuitBreaker(BreakerState.FreshInstall(Time.GetUtcNow()), Time);
        Symbols = new SymbolTable(symbols ?? ["EURUSD"]);
        var opts = new StrategyOptions { Kind = strategy, Qty = 0.01, Symbols = symbols ?? ["EURUSD"], Fast = 2, Slow = 4 };
        Book = new PositionBook(Symbols.Count, risk.ContractSize);
        var sessions = new TradingSessions(risk);
        Day = new TradingDay(sessions.Zone, Time.GetUtcNow());
        Sink = new RecordingSink(simulatesFills: dryRun);
        var pre = new PreTradeRisk(risk, sessions, Book, Time.TimestampFrequency);
        Loop = new TradingLoop(Breaker, new TickParser(Symbols, format), StrategyFactory.Create(opts, Symbols), pre, Book, Sink, Log, Day, Time, risk.MaxTickAgeMs);
    }

    public long NowMs => Time.GetUtcNow().ToUnixTimeMilliseconds();

    public string Json(double bid = 1.0850, double ask = 1.0851, string symbol = "EURUSD", long? time = null, long? seq = null) =>
        FormattableString.Invariant($"{{\"symbol\":\"{symbol}\",\"bid\":{bid},\"ask\":{ask},\"time\":{time ?? NowMs},\"seq\":{seq ?? ++_seq}}}");

    public TickOutcome Feed(string payload) => Loop.OnPayload(Encoding.UTF8.GetBytes(payload));

    public TickOutcome Tick(double bid = 1.0850, double ask = 1.0851) => Feed(Json(bid, ask));
}
