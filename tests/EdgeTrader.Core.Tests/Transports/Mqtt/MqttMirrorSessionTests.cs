using System.Text.Json;
using EdgeTrader.Configuration;
using EdgeTrader.Health;
using EdgeTrader.KillSwitch;
using EdgeTrader.Tests.Support;
using EdgeTrader.Tests.Transports.Mqtt.Support;
using EdgeTrader.Transports.Mqtt;
using Serilog;

namespace EdgeTrader.Tests.Transports.Mqtt;

/// <summary>The session's rules without a broker: an in-memory connector on fake time.</summary>
public sealed class MqttMirrorSessionTests
{
    const string P = "test/session";
    static readonly string StateTopic = $"{P}/nodes/a/state";

    static MqttOptions Options(int isolationMs = 0) => new()
    {
        Enabled = true, Host = "broker.test", Port = 8883, TopicPrefix = P, EngageOnIsolationMs = isolationMs,
    };

    sealed class Rig : IDisposable
    {
        FakeMqttConnector? _connector;

        public Rig(MqttOptions options)
        {
            Clock = new WatchedClock(TestClock.New());
            Breaker = new CircuitBreaker(BreakerState.FreshInstall(Clock.GetUtcNow(), "a"), Clock.Fake);
            Health = new HealthMonitor(Clock.Fake);
            Mirror = new MqttMirror(options, "a", Breaker, Health, Clock, new LoggerConfiguration().CreateLogger(),
                s => _connector = new FakeMqttConnector(s, Clock));
            Mirror.Start();
        }

        public WatchedClock Clock { get; }
        public CircuitBreaker Breaker { get; }
        public HealthMonitor Health { get; }
        public MqttMirror Mirror { get; }
        public FakeMqttConnector Connector => _connector!;
        public HealthMonitor.LinkStatus Link => Health.Get(EdgeTrader.Health.Link.Mqtt);

        public string[] Ops => [.. Connector.Ops];

        public string[] StatePublishes => [.. Connector.Ops.Where(o => o.StartsWith($"publish {StateTopic} ", StringComparison.Ordinal))];

        public static JsonElement Payload(string op) => JsonDocument.Parse(op[$"publish {StateTopic} ".Length..]).RootElement;

        /// <summary>The next timer the session creates, leaving out the wait for its own state after each SUBACK.</summary>
        public async Task<TimeSpan> NextPause()
        {
            while (true)
            {
                var due = await Clock.NextTimer();
                if (due != MqttMirror.HearOwnStateTimeout) return due;
            }
        }

        /// <summary>Accepts the next attempt with an immediate SUBACK and waits until the session is established.</summary>
        public async Task<FakeMqttConnector.FakeConnection> Establish()
        {
            var c = (await Connector.NextAttempt()).Accept();
            await Wait.Until(() => Mirror.IsConnected && StatePublishes.Length > 0, "session established and state published");
            return c;
        }

        public void Dispose() => Mirror.Dispose();
    }

    [Fact]
    public void Connects_with_a_persistent_session_under_a_stable_client_id_and_a_retained_will_of_online_false()
    {
        using var rig = new Rig(Options());

        var s = rig.Connector.Settings;
        Assert.False(s.CleanSession);
        Assert.Equal("edgetrader-a", s.ClientId);
        Assert.Equal(("broker.test", 8883, 10), (s.Host, s.Port, s.KeepAliveSeconds));
        Assert.NotNull(s.Will);
        Assert.Equal($"{P}/nodes/a/online", s.Will.Topic);
        Assert.Equal("false"u8.ToArray(), s.Will.Payload);
        Assert.True(s.Will.Retain);
        Assert.Null(s.Tls);
    }

