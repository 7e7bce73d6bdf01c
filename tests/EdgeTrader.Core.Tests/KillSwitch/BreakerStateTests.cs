using EdgeTrader.KillSwitch;
using EdgeTrader.Tests.Support;

namespace EdgeTrader.Tests.KillSwitch;

/// <summary>The state's values and their wire names: an unknown name never reads as SAFE.</summary>
public sealed class BreakerStateTests
{
    static readonly EngagementId E1 = new("n", "0123456789abcdef", 1);
    static readonly EngagementId E2 = new("n", "0123456789abcdef", 2);

    [Theory]
    [InlineData(BreakerSource.Button, "button")]
    [InlineData(BreakerSource.Mqtt, "mqtt")]
    [InlineData(BreakerSource.Peer, "peer")]
    [InlineData(BreakerSource.Risk, "risk")]
    [InlineData(BreakerSource.Bridge, "bridge")]
    [InlineData(BreakerSource.Gateway, "gateway")]
    [InlineData(BreakerSource.Cli, "cli")]
    [InlineData(BreakerSource.Startup, "startup")]
    public void Every_source_has_its_lower_case_wire_name_and_reads_back(BreakerSource source, string name)
    {
        Assert.Equal(name, BreakerNames.Of(source));
        Assert.True(BreakerNames.TryParseSource(name, out var back));
        Assert.Equal(source, back);
    }

    [Fact]
    public void A_source_outside_the_contract_has_no_name()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => BreakerNames.Of((BreakerSource)99));
        Assert.Contains("unknown breaker source", ex.Message);
    }

    [Theory]
    [InlineData("CLI")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("nobody")]
    public void An_unknown_source_name_is_refused(string? name)
    {
        Assert.False(BreakerNames.TryParseSource(name, out var s));
        Assert.Equal(BreakerSource.Startup, s);
    }

    [Fact]
    public void Positions_are_written_SAFE_and_ENGAGED_and_read_back()
    {
        Assert.Equal("SAFE", BreakerNames.Of(BreakerPosition.Safe));
        Assert.Equal("ENGAGED", BreakerNames.Of(BreakerPosition.Engaged));
        Assert.True(BreakerNames.TryParsePosition("SAFE", out var safe));
        Assert.Equal(BreakerPosition.Safe, safe);
        Assert.True(BreakerNames.TryParsePosition("ENGAGED", out var engaged));
        Assert.Equal(BreakerPosition.Engaged, engaged);
    }

    [Theory]
    [InlineData("safe")]
    [InlineData("engaged")]
    [InlineData("")]
    [InlineData(null)]
    public void An_unknown_position_is_refused_and_reads_as_ENGAGED(string? name)
    {
        Assert.False(BreakerNames.TryParsePosition(name, out var p));
        Assert.Equal(BreakerPosition.Engaged, p); // fail closed
    }

    [Fact]
    public void A_fresh_install_is_SAFE_with_no_engagement_and_a_new_incarnation()
    {
        var now = TestClock.Start;
        var s = BreakerState.FreshInstall(now, "pi-1");
        Assert.Equal(BreakerPosition.Safe, s.Position);
        Assert.False(s.IsEngaged);
        Assert.Null(s.Engagement);
        Assert.Equal(0, s.Generation);
        Assert.Equal("fresh install", s.Reason);
        Assert.Equal(BreakerSource.Startup, s.Source);
        Assert.Equal(now, s.Since);
        Assert.Equal("pi-1", s.Self.Node);
        Assert.Equal(0, s.Self.Counter);
        Assert.True(EngagementId.IsValidIncarnation(s.Self.Incarnation));
        Assert.NotEqual(EngagementId.LegacyIncarnation, s.Self.Incarnation);
        Assert.Same(EngagementLedger.Empty, s.Dealt);
        Assert.Equal("0123456789abcdef", BreakerState.FreshInstall(now, "x", "0123456789abcdef").Self.Incarnation);
        Assert.Equal("local", BreakerState.FreshInstall(now).Self.Node);
    }

    [Fact]
    public void The_generation_is_the_engagements_counter()
    {
        var s = BreakerState.FreshInstall(TestClock.Start, "n");
        Assert.Equal(0, s.Generation);
        Assert.Equal(2, (s with { Engagement = E2 }).Generation);
    }

    [Fact]
    public void A_transition_is_a_new_engagement_when_it_engages_or_replaces_the_engagement()
    {
        var safe = BreakerState.FreshInstall(TestClock.Start, "n") with { Engagement = E1 };
        var engaged = safe with { Position = BreakerPosition.Engaged };
        Assert.True(new BreakerTransition(safe, engaged).IsNewEngagement);
        Assert.True(new BreakerTransition(engaged, engaged with { Engagement = E2 }).IsNewEngagement);
        Assert.False(new BreakerTransition(engaged, engaged with { Reason = "same engagement" }).IsNewEngagement);
        Assert.False(new BreakerTransition(engaged, safe).IsNewEngagement);
        Assert.False(new BreakerTransition(safe, safe with { Engagement = E2 }).IsNewEngagement);
    }
}
