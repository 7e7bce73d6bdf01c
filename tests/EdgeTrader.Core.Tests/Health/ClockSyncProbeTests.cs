using EdgeTrader.Health;

namespace EdgeTrader.Tests.Health;

public class ClockSyncProbeTests
{
    static (bool, KernelClockReading, string) Kernel(int state, int status, long maxErrUs = 1000) => (true, new KernelClockReading(state, status, maxErrUs), "");
    static (bool, KernelClockReading, string) Refused() => (false, default, "Operation not permitted");

    [Fact]
    public void The_kernel_saying_synchronised_is_synchronised()
    {
        using var fs = new FakeSysfs();
        var s = new ClockSyncProbe(fs.Root, () => Kernel(0, 0x2001, 500_000)).Read();
        Assert.True(s.IsSynchronized);
        Assert.Equal("kernel", s.Source);
        Assert.Equal(0.5, s.MaxErrorSeconds);
    }

    [Theory]
    [InlineData(5, 0x2001)] // TIME_ERROR
    [InlineData(0, 0x0041)] // STA_UNSYNC
    public void The_kernel_saying_unsynchronised_wins_over_a_timesyncd_flag(int state, int status)
    {
        using var fs = new FakeSysfs().File("run/systemd/timesync/synchronized", "");
        var s = new ClockSyncProbe(fs.Root, () => Kernel(state, status)).Read();
        Assert.Equal(ClockSyncState.Unsynchronized, s.State);
        Assert.False(s.IsSynchronized);
    }

    [Fact]
    public void In_a_sandbox_that_refuses_adjtimex_the_timesyncd_flag_is_used()
    {
        using var fs = new FakeSysfs().File("run/systemd/timesync/synchronized", "");
        var s = new ClockSyncProbe(fs.Root, Refused).Read();
        Assert.True(s.IsSynchronized);
        Assert.Equal("timesyncd", s.Source);
        Assert.Contains("Operation not permitted", s.Detail);
    }

    [Fact]
    public void Nothing_readable_is_unknown_and_never_counts_as_synchronised()
    {
        using var fs = new FakeSysfs();
        var s = new ClockSyncProbe(fs.Root, Refused).Read();
        Assert.Equal(ClockSyncState.Unknown, s.State);
        Assert.False(s.IsSynchronized);
    }

    [SkippableFact]
    public void The_real_kernel_answers_a_read_only_adjtimex()
    {
        // Outside a seccomp sandbox adjtimex(modes=0) needs no privilege; this reads the machine's real state.
        Skip.IfNot(EdgeTrader.Interop.Posix.KernelClock.TryRead(out _, out _, out string why), $"adjtimex is refused here ({why})");
        var s = new ClockSyncProbe().Read();
        Assert.Equal("kernel", s.Source);
        Assert.NotNull(s.MaxErrorSeconds);
    }

    [Fact]
    public void The_timex_layout_matches_lp64_linux()
    {
        Assert.Equal(40, (int)System.Runtime.InteropServices.Marshal.OffsetOf<EdgeTrader.Interop.Posix.KernelClock.Timex>("Status"));
        Assert.Equal(24, (int)System.Runtime.InteropServices.Marshal.OffsetOf<EdgeTrader.Interop.Posix.KernelClock.Timex>("MaxError"));
        Assert.Equal(160, (int)System.Runtime.InteropServices.Marshal.OffsetOf<EdgeTrader.Interop.Posix.KernelClock.Timex>("Tai"));
        Assert.True(System.Runtime.InteropServices.Marshal.SizeOf<EdgeTrader.Interop.Posix.KernelClock.Timex>() >= 208);
    }
}