    [Fact]
    public async Task This_nodes_state_goes_out_only_after_the_SUBACK_and_is_its_state_at_that_moment()
    {
        using var rig = new Rig(Options());
        var c = (await rig.Connector.NextAttempt()).Accept(holdSubAck: true);
        await Wait.Until(() => rig.Ops.Any(o => o.StartsWith("subscribe", StringComparison.Ordinal)), "subscribed");

        // A command the broker queued for this node's persistent session arrives before the SUBACK, and engages.
        c.Deliver($"{P}/killswitch/engage", "queued while away");
        Assert.True(rig.Breaker.IsEngaged);
        Assert.False(rig.Mirror.IsConnected);
        Assert.NotEqual(LinkState.Up, rig.Link.State);

        c.AckSubscribe();
        await Wait.Until(() => rig.StatePublishes.Length > 0, "state published");

        var ops = rig.Ops;
        Assert.Equal("connect", ops[0]);
        Assert.Equal($"publish {P}/nodes/a/online true", ops[1]);
        Assert.Equal($"subscribe {P}/killswitch/engage {P}/killswitch/reset {P}/nodes/+/state", ops[2]);
        int suback = Array.IndexOf(ops, "suback");
        int firstState = Array.FindIndex(ops, o => o.StartsWith($"publish {StateTopic} ", StringComparison.Ordinal));
        Assert.True(suback >= 0 && firstState > suback, string.Join('\n', ops));
        var state = Rig.Payload(ops[firstState]);
        Assert.Equal("ENGAGED", state.GetProperty("state").GetString());
        Assert.Equal(rig.Breaker.State.Engagement.ToString(), state.GetProperty("engagement").GetString());
        Assert.True(rig.Mirror.IsConnected);
        Assert.Equal(LinkState.Up, rig.Link.State);
    }

    [Fact]
    public async Task Connection_attempts_follow_the_backoff_schedule_on_the_injected_clock_and_an_established_session_starts_it_over()
    {
        using var rig = new Rig(Options());
        var start = rig.Clock.GetUtcNow();
        (await rig.Connector.NextAttempt()).Refuse("broker refused the connection: not authorised (CONNACK NotAuthorized)");
        await Wait.Until(() => rig.Link.State == LinkState.Degraded, "degraded");
        Assert.Equal("broker refused the connection: not authorised (CONNACK NotAuthorized)", rig.Link.Detail);

        var elapsed = TimeSpan.Zero;
        foreach (var pause in new[] { 1, 2, 4, 5, 5 }.Select(s => TimeSpan.FromSeconds(s)))
        {
            Assert.Equal(pause, await rig.NextPause());
            int attempts = rig.Connector.Count;
            rig.Clock.Advance(pause - TimeSpan.FromMilliseconds(1));
            Assert.Equal(attempts, rig.Connector.Count); // parked in the pause: nothing else may connect
            rig.Clock.Advance(TimeSpan.FromMilliseconds(1));
            elapsed += pause;
            var attempt = await rig.Connector.NextAttempt();
            Assert.Equal(start + elapsed, attempt.At);
            Assert.Equal(attempts + 1, rig.Connector.Count);
            attempt.Refuse("cannot connect to broker.test:8883: Connection refused", byBroker: false);
        }

        Assert.Equal(TimeSpan.FromSeconds(5), await rig.NextPause());
        rig.Clock.Advance(TimeSpan.FromSeconds(5));
        var c = await rig.Establish();
        Assert.Equal(1, rig.Mirror.Counters.Connects);

        c.Lose("connection lost: Connection reset by peer");
        await Wait.Until(() => rig.Link.State == LinkState.Degraded, "degraded after the loss");
        Assert.Equal("connection lost: Connection reset by peer", rig.Link.Detail);
        Assert.False(rig.Mirror.IsConnected);
        Assert.Equal(TimeSpan.FromSeconds(1), await rig.NextPause());
        Assert.Equal("dispose", rig.Ops[^1]);
    }

    [Fact]
    public async Task A_subscription_the_broker_refuses_is_a_failure_the_link_shows_and_the_connection_is_dropped_and_retried()
    {
        using var rig = new Rig(Options());
        var c = (await rig.Connector.NextAttempt()).Accept(holdSubAck: true);
        c.RefuseSubscribe($"broker refused the subscription to {P}/nodes/+/state (NotAuthorized)");

        await Wait.Until(() => rig.Link.State == LinkState.Degraded, "degraded");
        Assert.Contains("refused the subscription", rig.Link.Detail);
        Assert.False(rig.Mirror.IsConnected);
        await Wait.Until(() => rig.Ops.Contains("drop"), "connection dropped");
        Assert.Empty(rig.StatePublishes);

        Assert.Equal(TimeSpan.FromSeconds(1), await rig.NextPause());
        rig.Clock.Advance(TimeSpan.FromSeconds(1));
        await rig.Establish();
        Assert.Equal(LinkState.Up, rig.Link.State);
    }

