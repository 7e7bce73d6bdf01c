using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using EdgeTrader.Health;
using EdgeTrader.Tests.Transports.Mqtt.Support;
using EdgeTrader.Transports.Mqtt;
using MQTTnet;

namespace EdgeTrader.Tests.Transports.Mqtt;

/// <summary>The MQTTnet transport against a real Mosquitto: what the session relies on from a connector.</summary>
public sealed class MqttNetConnectorTests
{
    static MqttConnectSettings Settings(int port, string clientId, string? user = null, string? password = null) =>
        new("127.0.0.1", port, clientId, CleanSession: false, KeepAliveSeconds: 5, user, password);

    [Fact]
    public async Task A_refused_CONNACK_throws_with_the_brokers_reason_and_yields_no_connection()
    {
        using var broker = MosquittoBroker.Start(new Dictionary<string, string> { ["a"] = "right" });
        var connector = new MqttNetConnector(Settings(broker.Port, "refused", "a", "wrong"));

        var ex = await Assert.ThrowsAsync<MqttConnectException>(() => connector.ConnectAsync((_, _, _) => { }, CancellationToken.None));

        Assert.True(ex.RefusedByBroker);
        Assert.Equal("broker refused the connection: not authorised (CONNACK NotAuthorized)", ex.Message);
    }

    [Fact]
    public async Task Nothing_listening_throws_naming_the_socket_error()
    {
        var connector = new MqttNetConnector(Settings(MosquittoBroker.FreePort(), "nobody"));

        var ex = await Assert.ThrowsAsync<MqttConnectException>(() => connector.ConnectAsync((_, _, _) => { }, CancellationToken.None));

        Assert.False(ex.RefusedByBroker);
        Assert.Equal($"cannot connect to {connector.Endpoint}: Connection refused", ex.Message);
    }

    [Fact]
    public async Task Messages_arrive_in_order_with_their_retain_flag_and_a_cut_ends_the_connection_without_reconnecting()
    {
        using var broker = MosquittoBroker.Start();
        using var proxy = LoopbackProxy.Start(broker.Port);
        var topic = $"{MqttMirrorClusterTests.NewPrefix()}/x";
        await MqttCli.Publish(broker.Port, topic, "retained-0", retain: true);
        var got = new ConcurrentQueue<(string Payload, bool Retained)>();
        var c = await new MqttNetConnector(Settings(proxy.Port, "order")).ConnectAsync((t, p, r) => got.Enqueue((Encoding.UTF8.GetString(p), r)), CancellationToken.None);
        await using (c)
        {
            await c.SubscribeAsync([topic], CancellationToken.None);
            for (int i = 1; i <= 20; i++) await MqttCli.Publish(broker.Port, topic, $"live-{i}");
            await Wait.Until(() => got.Count == 21, "21 messages");
            Assert.Equal(("retained-0", true), got.First());
            Assert.Equal(Enumerable.Range(1, 20).Select(i => ($"live-{i}", false)), got.Skip(1));

            proxy.CutAll();

            var why = await c.Closed.WaitAsync(TimeSpan.FromSeconds(15));
            Assert.StartsWith("connection lost", why);
            await Assert.ThrowsAsync<MqttLinkException>(() => c.PublishAsync(topic, "late"u8.ToArray(), retain: false, CancellationToken.None));
            Assert.Equal(1, proxy.Accepted);
        }
    }

    [Fact]
    public async Task A_persistent_session_gets_the_QoS_1_messages_sent_while_it_was_away_before_subscribing_again()
    {
        using var broker = MosquittoBroker.Start();
        var topic = $"{MqttMirrorClusterTests.NewPrefix()}/engage";
        var connector = new MqttNetConnector(Settings(broker.Port, $"persistent-{Guid.NewGuid():N}"));
        var first = await connector.ConnectAsync((_, _, _) => { }, CancellationToken.None);
        await first.SubscribeAsync([topic], CancellationToken.None);
        await first.CloseAsync(CancellationToken.None);
        await first.DisposeAsync();

        Assert.Equal(0, (await MqttCli.Publish(broker.Port, topic, "while away")).ExitCode);

        var got = new ConcurrentQueue<string>();
        await using var second = await connector.ConnectAsync((_, p, _) => got.Enqueue(Encoding.UTF8.GetString(p)), CancellationToken.None);
        await Wait.Until(() => !got.IsEmpty, "the queued message");
        Assert.Equal("while away", got.Single());
    }

