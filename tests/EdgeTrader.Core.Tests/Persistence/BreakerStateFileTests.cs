using EdgeTrader.KillSwitch;
using EdgeTrader.Persistence;

namespace EdgeTrader.Tests.Persistence;

public sealed class BreakerStateFileTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("et-state-").FullName;
    static readonly DateTimeOffset Now = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Missing_state_file_is_a_fresh_install_and_safe()
    {
        var s = new BreakerStateFile(_dir).Load(Now, out var problem);
        Assert.Null(problem);
        Assert.False(s.IsEngaged);
    }

    [Fact]
    public void Engaged_state_survives_a_save_and_load()
    {
        var f = new BreakerStateFile(_dir);
        var engaged = new BreakerState(BreakerPosition.Engaged, 7, "button", BreakerSource.Button, Now, 9, 4);
        f.Save(engaged);
        var back = new BreakerStateFile(_dir).Load(Now.AddHours(1), out var problem);
        Assert.Null(problem);
        Assert.Equal(engaged, back);
        Assert.False(File.Exists(f.FilePath + ".tmp"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("{\"state\":\"SAFE\",\"generation\":3")]
    [InlineData("garbage \u0000\u0001")]
    [InlineData("{\"state\":\"MAYBE\",\"generation\":1,\"source\":\"cli\",\"since\":\"2026-11-23T09:00:00.000Z\",\"highestSeenGeneration\":1}")]
    [InlineData("{\"state\":\"SAFE\",\"generation\":5,\"source\":\"cli\",\"since\":\"2026-11-23T09:00:00.000Z\",\"highestSeenGeneration\":1}")]
    public void Corrupt_state_file_starts_engaged_with_source_startup(string content)
    {
        File.WriteAllText(Path.Combine(_dir, BreakerStateFile.FileName), content);
        var s = new BreakerStateFile(_dir).Load(Now, out var problem);
        Assert.True(s.IsEngaged);
        Assert.Equal(BreakerSource.Startup, s.Source);
        Assert.NotNull(problem);
        Assert.Contains("corrupt", problem);
    }
}