    [Fact]
    public async Task Without_an_established_session_for_engageOnIsolationMs_the_node_engages_itself()
    {
        using var rig = new Rig(Options(isolationMs: 5_000));
        Assert.Equal(TimeSpan.FromSeconds(5), await rig.NextPause()); // armed at start, before any attempt
        (await rig.Connector.NextAttempt()).Refuse("cannot connect to broker.test:8883: Connection refused", byBroker: false);
        // The retry at 1 s is left unanswered (a connect hanging in TCP).
        Assert.Equal(TimeSpan.FromSeconds(1), await rig.NextPause());
        rig.Clock.Advance(TimeSpan.FromSeconds(1));
        await rig.Connector.NextAttempt();

        rig.Clock.Advance(TimeSpan.FromMilliseconds(3_999));
        Assert.False(rig.Breaker.IsEngaged);
        rig.Clock.Advance(TimeSpan.FromMilliseconds(1));

        Assert.True(rig.Breaker.IsEngaged);
        Assert.Equal(BreakerSource.Mqtt, rig.Breaker.State.Source);
        Assert.Equal("cut off from the MQTT broker for 5000 ms", rig.Breaker.State.Reason);
    }

    [Fact]
    public async Task The_isolation_countdown_starts_at_a_loss_and_a_session_established_in_time_stops_it()
    {
        using var rig = new Rig(Options(isolationMs: 5_000));
        Assert.Equal(TimeSpan.FromSeconds(5), await rig.NextPause());
        var c = await rig.Establish();
        rig.Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.False(rig.Breaker.IsEngaged);

        c.Lose("connection lost: Connection reset by peer");
        Assert.Equal(TimeSpan.FromSeconds(5), await rig.NextPause()); // the countdown, armed at the loss
        Assert.Equal(TimeSpan.FromSeconds(1), await rig.NextPause()); // the pause before the retry
        rig.Clock.Advance(TimeSpan.FromSeconds(1));
        var back = (await rig.Connector.NextAttempt()).Accept();
        await Wait.Until(() => rig.Mirror.IsConnected, "established again");
        rig.Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.False(rig.Breaker.IsEngaged);

        back.Lose("connection lost: Connection reset by peer");
        Assert.Equal(TimeSpan.FromSeconds(5), await rig.NextPause());
        Assert.Equal(TimeSpan.FromSeconds(1), await rig.NextPause());
        rig.Clock.Advance(TimeSpan.FromSeconds(1));
        await rig.Connector.NextAttempt(); // left hanging
        rig.Clock.Advance(TimeSpan.FromMilliseconds(3_999));
        Assert.False(rig.Breaker.IsEngaged);
        rig.Clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(rig.Breaker.IsEngaged);
    }

