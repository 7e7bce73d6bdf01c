using System.Buffers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using MQTTnet;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Exceptions;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace EdgeTrader.Transports.Mqtt;

/// <summary>
/// <see cref="IMqttConnector"/> over MQTTnet 5 (MQTT 3.1.1). Each attempt is a new <see cref="IMqttClient"/>, so an
/// event of an earlier, failed or lost connection can never act on a later one; nothing here reconnects.
/// </summary>
internal sealed class MqttNetConnector(MqttConnectSettings settings) : IMqttConnector
{
    /// <summary>Bound on a connect (TCP + TLS + CONNACK) and on waiting for a SUBACK or PUBACK.</summary>
    internal static readonly TimeSpan AckTimeout = TimeSpan.FromSeconds(10);

    static readonly MqttNetTcpAdapterFactory Adapters = new();

    public string Endpoint => $"{settings.Host}:{settings.Port}";

    public async Task<IMqttConnection> ConnectAsync(MqttMessageHandler onMessage, CancellationToken cancellationToken)
    {
        var client = new MqttClient(Adapters, MqttNetNullLogger.Instance);
        var connection = new MqttNetConnection(client, onMessage);
        string? tlsRefusal = null;
        MqttClientConnectResult result;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(AckTimeout);
            try
            {
                result = await client.ConnectAsync(Options(why => tlsRefusal = why), timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"no CONNACK within {AckTimeout.TotalSeconds:0} s");
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        catch (Exception ex)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new MqttConnectException($"cannot connect to {Endpoint}: {Describe(ex, tlsRefusal)}", refusedByBroker: false, ex);
        }
        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new MqttConnectException($"broker refused the connection: {DescribeRefusal(result.ResultCode)}", refusedByBroker: true);
        }
        return connection;
    }

    MqttClientOptions Options(Action<string> onTlsRefusal)
    {
        var b = new MqttClientOptionsBuilder()
            .WithTcpServer(settings.Host, settings.Port)
            .WithProtocolVersion(MqttProtocolVersion.V311)
            .WithClientId(settings.ClientId)
            .WithCleanSession(settings.CleanSession)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(settings.KeepAliveSeconds))
            .WithTimeout(AckTimeout)
            // One write per packet: a PUBLISH's header and payload would otherwise go out as two TCP segments.
            .WithoutPacketFragmentation();
        if (settings.Username is not null) b.WithCredentials(settings.Username, settings.Password);
        if (settings.Will is { } will)
        {
            b.WithWillTopic(will.Topic).WithWillPayload(will.Payload).WithWillRetain(will.Retain)
             .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);
        }
        if (settings.Tls is { } tls)
        {
            b.WithTlsOptions(t =>
            {
                t.UseTls()
                 .WithTargetHost(settings.Host)
                 .WithSslProtocols(SslProtocols.Tls12 | SslProtocols.Tls13)
                 // As libmosquitto without a CRL file: no revocation fetches (a private CA publishes none; the box may
                 // have no route to the internet).
                 .WithRevocationMode(X509RevocationMode.NoCheck)
                 .WithCertificateValidationHandler(e =>
                 {
                     if (e.SslPolicyErrors == SslPolicyErrors.None) return true;
                     onTlsRefusal(DescribeCertificateProblem(e.SslPolicyErrors, e.Chain));
                     return false;
                 });
                if (tls.TrustedCas is { } cas) t.WithTrustChain(cas);
                if (tls.ClientCertificate is { } cert) t.WithClientCertificates([cert]);
            });
        }
        return b.Build();
    }

    /// <summary>The broker's refusal in the words of the MQTT 3.1.1 CONNACK codes (as libmosquitto and mosquitto_pub say them).</summary>
    internal static string DescribeRefusal(MqttClientConnectResultCode code) => code switch
    {
        MqttClientConnectResultCode.UnsupportedProtocolVersion => "unacceptable protocol version",
        MqttClientConnectResultCode.ClientIdentifierNotValid => "identifier rejected",
        MqttClientConnectResultCode.ServerUnavailable => "broker unavailable",
        MqttClientConnectResultCode.BadUserNameOrPassword => "bad user name or password",
        MqttClientConnectResultCode.NotAuthorized => "not authorised",
        _ => $"refused ({code})",
    } + $" (CONNACK {code})";

    static string DescribeCertificateProblem(SslPolicyErrors errors, X509Chain? chain)
    {
        var parts = new List<string>();
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable)) parts.Add("the broker sent no certificate");
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch)) parts.Add("the broker's certificate is not for this host name");
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors))
        {
            var status = chain?.ChainStatus.Select(s => s.Status.ToString()).Distinct() ?? [];
            parts.Add($"the broker's certificate is not trusted by mqtt.caFile ({string.Join(", ", status)})");
        }
        return string.Join("; ", parts);
    }

    /// <summary>A failed connect in words: the socket error, the TLS problem, or the innermost message.</summary>
    internal static string Describe(Exception ex, string? tlsRefusal = null)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is AuthenticationException a) return $"TLS handshake failed: {tlsRefusal ?? a.Message}";
            if (e is SocketException s) return s.Message;
            if (e is TimeoutException or MqttCommunicationTimedOutException) return e.Message.Length > 0 ? e.Message : "timed out";
        }
        var inner = ex;
        while (inner.InnerException is not null) inner = inner.InnerException;
        return inner.Message;
    }

    /// <summary>One accepted connection over its own <see cref="IMqttClient"/>.</summary>
    sealed class MqttNetConnection : IMqttConnection
    {
        readonly IMqttClient _client;
        readonly MqttMessageHandler _onMessage;
        readonly TaskCompletionSource<string> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        volatile bool _closing;

        public MqttNetConnection(IMqttClient client, MqttMessageHandler onMessage)
        {
            _client = client;
            _onMessage = onMessage;
            // Before CONNECT: a persistent session's queued messages arrive right after the CONNACK.
            client.ApplicationMessageReceivedAsync += OnMessage;
            // Only records that the connection ended; reconnecting is the session's loop, never this event's.
            client.DisconnectedAsync += e =>
            {
                // An end this side did not ask for is a loss, whatever MQTTnet calls it (an EOF reads as "normal").
                _closed.TrySetResult(_closing ? "disconnected"
                    : e.Exception is { } ex ? $"connection lost: {Describe(ex)}"
                    : e.Reason == MqttClientDisconnectReason.NormalDisconnection ? "connection lost: closed by the broker or the network"
                    : $"connection lost: {e.Reason}");
                return Task.CompletedTask;
            };
        }

        public Task<string> Closed => _closed.Task;

        Task OnMessage(MqttApplicationMessageReceivedEventArgs e)
        {
            var m = e.ApplicationMessage;
            var payload = m.Payload;
            if (payload.IsSingleSegment)
            {
                _onMessage(m.Topic, payload.FirstSpan, m.Retain);
                return Task.CompletedTask;
            }
            var length = checked((int)payload.Length);
            var buffer = ArrayPool<byte>.Shared.Rent(length);
            try
            {
                payload.CopyTo(buffer);
                _onMessage(m.Topic, buffer.AsSpan(0, length), m.Retain);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
            return Task.CompletedTask;
        }

        public async Task SubscribeAsync(IReadOnlyList<string> filters, CancellationToken cancellationToken)
        {
            var b = new MqttClientSubscribeOptionsBuilder();
            foreach (var f in filters) b.WithTopicFilter(f, MqttQualityOfServiceLevel.AtLeastOnce);
            MqttClientSubscribeResult r;
            try
            {
                r = await _client.SubscribeAsync(b.Build(), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                throw new MqttLinkException($"subscribe failed: {Describe(ex)}", ex);
            }
            var refused = r.Items
                .Where(i => i.ResultCode is not (MqttClientSubscribeResultCode.GrantedQoS0 or MqttClientSubscribeResultCode.GrantedQoS1 or MqttClientSubscribeResultCode.GrantedQoS2))
                .Select(i => $"{i.TopicFilter.Topic} ({i.ResultCode})")
                .ToList();
            if (refused.Count > 0) throw new MqttLinkException($"broker refused the subscription to {string.Join(", ", refused)}");
        }

        public async Task PublishAsync(string topic, ReadOnlyMemory<byte> payload, bool retain, CancellationToken cancellationToken)
        {
            var message = new MqttApplicationMessage
            {
                Topic = topic,
                Payload = new ReadOnlySequence<byte>(payload),
                QualityOfServiceLevel = MqttQualityOfServiceLevel.AtLeastOnce,
                Retain = retain,
            };
            MqttClientPublishResult r;
            try
            {
                r = await _client.PublishAsync(message, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                throw new MqttLinkException($"publish to {topic} failed: {Describe(ex)}", ex);
            }
            if (!r.IsSuccess) throw new MqttLinkException($"broker refused the publish to {topic}: {r.ReasonCode}");
        }

        public async Task CloseAsync(CancellationToken cancellationToken)
        {
            _closing = true;
            try
            {
                await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is MqttCommunicationException or MqttClientNotConnectedException or OperationCanceledException or ObjectDisposedException)
            {
                // Already gone: nothing left to close cleanly.
            }
            _closed.TrySetResult("disconnected");
        }

        public ValueTask DisposeAsync()
        {
            _closing = true;
            _client.Dispose();
            _closed.TrySetResult("closed");
            return ValueTask.CompletedTask;
        }
    }
}
