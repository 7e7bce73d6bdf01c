namespace EdgeTrader.Transports.Mqtt;

/// <summary>A message from the broker; <paramref name="payload"/> is valid only during the call.</summary>
internal delegate void MqttMessageHandler(string topic, ReadOnlySpan<byte> payload, bool retained);

/// <summary>
/// Opens MQTT connections to one broker, always with the same settings (client id, persistent session, credentials,
/// TLS, Last Will). The mirror's session (<see cref="MqttMirror"/>) owns the only reconnect loop: a connector never
/// reconnects by itself, and a connection that ended stays ended.
/// </summary>
internal interface IMqttConnector
{
    /// <summary>Where the connector connects, for messages ("host:port").</summary>
    string Endpoint { get; }

    /// <summary>
    /// One connection attempt: TCP, TLS when configured, CONNECT, CONNACK. Completes once the broker accepted; every
    /// message it delivers from then on (also queued ones of the persistent session, before any SUBSCRIBE) goes to
    /// <paramref name="onMessage"/>, one at a time, in the broker's order. Throws <see cref="MqttConnectException"/>
    /// when the broker cannot be reached or refuses (a refusal is never a success).
    /// </summary>
    Task<IMqttConnection> ConnectAsync(MqttMessageHandler onMessage, CancellationToken cancellationToken);
}

/// <summary>One accepted MQTT connection (QoS 1 throughout). Disposing it drops it without DISCONNECT (the will fires).</summary>
internal interface IMqttConnection : IAsyncDisposable
{
    /// <summary>SUBSCRIBE to every filter at QoS 1; completes at the SUBACK. Throws <see cref="MqttLinkException"/>
    /// naming the filters the broker refused, and when the connection ends first.</summary>
    Task SubscribeAsync(IReadOnlyList<string> filters, CancellationToken cancellationToken);

    /// <summary>PUBLISH at QoS 1; completes at the PUBACK. Throws <see cref="MqttLinkException"/> when the broker
    /// refuses it or the connection ends first.</summary>
    Task PublishAsync(string topic, ReadOnlyMemory<byte> payload, bool retain, CancellationToken cancellationToken);

    /// <summary>Completes when the connection has ended, lost or closed, with the reason in words. Never faults.</summary>
    Task<string> Closed { get; }

    /// <summary>Sends DISCONNECT (so the broker discards the Last Will) and closes.</summary>
    Task CloseAsync(CancellationToken cancellationToken);
}

/// <summary>A connection attempt failed; <see cref="Exception.Message"/> says why in words an operator can act on.</summary>
internal sealed class MqttConnectException(string message, bool refusedByBroker, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>True when the broker answered with a refusal (CONNACK with an error code), not a network or TLS failure.</summary>
    public bool RefusedByBroker { get; } = refusedByBroker;
}

/// <summary>A subscribe or publish failed on an accepted connection; the message says why.</summary>
internal sealed class MqttLinkException(string message, Exception? inner = null) : Exception(message, inner);