    [Fact]
    public async Task States_published_while_a_PUBACK_is_outstanding_coalesce_and_the_last_one_sent_is_the_breakers_latest()
    {
        using var rig = new Rig(Options());
        var c = await rig.Establish();
        int before = rig.StatePublishes.Length;
        c.HoldPubAcks();
        rig.Breaker.Engage("first", BreakerSource.Cli);
        await Wait.Until(() => rig.StatePublishes.Length == before + 1, "the first engagement in flight");
        for (int i = 0; i < 50; i++)
        {
            Assert.True(rig.Breaker.Reset("again", BreakerSource.Cli).Done);
            rig.Breaker.Engage($"burst {i}", BreakerSource.Cli);
        }
        c.ReleasePubAcks();

        var latest = rig.Breaker.State.Engagement.ToString();
        await Wait.Until(() => Rig.Payload(rig.StatePublishes[^1]).GetProperty("engagement").GetString() == latest, "the latest state published");
        Assert.Equal(before + 2, rig.StatePublishes.Length);
        Assert.Equal("burst 49", Rig.Payload(rig.StatePublishes[^1]).GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_clean_stop_sends_a_state_not_yet_out_then_online_false_then_disconnects()
    {
        var rig = new Rig(Options());
        var c = await rig.Establish();
        // The first engagement's PUBACK never comes: the publisher hangs on it while the renewed engagement waits.
        c.HoldNextPubAck();
        rig.Breaker.Engage("stop", BreakerSource.Button);
        await Wait.Until(() => rig.StatePublishes.Any(o => o.Contains("\"ENGAGED\"", StringComparison.Ordinal)), "engaged state in flight");
        var renewed = rig.Breaker.Command("stop again", BreakerSource.Cli);
        Assert.Equal(EngageOutcome.Renewed, renewed.Outcome);

        await Task.Run(rig.Dispose).WaitAsync(TimeSpan.FromSeconds(10));

        var ops = rig.Ops;
        Assert.Equal("dispose", ops[^1]);
        var tail = ops[^4..^1];
        Assert.Equal(renewed.State.Engagement.ToString(), Rig.Payload(tail[0]).GetProperty("engagement").GetString());
        Assert.Equal($"publish {P}/nodes/a/online false", tail[1]);
        Assert.Equal("close", tail[2]);
        Assert.DoesNotContain("drop", ops);
        Assert.False(rig.Mirror.IsConnected);
    }

    [Fact]
    public async Task A_retained_copy_of_its_own_state_is_not_hearing_it_back_only_a_live_one_establishes_the_session()
    {
        using var rig = new Rig(Options(isolationMs: 30_000));
        var c = (await rig.Connector.NextAttempt()).Accept(holdSubAck: true);
        c.Echo = false; // what it publishes now is dropped (no write right)
        c.AckSubscribe();
        Assert.Equal(TimeSpan.FromSeconds(30), await rig.Clock.NextTimer());
        Assert.Equal(MqttMirror.HearOwnStateTimeout, await rig.Clock.NextTimer());
        await Wait.Until(() => rig.StatePublishes.Length > 0, "state published");
        var mine = Rig.Payload(rig.StatePublishes[^1]).GetRawText();
        c.Deliver($"{P}/nodes/a/state", mine, retained: true); // the broker's retained copy, sent at the SUBACK

        rig.Clock.Advance(MqttMirror.HearOwnStateTimeout);
        await Wait.Until(() => rig.Link.State == LinkState.Degraded, "degraded");
        Assert.Contains("does not hear its own state back", rig.Link.Detail);
        Assert.False(rig.Mirror.IsConnected);

        // The next connection (after the first pause of the retry schedule) hears it live: up.
        rig.Clock.Advance(TimeSpan.FromSeconds(1));
        var again = (await rig.Connector.NextAttempt()).Accept();
        await Wait.Until(() => rig.Mirror.IsConnected, "connected after hearing its state live");
        Assert.Equal(LinkState.Up, rig.Link.State);
    }

    [Fact]
    public async Task A_node_that_does_not_hear_its_own_state_back_is_not_connected_and_its_link_says_why()
    {
        using var rig = new Rig(Options(isolationMs: 30_000));
        var c = (await rig.Connector.NextAttempt()).Accept(holdSubAck: true);
        c.Echo = false; // subscribed, but the broker delivers nothing (no read rights)
        c.AckSubscribe();
        Assert.Equal(TimeSpan.FromSeconds(30), await rig.Clock.NextTimer()); // the isolation countdown, armed at start
        Assert.Equal(MqttMirror.HearOwnStateTimeout, await rig.Clock.NextTimer());
        await Wait.Until(() => rig.StatePublishes.Length > 0, "state published");
        Assert.False(rig.Mirror.IsConnected);
        Assert.NotEqual(LinkState.Up, rig.Link.State);

        rig.Clock.Advance(MqttMirror.HearOwnStateTimeout);

        await Wait.Until(() => rig.Link.State == LinkState.Degraded, "degraded");
        Assert.Contains("does not hear its own state back", rig.Link.Detail);
        Assert.Contains($"{P}/nodes/+/state", rig.Link.Detail);
        Assert.False(rig.Mirror.IsConnected);
        Assert.Contains("drop", rig.Ops); // dropped without DISCONNECT: the will says offline
        // Deaf counts as cut off: the isolation countdown has run since start.
        rig.Clock.Advance(TimeSpan.FromSeconds(20));
        Assert.True(rig.Breaker.IsEngaged);
    }
}
