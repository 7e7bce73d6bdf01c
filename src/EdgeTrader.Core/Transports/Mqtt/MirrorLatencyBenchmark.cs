using System.Diagnostics;
using System.Globalization;
using EdgeTrader.Configuration;
using EdgeTrader.Health;
using EdgeTrader.KillSwitch;
using Serilog;

namespace EdgeTrader.Transports.Mqtt;

/// <summary>
/// Mirror latency through a real broker (`edgetrader bench-mqtt`, scripts/bench-mqtt.sh): two in-process nodes A and B
/// and an outside client. Per cycle, from an engagement (A's breaker engaged directly, or an engage command published by
/// the outside client) to B's gates closed (B's breaker observer) and to B's retained ENGAGED state arriving at the
/// outside client; then both are reset and the next cycle waits until both SAFE states are out.
/// </summary>
internal static class MirrorLatencyBenchmark
{
    /// <summary>Where and how long.</summary>
    internal sealed record Settings(string Host, int Port, int Cycles = 200, int Warmup = 20, string Prefix = "edgetrader/bench");

    /// <summary>Latency statistics in microseconds.</summary>
    internal sealed record Stats(int Count, double P50, double P99, double Max, double Mean);

    /// <summary>One mode's results.</summary>
    internal sealed record Result(string Mode, Stats GatesClosed, Stats RetainedSeen);

