using System.Collections.Concurrent;
using System.Diagnostics;
using EdgeTrader.Configuration;
using EdgeTrader.Health;
using EdgeTrader.KillSwitch;
using EdgeTrader.Transports.Mqtt;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace EdgeTrader.Tests.Transports.Mqtt.Support;

/// <summary>One in-process node: its own breaker, health board and MQTT mirror, against a real broker.</summary>
internal sealed class MirrorNode : IDisposable
{
    public MirrorNode(string name, MqttOptions options, TimeProvider? time = null, CircuitBreaker? breaker = null)
    {
        Name = name;
        Time = time ?? TimeProvider.System;
        Breaker = breaker ?? new CircuitBreaker(BreakerState.FreshInstall(Time.GetUtcNow(), name), Time);
        Health = new HealthMonitor(Time);
        Log = new CapturingSink();
        Options = options;
        Mirror = new MqttMirror(options, name, Breaker, Health, Time, new LoggerConfiguration().MinimumLevel.Debug().WriteTo.Sink(Log).CreateLogger());
        Mirror.Start();
    }

    public string Name { get; }
    public TimeProvider Time { get; }
    public CircuitBreaker Breaker { get; }
    public HealthMonitor Health { get; }
    public MqttOptions Options { get; }
    public MqttMirror Mirror { get; private set; }
    public CapturingSink Log { get; }

    public bool IsEngaged => Breaker.IsEngaged;

    /// <summary>Options for a node of a test cluster on <paramref name="port"/> under <paramref name="prefix"/>.</summary>
    public static MqttOptions ClusterOptions(int port, string prefix) => new()
    {
        Enabled = true,
        Host = "127.0.0.1",
        Port = port,
        TopicPrefix = prefix,
        KeepAliveSeconds = 5,
    };

    /// <summary>Stops the mirror (clean disconnect) and starts a new one on the same breaker: a fresh subscription.</summary>
    public void RestartMirror()
    {
        Mirror.Dispose();
        Mirror = new MqttMirror(Options, Name, Breaker, Health, Time, new LoggerConfiguration().MinimumLevel.Debug().WriteTo.Sink(Log).CreateLogger());
        Mirror.Start();
    }

    public Task Connected() => Wait.Until(() => Mirror.IsConnected && Mirror.Counters.StatePublishes > 0, $"{Name} connected and published its state");

    public void Dispose() => Mirror.Dispose();

    internal sealed class CapturingSink : ILogEventSink
    {
        public ConcurrentQueue<string> Lines { get; } = new();
        public void Emit(LogEvent logEvent) => Lines.Enqueue($"{logEvent.Level}: {logEvent.RenderMessage()}");
        public override string ToString() => string.Join('\n', Lines);
    }
}

/// <summary>Polls a condition with a deadline (no fixed sleeps).</summary>
internal static class Wait
{
    public static async Task Until(Func<bool> condition, string what, int timeoutMs = 15_000)
    {
        var sw = Stopwatch.StartNew();
        while (!condition())
        {
            if (sw.ElapsedMilliseconds > timeoutMs) throw new TimeoutException($"timed out after {timeoutMs} ms waiting for: {what}");
            await Task.Delay(5);
        }
    }

    public static async Task<T> UntilValue<T>(Func<Task<T>> probe, Func<T, bool> ok, string what, int timeoutMs = 15_000)
    {
        var sw = Stopwatch.StartNew();
        while (true)
        {
            var v = await probe();
            if (ok(v)) return v;
            if (sw.ElapsedMilliseconds > timeoutMs) throw new TimeoutException($"timed out after {timeoutMs} ms waiting for: {what}; last value: {v}");
            await Task.Delay(20);
        }
    }
}
