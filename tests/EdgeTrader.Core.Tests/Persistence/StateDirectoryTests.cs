using EdgeTrader.KillSwitch;
using EdgeTrader.Persistence;

namespace EdgeTrader.Tests.Persistence;

public sealed class StateDirectoryTests : IDisposable
{
    readonly string _dir = Path.Combine(Directory.CreateTempSubdirectory("et-sd-").FullName, "state");
    static readonly DateTimeOffset Now = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_dir)!, recursive: true);

    [Fact]
    public void An_empty_state_directory_is_a_fresh_install_SAFE()
    {
        using var d = StateDirectory.Open(_dir);
        var s = d.LoadBreaker("n", Now);
        Assert.False(s.Initial.IsEngaged);
        Assert.Null(s.Problem);
        Assert.False(s.Saved); // the new incarnation is saved at once
    }

    [Theory]
    [InlineData("journal-2026-11-23.jsonl")]
    [InlineData("run")]
    [InlineData("journal.checkpoint")]
    public void A_missing_breaker_json_next_to_other_state_starts_ENGAGED_naming_what_is_there(string other)
    {
        Directory.CreateDirectory(_dir);
        File.WriteAllText(Path.Combine(_dir, other), "x\n");
        using var d = StateDirectory.Open(_dir);
        var s = d.LoadBreaker("n", Now);
        Assert.True(s.Initial.IsEngaged);
        Assert.Equal(BreakerSource.Startup, s.Initial.Source);
        Assert.Contains("breaker.json", s.Initial.Reason);
        Assert.Contains("missing", s.Initial.Reason);
        Assert.Contains(other, s.Initial.Reason);
    }

    [Fact]
    public void A_start_up_problem_engages_a_SAFE_state_with_a_new_engagement_and_leaves_an_ENGAGED_one_as_it_is()
    {
        var safe = BreakerState.FreshInstall(Now, "n");
        var engaged = StateDirectory.FailClosed(safe, "state directory not writable", Now);
        Assert.True(engaged.IsEngaged);
        Assert.Equal(BreakerSource.Startup, engaged.Source);
        Assert.Equal(safe.Self.Next, engaged.Engagement);

        // Started again with the same problem: the same engagement, so peers that dealt with it are not stopped again.
        var again = StateDirectory.FailClosed(engaged with { Reason = "operator", Source = BreakerSource.Cli }, "still not writable", Now.AddMinutes(1));
        Assert.Equal(engaged.Engagement, again.Engagement);
        Assert.Equal(engaged.Self, again.Self);
        Assert.Equal("operator", again.Reason);
    }

    [Theory]
    [InlineData("SAFE")]
    [InlineData("ENGAGED")]
    public void A_start_on_a_directory_that_cannot_be_written_numbers_in_a_new_incarnation(string position)
    {
        // What the file holds is what a start after the repair reads back: nothing this run numbers may reuse it.
        Directory.CreateDirectory(_dir);
        var before = BreakerState.FreshInstall(Now, "n", "0123456789abcdef") with { Self = new NodeIdentity("n", "0123456789abcdef", 4) };
        if (position == "ENGAGED") before = StateDirectory.FailClosed(before, "earlier", Now);
        File.WriteAllBytes(Path.Combine(_dir, BreakerStateFile.FileName), BreakerStateCodec.ToFile(before));
        using var d = StateDirectory.Open(_dir, _ => "Read-only file system");
        var s = d.LoadBreaker("n", Now);
        Assert.True(s.Initial.IsEngaged);
        Assert.False(s.Saved);
        Assert.Contains("not writable", s.Problem);
        Assert.NotEqual("0123456789abcdef", s.Initial.Self.Incarnation);
        if (position == "SAFE") Assert.Equal(new EngagementId("n", s.Initial.Self.Incarnation, 1), s.Initial.Engagement);
        else Assert.Equal(before.Engagement, s.Initial.Engagement); // an automatic source: the engagement stays as it was
        Assert.Equal(position == "SAFE" ? 1 : 0, s.Initial.Self.Counter);
    }

    [Fact]
    public void A_second_holder_of_the_state_directory_is_refused_with_the_holders_pid()
    {
        using var first = StateDirectory.Open(_dir);
        var ex = Assert.Throws<StateDirectoryBusyException>(() => StateDirectory.Open(_dir));
        Assert.Contains($"pid {Environment.ProcessId}", ex.Message);
        first.Dispose();
        using var again = StateDirectory.Open(_dir); // released
    }
}
