using EdgeTrader.Health;

namespace EdgeTrader.Tests.Health;

public class WatchdogProbeTests
{
    const string Wd0 = "sys/class/watchdog/watchdog0/";

    static WatchdogStatus Read(FakeSysfs fs, string? usec = null) => new WatchdogProbe(fs.Root, () => usec).Read();

    [Fact]
    public void An_armed_watchdog_is_read_back_with_the_timeout_the_device_has()
    {
        using var fs = new FakeSysfs()
            .File(Wd0 + "state", "active\n").File(Wd0 + "timeout", "15\n").File(Wd0 + "max_timeout", "15\n")
            .File(Wd0 + "identity", "Broadcom BCM2835 Watchdog timer\n").File(Wd0 + "bootstatus", "0\n");
        var s = Read(fs, "10000000");
        Assert.True(s.Ok);
        Assert.Equal(15, s.Armed!.TimeoutSeconds);
        Assert.Equal(10.0, s.ServiceIntervalSeconds);
        Assert.Contains("armed 15 s", s.Detail);
        Assert.Contains("BCM2835", s.Detail);
    }

    [Fact]
    public void A_watchdog_the_driver_refused_to_arm_is_not_ok_even_though_a_unit_asked_for_it()
    {
        // systemd asked for RuntimeWatchdogSec=30s; bcm2835 refused (EINVAL) and the device stayed inactive.
        using var fs = new FakeSysfs()
            .File(Wd0 + "state", "inactive\n").File(Wd0 + "timeout", "15\n").File(Wd0 + "max_timeout", "15\n")
            .File(Wd0 + "identity", "Broadcom BCM2835 Watchdog timer\n");
        var s = Read(fs, "10000000");
        Assert.False(s.Ok);
        Assert.Null(s.Armed);
        Assert.Contains("NOT armed", s.Detail);
        Assert.Contains("maximum 15 s", s.Detail);
    }

    [Fact]
    public void No_watchdog_device_is_not_ok_and_says_so()
    {
        using var fs = new FakeSysfs().Dir("sys/class/watchdog");
        var s = Read(fs);
        Assert.False(s.Ok);
        Assert.Empty(s.Devices);
        Assert.Null(s.ServiceIntervalSeconds);
        Assert.Contains("no hardware watchdog", s.Detail);
    }

    [Fact]
    public void A_kernel_without_watchdog_sysfs_attributes_is_reported_as_not_readable()
    {
        using var fs = new FakeSysfs().File(Wd0 + "dev", "10:130\n");
        var s = Read(fs);
        Assert.False(s.Ok);
        Assert.Single(s.Devices);
        Assert.Null(s.Devices[0].Armed);
        Assert.Contains("not readable", s.Detail);
    }

    [Fact]
    public void The_armed_device_is_found_among_several()
    {
        using var fs = new FakeSysfs()
            .File(Wd0 + "state", "inactive\n").File(Wd0 + "timeout", "60\n")
            .File("sys/class/watchdog/watchdog1/state", "active\n").File("sys/class/watchdog/watchdog1/timeout", "20\n");
        var s = Read(fs);
        Assert.True(s.Ok);
        Assert.Equal("watchdog1", s.Armed!.Device);
        Assert.Equal(20, s.Armed.TimeoutSeconds);
    }

    [Fact]
    public void Garbage_in_sysfs_files_is_unknown_not_a_crash()
    {
        using var fs = new FakeSysfs().File(Wd0 + "state", "active\n").File(Wd0 + "timeout", "fifteen\n").File(Wd0 + "bootstatus", "0xZZ");
        var s = Read(fs, "not-a-number");
        Assert.False(s.Ok); // armed, but with an unknown timeout
        Assert.Null(s.Armed!.TimeoutSeconds);
        Assert.Null(s.Devices[0].BootStatus);
        Assert.Null(s.ServiceIntervalSeconds);
    }
}
