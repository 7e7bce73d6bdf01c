using EdgeTrader.Configuration;
using EdgeTrader.Health;
using EdgeTrader.KillSwitch;

namespace EdgeTrader.Tests.Session;

/// <summary>
/// The bridge's and the gateway's silence rules through a real session: only a valid tick or a valid gateway message
/// is life; a peer that sends garbage or only stale ticks is as silent as one that sends nothing.
/// </summary>
public sealed class SilenceRuleTests
{
    public enum Feed { Silent, Garbage, Stale }

    const int StaleAfter = 1000, EngageAfter = 3000, MaxTickAge = 500;

    static SessionHarness Harness(int bridgeEngage = 0, int gatewayEngage = 0) => new(
        new BridgeOptions { StaleAfterMs = StaleAfter, EngageOnSilenceMs = bridgeEngage },
        new GatewayOptions { StaleAfterMs = StaleAfter, EngageOnSilenceMs = gatewayEngage, HeartbeatMs = 200, AckTimeoutMs = 500 },
        risk: new() { MaxOrdersPerSecond = 100_000, MaxPosition = 1_000, MaxLossStreak = 0, MaxDailyLoss = 1e12, MaxTickAgeMs = MaxTickAge });

    /// <summary>What a broken bridge sends every 10 ms: nothing, garbage, or well-formed ticks older than risk.maxTickAgeMs.</summary>
    static Action Bridge(SessionHarness h, Feed feed) => feed switch
    {
        Feed.Silent => () => { },
        Feed.Garbage => () => h.Transport.Feed.Publish("{\"symbol\":\"EURUSD\",\"bid\":\"x\""),
        Feed.Stale => () => h.Transport.Feed.Publish(h.Tick(time: h.NowMs - MaxTickAge - 1)),
        _ => throw new ArgumentOutOfRangeException(nameof(feed)),
    };

    /// <summary>A gateway that answers with heartbeats, so only the bridge is on trial.</summary>
    static void GatewayAlive(SessionHarness h) => h.Link.Reply("{\"type\":\"heartbeat\"}");

    [Theory]
    [InlineData(Feed.Silent)]
    [InlineData(Feed.Garbage)]
    [InlineData(Feed.Stale)]
    public void A_bridge_without_a_valid_fresh_tick_is_degraded_after_staleAfterMs(Feed feed)
    {
        using var h = Harness();
        var send = Bridge(h, feed);
        h.Turn();
        Assert.Equal(LinkState.Connecting, h.State(Link.Bridge));
        h.Advance(StaleAfter - 20, send);
        Assert.Equal(LinkState.Connecting, h.State(Link.Bridge));
        h.Advance(30, send);
        Assert.Equal(LinkState.Degraded, h.State(Link.Bridge));
        Assert.Contains("no tick yet", h.Health.Get(Link.Bridge).Detail);
        Assert.False(h.Breaker.IsEngaged); // engageOnSilenceMs is 0: degraded only
        if (feed != Feed.Silent) Assert.True(h.Loop.Counters.Ticks > 50, "the broken bridge's frames did arrive");
    }

    [Theory]
    [InlineData(Feed.Silent)]
    [InlineData(Feed.Garbage)]
    [InlineData(Feed.Stale)]
    public void A_bridge_that_stops_sending_valid_ticks_goes_from_up_to_degraded(Feed feed)
    {
        using var h = Harness();
        h.Feed(h.Tick());
        Assert.Equal(LinkState.Up, h.State(Link.Bridge));
        var send = Bridge(h, feed);
        h.Advance(StaleAfter - 20, send);
        Assert.Equal(LinkState.Up, h.State(Link.Bridge));
        h.Advance(30, send);
        Assert.Equal(LinkState.Degraded, h.State(Link.Bridge));
        Assert.Contains("no tick for", h.Health.Get(Link.Bridge).Detail);
        h.Feed(h.Tick());
        h.Advance(20);
        Assert.Equal(LinkState.Up, h.State(Link.Bridge));
    }

    [Theory]
    [InlineData(Feed.Silent)]
    [InlineData(Feed.Garbage)]
    [InlineData(Feed.Stale)]
    public void A_bridge_silent_for_engageOnSilenceMs_engages_with_source_bridge(Feed feed)
    {
        using var h = Harness(bridgeEngage: EngageAfter);
        h.Feed(h.Tick());
        var send = Bridge(h, feed);
        h.Advance(EngageAfter - 20, () => { send(); GatewayAlive(h); });
        Assert.False(h.Breaker.IsEngaged);
        h.Advance(30, () => { send(); GatewayAlive(h); });
        Assert.True(h.Breaker.IsEngaged);
        Assert.Equal(BreakerSource.Bridge, h.Breaker.State.Source);
        Assert.Contains("bridge silent", h.Breaker.State.Reason);
    }

