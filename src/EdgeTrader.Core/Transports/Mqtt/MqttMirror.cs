using EdgeTrader.Configuration;
using EdgeTrader.Health;
using EdgeTrader.KillSwitch;
using Serilog;

namespace EdgeTrader.Transports.Mqtt;

/// <summary>
/// Mirrors the kill switch across the cluster through an MQTT broker (CONTRACT §5). PLACEHOLDER: to be replaced by the
/// libmosquitto implementation; the constructor and members below are the contract the daemon composes against.
/// </summary>
public sealed class MqttMirror : IDisposable
{
    /// <summary>Creates the mirror; nothing connects until <see cref="Start"/>.</summary>
    public MqttMirror(MqttOptions options, string node, CircuitBreaker breaker, HealthMonitor health, TimeProvider time, ILogger log)
    {
        _ = (options, node, breaker, health, time, log);
    }

    /// <summary>Starts connecting in the background; never blocks on the broker.</summary>
    public void Start() => throw new NotSupportedException("MQTT mirroring is not built yet");

    /// <inheritdoc/>
    public void Dispose() { }
}