    /// <summary>Runs both modes and writes a table to <paramref name="output"/>. Throws when a cycle times out.</summary>
    public static IReadOnlyList<Result> Run(Settings s, TextWriter output)
    {
        var prefix = $"{s.Prefix}/{Environment.ProcessId}";
        var log = new LoggerConfiguration().CreateLogger();
        var time = TimeProvider.System;
        MqttOptions Options() => new() { Enabled = true, Host = s.Host, Port = s.Port, TopicPrefix = prefix, KeepAliveSeconds = 10 };
        var a = new CircuitBreaker(BreakerState.FreshInstall(time.GetUtcNow(), "bench-a"), time);
        var b = new CircuitBreaker(BreakerState.FreshInstall(time.GetUtcNow(), "bench-b"), time);
        long gateClosedAt = 0;
        using var gateClosed = new ManualResetEventSlim(false);
        b.Subscribe(t =>
        {
            if (!t.Current.IsEngaged) return;
            Volatile.Write(ref gateClosedAt, Stopwatch.GetTimestamp());
            gateClosed.Set();
        });
        var outside = new Outside($"{prefix}/nodes/bench-b/state", $"{prefix}/nodes/bench-a/state");
        var connector = new MqttNetConnector(new MqttConnectSettings(s.Host, s.Port, $"edgetrader-bench-outside-{Environment.ProcessId}", CleanSession: true, KeepAliveSeconds: 10));
        IMqttConnection outsideClient;
        try
        {
            outsideClient = connector.ConnectAsync(outside.OnMessage, CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (MqttConnectException ex)
        {
            throw new TimeoutException($"no broker at {s.Host}:{s.Port}: {ex.Message}", ex);
        }
        using var mirrorA = new MqttMirror(Options(), "bench-a", a, new HealthMonitor(time), time, log);
        using var mirrorB = new MqttMirror(Options(), "bench-b", b, new HealthMonitor(time), time, log);
        mirrorA.Start();
        mirrorB.Start();
        outsideClient.SubscribeAsync([$"{prefix}/nodes/+/state"], CancellationToken.None).GetAwaiter().GetResult();
        if (!SpinUntil(() => mirrorA.Counters.StatePublishes > 0 && mirrorB.Counters.StatePublishes > 0 && outside.BothSafe, 10_000))
        {
            throw new TimeoutException("the bench nodes did not connect");
        }

        string Diagnose() =>
            $"A {a.State.Position} (link {mirrorA.IsConnected}, {mirrorA.Counters}), B {b.State.Position} (link {mirrorB.IsConnected}, {mirrorB.Counters}), " +
            $"outside sees A engaged {outside.AEngaged}, both SAFE {outside.BothSafe}, outside connection {(outsideClient.Closed.IsCompleted ? outsideClient.Closed.Result : "open")}";
        var results = new List<Result>();
        foreach (var mode in new[] { "direct", "command" })
        {
            var gates = new List<double>();
            var retained = new List<double>();
            for (int i = 0; i < s.Warmup + s.Cycles; i++)
            {
                gateClosed.Reset();
                outside.EngagedB.Reset();
                long t0 = Stopwatch.GetTimestamp();
                // The command's PUBACK is not waited for inside the measured interval.
                var command = Task.CompletedTask;
                if (mode == "direct") a.Engage("bench", BreakerSource.Cli);
                else command = outsideClient.PublishAsync($"{prefix}/killswitch/engage", EngageCommand, retain: false, CancellationToken.None);
                if (!gateClosed.Wait(TimeSpan.FromSeconds(5)) || !outside.EngagedB.Wait(TimeSpan.FromSeconds(5)))
                {
                    throw new TimeoutException($"{mode} cycle {i}: B did not engage within 5 s; {Diagnose()}");
                }
                command.GetAwaiter().GetResult();
                if (i >= s.Warmup)
                {
                    gates.Add(Stopwatch.GetElapsedTime(t0, Volatile.Read(ref gateClosedAt)).TotalMicroseconds);
                    retained.Add(Stopwatch.GetElapsedTime(t0, outside.EngagedBAt).TotalMicroseconds);
                }
                // Settle: both engaged and published, then both reset and SAFE on the broker before the next cycle.
                if (!SpinUntil(() => a.IsEngaged && outside.AEngaged, 5_000)) throw new TimeoutException($"{mode} cycle {i}: A not engaged; {Diagnose()}");
                // Each node must have handled the other's engagement before it is reset: a node reset before it saw a
                // peer's engagement rightly engages again when the peer's state arrives (an engage command makes one
                // engagement on each node).
                if (!SpinUntil(() => mirrorB.LastReportFrom("bench-a")?.Current == a.State.Engagement && mirrorA.LastReportFrom("bench-b")?.Current == b.State.Engagement, 5_000))
                {
                    throw new TimeoutException($"{mode} cycle {i}: the nodes did not hear each other's engagement; {Diagnose()}");
                }
                b.Reset("bench", BreakerSource.Cli);
                a.Reset("bench", BreakerSource.Cli);
                if (!SpinUntil(() => outside.BothSafe, 5_000)) throw new TimeoutException($"{mode} cycle {i}: states not SAFE; {Diagnose()}");
            }
            results.Add(new Result(mode, Summarize(gates), Summarize(retained)));
        }

        // Leave no retained bench states behind (empty retained messages delete them).
        mirrorA.Dispose();
        mirrorB.Dispose();
        var clears = new List<Task>();
        foreach (var node in new[] { "bench-a", "bench-b" })
        {
            clears.Add(outsideClient.PublishAsync($"{prefix}/nodes/{node}/state", ReadOnlyMemory<byte>.Empty, retain: true, CancellationToken.None));
            clears.Add(outsideClient.PublishAsync($"{prefix}/nodes/{node}/online", ReadOnlyMemory<byte>.Empty, retain: true, CancellationToken.None));
        }
        Task.WaitAll([.. clears], TimeSpan.FromSeconds(2));
        outsideClient.CloseAsync(CancellationToken.None).GetAwaiter().GetResult();
        outsideClient.DisposeAsync().AsTask().GetAwaiter().GetResult();

        output.WriteLine($"MQTT mirror latency, broker {s.Host}:{s.Port}, {s.Cycles} cycles per mode (+{s.Warmup} warm-up), MQTTnet {typeof(MQTTnet.MqttClient).Assembly.GetName().Version?.ToString(3)}, {Environment.ProcessorCount} CPUs, .NET {Environment.Version}{(System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported ? "" : " (Native AOT)")}");
        output.WriteLine("mode     measured to                        n      p50 µs   p99 µs   max µs  mean µs");
        foreach (var r in results)
        {
            Row(output, r.Mode, "B's gates closed", r.GatesClosed);
            Row(output, r.Mode, "B's retained ENGAGED seen outside", r.RetainedSeen);
        }
        return results;
    }

    static void Row(TextWriter o, string mode, string what, Stats st) =>
        o.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0,-8} {1,-34} {2,4} {3,8:F0} {4,8:F0} {5,8:F0} {6,8:F0}", mode, what, st.Count, st.P50, st.P99, st.Max, st.Mean));

    static Stats Summarize(List<double> xs)
    {
        xs.Sort();
        double P(double q) => xs[Math.Min(xs.Count - 1, (int)Math.Ceiling(q * xs.Count) - 1)];
        return new Stats(xs.Count, P(0.50), P(0.99), xs[^1], xs.Average());
    }

    static bool SpinUntil(Func<bool> condition, int timeoutMs)
    {
        var sw = Stopwatch.StartNew();
        while (!condition())
        {
            if (sw.ElapsedMilliseconds > timeoutMs) return false;
            Thread.Sleep(1); // between cycles only, never inside a measured interval
        }
        return true;
    }

    static readonly byte[] EngageCommand = "bench"u8.ToArray();

    /// <summary>The outside subscriber: records when B's ENGAGED state arrives, and the last state of A and B.</summary>
    sealed class Outside(string stateB, string stateA)
    {
        public readonly ManualResetEventSlim EngagedB = new(false);
        public long EngagedBAt;
        volatile bool _aEngaged = true;
        volatile bool _bEngaged = true;

        public bool AEngaged => _aEngaged;
        public bool BothSafe => !_aEngaged && !_bEngaged;

        public void OnMessage(string topic, ReadOnlySpan<byte> payload, bool retained)
        {
            long now = Stopwatch.GetTimestamp();
            var publisher = topic == stateB ? "bench-b" : "bench-a";
            if (!BreakerStateCodec.TryReadPeerPayload(payload, publisher, out var st, out _)) return;
            bool engaged = st.Position == BreakerPosition.Engaged;
            if (topic == stateB)
            {
                _bEngaged = engaged;
                if (engaged)
                {
                    Volatile.Write(ref EngagedBAt, now);
                    EngagedB.Set();
                }
            }
            else if (topic == stateA)
            {
                _aEngaged = engaged;
            }
        }
    }
}