    [Fact]
    public void A_bridge_that_never_sent_a_valid_tick_engages_after_engageOnSilenceMs_from_the_start()
    {
        using var h = Harness(bridgeEngage: EngageAfter);
        var send = Bridge(h, Feed.Garbage);
        h.Advance(EngageAfter - 20, () => { send(); GatewayAlive(h); });
        Assert.False(h.Breaker.IsEngaged);
        h.Advance(30, () => { send(); GatewayAlive(h); });
        Assert.Equal(BreakerSource.Bridge, h.Breaker.State.Source);
    }

    [Fact]
    public void Valid_ticks_keep_the_bridge_up_and_the_breaker_safe()
    {
        using var h = Harness(bridgeEngage: EngageAfter);
        h.Advance(EngageAfter * 2, () => { h.Transport.Feed.Publish(h.Tick()); GatewayAlive(h); });
        Assert.False(h.Breaker.IsEngaged, h.Breaker.State.Reason);
        Assert.Equal(LinkState.Up, h.State(Link.Bridge));
    }

    [Fact]
    public void After_a_reset_silence_counts_again_from_the_reset()
    {
        using var h = Harness(bridgeEngage: EngageAfter);
        h.Advance(EngageAfter + 10, () => GatewayAlive(h));
        Assert.Equal(BreakerSource.Bridge, h.Breaker.State.Source);
        Assert.True(h.Breaker.Reset("operator", BreakerSource.Cli).Done);
        h.Advance(EngageAfter - 20, () => GatewayAlive(h));
        Assert.False(h.Breaker.IsEngaged, "the silence before the reset must not count again");
        h.Advance(30, () => GatewayAlive(h));
        Assert.True(h.Breaker.IsEngaged);
    }

    /// <summary>What a broken gateway sends every 10 ms.</summary>
    static Action Gateway(SessionHarness h, Feed feed) => feed switch
    {
        Feed.Silent => () => { },
        Feed.Garbage => () => { h.Link.Reply("not json"); h.Link.Reply("{\"type\":\"ack\"}"); h.Link.Reply("{\"type\":\"bogus\",\"id\":\"x\"}"); },
        _ => throw new ArgumentOutOfRangeException(nameof(feed)),
    };

    [Theory]
    [InlineData(Feed.Silent)]
    [InlineData(Feed.Garbage)]
    public void A_gateway_without_a_valid_message_is_degraded_and_engages_after_engageOnSilenceMs(Feed feed)
    {
        using var h = Harness(gatewayEngage: EngageAfter);
        var send = Gateway(h, feed);
        h.Advance(StaleAfter + 10, () => { send(); h.Transport.Feed.Publish(h.Tick()); });
        Assert.Equal(LinkState.Degraded, h.State(Link.Gateway));
        Assert.Contains("no answer from", h.Health.Get(Link.Gateway).Detail);
        h.Advance(EngageAfter - StaleAfter - 40, () => { send(); h.Transport.Feed.Publish(h.Tick()); });
        Assert.False(h.Breaker.IsEngaged);
        h.Advance(40, () => { send(); h.Transport.Feed.Publish(h.Tick()); });
        Assert.True(h.Breaker.IsEngaged);
        Assert.Equal(BreakerSource.Gateway, h.Breaker.State.Source);
        Assert.Contains("gateway silent", h.Breaker.State.Reason);
        if (feed == Feed.Garbage) Assert.True(h.Loop.Counters.Gateway.Unknown > 100);
    }

    [Fact]
    public void A_gateway_heard_from_is_up_and_degraded_once_it_falls_silent()
    {
        using var h = Harness(gatewayEngage: EngageAfter);
        h.Link.Reply("{\"type\":\"heartbeat\"}");
        h.Advance(20);
        Assert.Equal(LinkState.Up, h.State(Link.Gateway));
        h.Advance(StaleAfter + 20, () => h.Link.Reply("garbage"));
        Assert.Equal(LinkState.Degraded, h.State(Link.Gateway));
        Assert.Contains("gateway silent for", h.Health.Get(Link.Gateway).Detail);
        Assert.False(h.Breaker.IsEngaged);
    }

    [Fact]
    public void Heartbeats_go_to_the_gateway_every_heartbeatMs()
    {
        using var h = Harness();
        h.Turn();
        h.Advance(1000);
        int beats = h.SentOfType("heartbeat").Count;
        Assert.InRange(beats, 5, 6); // one at the start, then every 200 ms
        Assert.All(h.SentOfType("heartbeat"), b => Assert.Equal("pi-1", b.GetProperty("node").GetString()));
    }

    [Fact]
    public void In_dry_run_the_gateway_link_is_unused_and_never_engages()
    {
        using var h = new SessionHarness(gateway: new GatewayOptions { StaleAfterMs = 100, EngageOnSilenceMs = 200 }, dryRun: true);
        h.Advance(1000, () => h.Transport.Feed.Publish(h.Tick()));
        Assert.Equal(LinkState.Unused, h.State(Link.Gateway));
        Assert.False(h.Breaker.IsEngaged);
    }
}
