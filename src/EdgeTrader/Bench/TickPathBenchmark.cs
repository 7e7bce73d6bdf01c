using System.Diagnostics;
using System.Globalization;
using System.Text;
using EdgeTrader.Configuration;
using EdgeTrader.KillSwitch;
using EdgeTrader.Trading;
using EdgeTrader.Trading.Risk;
using EdgeTrader.Trading.Strategies;

namespace EdgeTrader.App.Bench;

/// <summary>
/// In-process tick path (parse → gate 1 → strategy → risk → gate 2 → order intent handed to a sink that drops it),
/// without sockets or a disk (the decisions log in memory, counting only): what the loop itself costs. Reports
/// ticks/s and bytes allocated per tick.
/// Run by scripts/bench-tick.sh (hidden command `edgetrader bench-tick`).
/// </summary>
internal static class TickPathBenchmark
{
    sealed class NullSink : IOrderSink
    {
        public long Sent;
        public bool SimulatesFills => true;
        public bool TrySend(in Order order) { Sent++; return true; }
        public bool CancelAll(string requestId, string reason, long generation, long timeMs) => true;
    }

    public static int Run(long ticks, int repeats)
    {
        Console.WriteLine($"tick-path benchmark: {ticks:N0} ticks x {repeats} runs per case, {Environment.ProcessorCount} CPUs, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}, {(System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported ? "JIT" : "native AOT")}");
        Case("no-signal, JSON payloads (parse included)", StrategyKind.EmaCross, json: true, ticks, repeats);
        Case("no-signal, parsed ticks", StrategyKind.EmaCross, json: false, ticks, repeats);
        Case("every-tick, JSON payloads (parse included)", StrategyKind.EveryTick, json: true, ticks, repeats);
        Case("every-tick, parsed ticks", StrategyKind.EveryTick, json: false, ticks, repeats);
        Case("every-tick, JSON + metrics (histogram, scraper)", StrategyKind.EveryTick, json: true, ticks, repeats, metrics: true);
        EngageToGatesClosed(20_000);
        return 0;
    }