    [Fact]
    public async Task Failed_connects_are_paced_by_the_backoff_however_often_the_client_reports_a_disconnect()
    {
        // A "broker" that accepts TCP and closes at once: every attempt fails after the connect, the case in which a
        // reconnect from MQTTnet's DisconnectedAsync multiplies into a storm.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var accepts = new ConcurrentQueue<long>();
        using var cts = new CancellationTokenSource();
        var accepting = Task.Run(async () =>
        {
            while (!cts.IsCancellationRequested)
            {
                using var s = await listener.AcceptSocketAsync(cts.Token);
                accepts.Enqueue(Stopwatch.GetTimestamp());
                s.LingerState = new LingerOption(true, 0);
            }
        });
        var prefix = MqttMirrorClusterTests.NewPrefix();
        using (var a = new MirrorNode("a", MirrorNode.ClusterOptions(port, prefix)))
        {
            await Wait.Until(() => accepts.Count >= 3, "three attempts", 20_000);
            Assert.Equal(LinkState.Degraded, a.Health.Get(Link.Mqtt).State);
            Assert.Contains($"cannot connect to 127.0.0.1:{port}", a.Health.Get(Link.Mqtt).Detail);
        }
        cts.Cancel();
        var t = accepts.Take(3).ToArray();
        var gaps = new[] { Stopwatch.GetElapsedTime(t[0], t[1]), Stopwatch.GetElapsedTime(t[1], t[2]) };
        // The schedule is 1 s, then 2 s. The lower bounds are the rule (a second attempt inside a pause is a storm);
        // the upper ones allow 1.5 s of scheduling delay on a loaded 2-core machine.
        Assert.InRange(gaps[0].TotalMilliseconds, 950, 2_500);
        Assert.InRange(gaps[1].TotalMilliseconds, 1_950, 3_500);
    }

    [Fact]
    public async Task A_broker_that_goes_silent_is_noticed_within_one_and_a_half_keepalives()
    {
        using var broker = MosquittoBroker.Start();
        using var proxy = LoopbackProxy.Start(broker.Port);
        var prefix = MqttMirrorClusterTests.NewPrefix();
        using var a = new MirrorNode("a", MirrorNode.ClusterOptions(proxy.Port, prefix));
        await a.Connected();

        proxy.Freeze(); // no FIN, no RST: the path just stops carrying bytes
        var sw = Stopwatch.StartNew();
        await Wait.Until(() => a.Health.Get(Link.Mqtt).State == LinkState.Degraded, "degraded", 30_000);

        // keepAliveSeconds 5: a ping after at most 5 s of sending nothing, and its answer waited for 2.5 s; 2 s of margin.
        Assert.InRange(sw.ElapsedMilliseconds, 0, 7_500 + 2_000);
        Assert.False(a.Mirror.IsConnected);
        Assert.StartsWith("connection lost", a.Health.Get(Link.Mqtt).Detail);
    }

    [Fact]
    public void Refusal_codes_read_as_the_MQTT_3_1_1_CONNACK_texts()
    {
        Assert.StartsWith("not authorised", MqttNetConnector.DescribeRefusal(MqttClientConnectResultCode.NotAuthorized));
        Assert.StartsWith("bad user name or password", MqttNetConnector.DescribeRefusal(MqttClientConnectResultCode.BadUserNameOrPassword));
        Assert.StartsWith("identifier rejected", MqttNetConnector.DescribeRefusal(MqttClientConnectResultCode.ClientIdentifierNotValid));
        Assert.StartsWith("broker unavailable", MqttNetConnector.DescribeRefusal(MqttClientConnectResultCode.ServerUnavailable));
    }
}
