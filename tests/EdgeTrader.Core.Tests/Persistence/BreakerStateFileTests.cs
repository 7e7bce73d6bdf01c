using EdgeTrader.KillSwitch;
using EdgeTrader.Persistence;

namespace EdgeTrader.Tests.Persistence;

public sealed class BreakerStateFileTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("et-state-").FullName;
    static readonly DateTimeOffset Now = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Missing_state_file_reads_as_a_fresh_install_and_safe()
    {
        var s = new BreakerStateFile(_dir).Load("n", Now, out var problem, out _);
        Assert.Null(problem);
        Assert.False(s.IsEngaged);
        Assert.Null(s.Engagement);
    }

    [Fact]
    public void Engaged_state_with_its_ledger_survives_a_save_and_load()
    {
        var f = new BreakerStateFile(_dir);
        var self = new NodeIdentity("n", "00000000000000aa", 9);
        var ledger = EngagementLedger.Of([new DealtEntry("b", "c", "0123456789abcdef", 4)], legacyFloor: 3);
        var engaged = new BreakerState(BreakerPosition.Engaged, new EngagementId("c", "0123456789abcdef", 7), "button", BreakerSource.Button, Now, self, ledger);
        f.Save(engaged);
        var back = new BreakerStateFile(_dir).Load("n", Now.AddHours(1), out var problem, out var migrated);
        Assert.Null(problem);
        Assert.False(migrated);
        Assert.Equal(engaged, back);
        Assert.False(File.Exists(f.FilePath + ".tmp"));
    }

    [Fact]
    public void A_version_1_file_migrates_own_numbers_continue_above_everything_it_had_seen()
    {
        File.WriteAllText(Path.Combine(_dir, BreakerStateFile.FileName),
            """{"state":"ENGAGED","generation":7,"reason":"button","source":"button","since":"2026-11-23T09:00:00.000Z","highestSeenGeneration":9,"resetGeneration":4}""");
        var s = new BreakerStateFile(_dir).Load("n", Now, out var problem, out var migrated);
        Assert.Null(problem);
        Assert.True(migrated);
        Assert.True(s.IsEngaged);
        Assert.Equal(7, s.Generation);
        Assert.Equal(new EngagementId("n", s.Self.Incarnation, 7), s.Engagement);
        Assert.Equal(9, s.Self.Counter);
        Assert.Equal(4, s.Dealt.LegacyFloor); // a v1 peer's engagement at or below 4 was dealt with
        Assert.True(s.Dealt.IsDealtWith("old-peer", new EngagementId("old-peer", EngagementId.LegacyIncarnation, 4)));
        Assert.False(s.Dealt.IsDealtWith("old-peer", new EngagementId("old-peer", EngagementId.LegacyIncarnation, 5)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("{\"state\":\"SAFE\",\"generation\":3")]
    [InlineData("garbage \u0000\u0001")]
    [InlineData("{\"state\":\"MAYBE\",\"generation\":1,\"source\":\"cli\",\"since\":\"2026-11-23T09:00:00.000Z\",\"highestSeenGeneration\":1}")]
    [InlineData("{\"state\":\"SAFE\",\"generation\":5,\"source\":\"cli\",\"since\":\"2026-11-23T09:00:00.000Z\",\"highestSeenGeneration\":1}")]
    [InlineData("{\"version\":2,\"state\":\"ENGAGED\",\"engagement\":null,\"generation\":0,\"reason\":\"\",\"source\":\"cli\",\"since\":\"2026-11-23T09:00:00.000Z\",\"node\":\"n\",\"incarnation\":\"00000000000000aa\",\"counter\":0,\"legacyResetGeneration\":0,\"dealt\":[]}")]
    [InlineData("{\"version\":2,\"state\":\"SAFE\",\"engagement\":null,\"generation\":0,\"reason\":\"\",\"source\":\"cli\",\"since\":\"2026-11-23T09:00:00.000Z\",\"node\":\"n\",\"incarnation\":\"00000000000000aa\",\"counter\":9007199254740992,\"legacyResetGeneration\":0,\"dealt\":[]}")]
    [InlineData("{\"version\":3,\"state\":\"SAFE\",\"source\":\"cli\",\"since\":\"2026-11-23T09:00:00.000Z\"}")]
    [InlineData("{\"state\":\"SAFE\",\"state\":\"ENGAGED\",\"generation\":1,\"source\":\"cli\",\"since\":\"2026-11-23T09:00:00.000Z\",\"highestSeenGeneration\":1}")]
    public void Corrupt_state_file_starts_engaged_with_source_startup(string content)
    {
        File.WriteAllText(Path.Combine(_dir, BreakerStateFile.FileName), content);
        var s = new BreakerStateFile(_dir).Load("n", Now, out var problem, out _);
        Assert.True(s.IsEngaged);
        Assert.Equal(BreakerSource.Startup, s.Source);
        Assert.NotNull(problem);
        Assert.Contains("corrupt", problem);
    }

    [Fact]
    public void Without_a_space_reserve_a_reset_is_refused()
    {
        var f = new BreakerStateFile(_dir);
        Assert.True(f.EnsureReserve());
        Assert.Null(f.WhyResetIsRefused());

        // The reserve cannot be made (here a directory in its place; on a full disk, no room for it).
        File.Delete(Path.Combine(_dir, BreakerStateFile.ReserveFileName));
        Directory.CreateDirectory(Path.Combine(_dir, BreakerStateFile.ReserveFileName, "x"));
        var time = EdgeTrader.Tests.Support.TestClock.New();
        var b = new CircuitBreaker(BreakerState.FreshInstall(time.GetUtcNow(), "n"), time, f);
        b.AddResetInterlock(f);
        b.Command("desk", BreakerSource.Cli);
        var r = b.Reset("operator", BreakerSource.Cli);
        Assert.False(r.Done);
        Assert.Contains("no space reserve", r.RefusedBecause);

        Directory.Delete(Path.Combine(_dir, BreakerStateFile.ReserveFileName), recursive: true); // room again
        Assert.True(b.Reset("operator", BreakerSource.Cli).Done);
        Assert.True(f.HasReserve);
    }
}