    /// <summary>Engage call → the gate's volatile write, with the real state file (fsync) behind it.</summary>
    static void EngageToGatesClosed(int cycles)
    {
        var dir = Directory.CreateTempSubdirectory("et-bench-").FullName;
        try
        {
            var time = TimeProvider.System;
            var breaker = new CircuitBreaker(BreakerState.FreshInstall(time.GetUtcNow()), time, new EdgeTrader.Persistence.BreakerStateFile(dir));
            var closed = new double[cycles];
            var total = new double[cycles];
            for (int i = 0; i < cycles; i++)
            {
                long t0 = Stopwatch.GetTimestamp();
                breaker.Engage("bench", BreakerSource.Cli);
                long t2 = Stopwatch.GetTimestamp();
                closed[i] = Stopwatch.GetElapsedTime(t0, breaker.LastGatesClosedTimestamp).TotalMicroseconds;
                total[i] = Stopwatch.GetElapsedTime(t0, t2).TotalMicroseconds;
                breaker.Reset("bench", BreakerSource.Cli);
            }
            Array.Sort(closed);
            Array.Sort(total);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"engage -> gates closed ({cycles} cycles): p50 {closed[cycles / 2]:0.00} us, p99 {closed[cycles * 99 / 100]:0.00} us; whole Engage call incl. the state file's fsync: p50 {total[cycles / 2]:0} us, p99 {total[cycles * 99 / 100]:0} us"));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    // metrics: the daemon's tick → order record on the tick thread, while another thread renders /metrics from the
    // live counters and histogram as fast as it can (a scrape never makes the tick thread wait or allocate).
    static void Case(string name, StrategyKind strategy, bool json, long ticks, int repeats, bool metrics = false)
    {
        var time = TimeProvider.System;
        var risk = new RiskOptions { MaxOrdersPerSecond = 1_000_000, MaxPosition = 1_000, MaxTradesPerDay = int.MaxValue, MaxLossStreak = 0, MaxDailyLoss = 1e15, MaxTickAgeMs = 60_000 };
        var symbols = new SymbolTable(["EURUSD", "GBPUSD", "USDJPY"]);
        var results = new List<(double Rate, double Bytes, long Orders, double OrderRate)>();
        // Payloads: constant prices per symbol, so ema-cross never crosses (no signal) and every tick is valid.
        long now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var payloads = Enumerable.Range(0, 3).Select(i => Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"{{\"symbol\":\"{symbols.Name(i)}\",\"bid\":{1.0851 + i},\"ask\":{1.08515 + i},\"time\":{now},\"seq\":{i + 1}}}"))).ToArray();
        var parsed = Enumerable.Range(0, 3).Select(i => new Tick { SymbolId = i, Bid = 1.0851 + i, Ask = 1.08515 + i, TimeMs = now, Seq = 0 }).ToArray();
        for (int r = 0; r < repeats + 1; r++)
        {
            var breaker = new CircuitBreaker(BreakerState.FreshInstall(time.GetUtcNow()), time);
            var book = new PositionBook(symbols.Count, risk.ContractSize);
            var pre = new PreTradeRisk(risk, new TradingSessions(risk), book, time.TimestampFrequency);
            var sink = new NullSink();
            var strat = StrategyFactory.Create(new StrategyOptions { Kind = strategy, Symbols = ["EURUSD", "GBPUSD", "USDJPY"], Fast = 8, Slow = 21 }, symbols);
            var day = new TradingDay(TimeZoneInfo.Utc, time.GetUtcNow());
            var loop = new TradingLoop(breaker, new TickParser(symbols, TickFormat.Json), strat, pre, book, sink, new InMemoryDecisionLog(keep: false), day, time, risk.MaxTickAgeMs);
            long n = r == 0 ? ticks / 10 : ticks; // first run warms up
            var hist = new EdgeTrader.Health.LatencyHistogram(EdgeTrader.Health.LatencyHistogram.TickPathBuckets, Stopwatch.Frequency);
            using var stopScrapes = new ManualResetEventSlim();
            long scrapes = 0;
            var scraper = metrics ? new Thread(() =>
            {
                while (!stopScrapes.IsSet)
                {
                    var counts = EdgeTrader.Status.TradingCounts.From(loop.Counters, 0, loop.InFlightCount);
                    new EdgeTrader.Status.PrometheusText().Histogram("edgetrader_tick_to_order_seconds", "bench", hist.Read())
                        .Family("edgetrader_ticks_received_total", "counter", "bench").Sample("edgetrader_ticks_received_total", counts.Ticks).ToUtf8();
                    scrapes++;
                }
            }) { IsBackground = true } : null;
            scraper?.Start();
            long before = GC.GetAllocatedBytesForCurrentThread();
            var sw = Stopwatch.StartNew();
            if (metrics)
                for (long i = 0; i < n; i++)
                {
                    long t0 = Stopwatch.GetTimestamp();
                    if (loop.OnPayload(payloads[i % 3]) == TickOutcome.OrderSent) hist.Record(Stopwatch.GetTimestamp() - t0);
                }
            else if (json) for (long i = 0; i < n; i++) loop.OnPayload(payloads[i % 3]);
            else for (long i = 0; i < n; i++) loop.OnTick(in parsed[i % 3]);
            sw.Stop();
            stopScrapes.Set();
            scraper?.Join();
            if (metrics && r == repeats) Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  (last run: {scrapes:N0} /metrics renderings on another thread meanwhile, {hist.Read().Count:N0} latencies recorded)"));
            long bytes = GC.GetAllocatedBytesForCurrentThread() - before;
            if (r > 0) results.Add((n / sw.Elapsed.TotalSeconds, (double)bytes / n, sink.Sent, sink.Sent / sw.Elapsed.TotalSeconds));
        }
        var rates = results.Select(x => x.Rate).OrderBy(x => x).ToArray();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-46} median {rates[rates.Length / 2] / 1e6,6:0.00} M ticks/s (min {rates[0] / 1e6:0.00}, max {rates[^1] / 1e6:0.00}); {results.Max(x => x.Bytes):0.000} bytes/tick; {(results[0].Orders == 0 ? "no orders" : $"orders {results.Select(x => x.OrderRate).Order().ElementAt(results.Count / 2) / 1e6:0.00} M/s (risk.maxOrdersPerSecond at its 1,000,000 maximum; the rest are denied RATE_LIMIT_EXCEEDED)")}"));
    }
}
