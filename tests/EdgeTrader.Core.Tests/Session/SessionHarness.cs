using System.Globalization;
using System.Text.Json;
using EdgeTrader.Configuration;
using EdgeTrader.Health;
using EdgeTrader.KillSwitch;
using EdgeTrader.Session;
using EdgeTrader.Tests.Support;
using EdgeTrader.Trading;
using EdgeTrader.Trading.Risk;
using EdgeTrader.Trading.Strategies;
using EdgeTrader.Transports.InMemory;
using Microsoft.Extensions.Time.Testing;
using Serilog;

namespace EdgeTrader.Tests.Session;

/// <summary>
/// A real trading session on the in-memory transport and fake time, driven turn by turn: the test publishes ticks,
/// plays the gateway, advances the clock and runs <see cref="TradingSession.RunTurn"/>.
/// </summary>
internal sealed class SessionHarness : IDisposable
{
    public FakeTimeProvider Time { get; } = TestClock.New();
    public CircuitBreaker Breaker { get; }
    public HealthMonitor Health { get; }
    public FaultBoard Faults { get; }
    public InMemoryTransport Transport { get; }
    public InMemoryDecisionLog Log { get; } = new();
    public OrderIds Ids { get; } = new("pi-1", 5);
    public SymbolTable Symbols { get; }
    public TradingSession Session { get; }
    public TradingLoop Loop => Session.Loop;
    public BridgeOptions Bridge { get; }
    public GatewayOptions Gateway { get; }
    public RiskOptions Risk { get; }
    long _seq;

    public SessionHarness(BridgeOptions? bridge = null, GatewayOptions? gateway = null, bool dryRun = false, StrategyKind strategy = StrategyKind.EveryTick,
        string[]? symbols = null, RiskOptions? risk = null, bool open = true, BreakerState? initial = null, PriceBandOptions? priceBand = null)
    {
        Bridge = bridge ?? new BridgeOptions { StaleAfterMs = 1000 };
        Gateway = gateway ?? new GatewayOptions { StaleAfterMs = 1000, HeartbeatMs = 200, AckTimeoutMs = 500, ShutdownLingerMs = 300 };
        risk ??= new RiskOptions { MaxOrdersPerSecond = 100_000, MaxPosition = 1_000, MaxLossStreak = 0, MaxDailyLoss = 1e12, MaxTradesPerDay = 1_000_000 };
        risk = risk with { PriceBand = priceBand ?? new PriceBandOptions { BootstrapTicks = 1 } }; // unless a test is about the band
        Risk = risk;
        Symbols = new SymbolTable(symbols ?? ["EURUSD"]);
        Breaker = new CircuitBreaker(initial ?? BreakerState.FreshInstall(Time.GetUtcNow()), Time);
        Health = new HealthMonitor(Time);
        Faults = new FaultBoard(Time);
        Breaker.AddResetInterlock(Faults);
        Transport = new InMemoryTransport(withGateway: !dryRun);
        var sessions = new TradingSessions(risk);
        var book = new PositionBook(Symbols.Count, risk.ContractSize);
        var parts = new LoopParts(new TickParser(Symbols, TickFormat.Json),
            StrategyFactory.Create(new StrategyOptions { Kind = strategy, Qty = 0.01, Symbols = symbols ?? ["EURUSD"], Fast = 2, Slow = 4 }, Symbols),
            new PreTradeRisk(risk, sessions, book, Time.TimestampFrequency), book, new TradingDay(sessions.Zone, Time.GetUtcNow()), risk.MaxTickAgeMs, LoopLimits.From(risk));
        Session = new TradingSession(Bridge, Gateway, Transport, parts, Breaker, Health, Log, Ids, Time, new LoggerConfiguration().CreateLogger(), Faults);
        Breaker.Subscribe(Session.OnBreakerTransition);
        if (open) Session.Open();
    }

    public InMemoryGatewayLink Link => Transport.Link ?? throw new InvalidOperationException("dry-run: no gateway link");

    public long NowMs => Time.GetUtcNow().ToUnixTimeMilliseconds();

    public string Tick(string symbol = "EURUSD", double bid = 1.1000, double ask = 1.1001, long? time = null, long? seq = null) =>
        string.Create(CultureInfo.InvariantCulture, $"{{\"symbol\":\"{symbol}\",\"bid\":{bid},\"ask\":{ask},\"time\":{time ?? NowMs},\"seq\":{seq ?? ++_seq}}}");

    /// <summary>Publishes a tick and runs one turn.</summary>
    public void Feed(string payload)
    {
        Transport.Feed.Publish(payload);
        Turn();
    }

    /// <summary>One turn of the tick thread (never blocks).</summary>
    public void Turn() => Assert.True(Session.RunTurn(0));

    /// <summary>Advances the clock by <paramref name="ms"/> in steps of 10 ms, one turn after each step.</summary>
    public void Advance(int ms, Action? eachStep = null)
    {
        for (int t = 0; t < ms; t += 10)
        {
            Time.Advance(TimeSpan.FromMilliseconds(Math.Min(10, ms - t)));
            eachStep?.Invoke();
            Turn();
        }
    }

    public LinkState State(Link link) => Health.Get(link).State;

    /// <summary>Frames the gateway received, parsed, of one type.</summary>
    public List<JsonElement> SentOfType(string type) =>
        [.. Link.Sent.Select(f => JsonDocument.Parse(f).RootElement.Clone()).Where(e => e.GetProperty("type").GetString() == type)];

    /// <summary>The types of every frame the gateway received, in order.</summary>
    public List<string> SentTypes() => [.. Link.Sent.Select(f => JsonDocument.Parse(f).RootElement.GetProperty("type").GetString()!)];

    public void Dispose() => Transport.Dispose();
}
