using EdgeTrader.Health;

namespace EdgeTrader.Tests.Health;

public class ThrottlingProbeTests
{
    const string Fw = "sys/devices/platform/soc/soc:firmware/get_throttled";

    [Fact]
    public void A_box_without_the_pi_firmware_is_not_readable_and_not_counted_as_wrong()
    {
        using var fs = new FakeSysfs().Dir("sys/devices/platform");
        var s = new ThrottlingProbe(fs.Root).Read();
        Assert.False(s.Readable);
        Assert.Null(s.Ok);
    }

    [Fact]
    public void No_bits_is_ok()
    {
        using var fs = new FakeSysfs().File(Fw, "0\n");
        var s = new ThrottlingProbe(fs.Root).Read();
        Assert.True(s.Readable);
        Assert.True(s.Ok);
        Assert.Equal(ThrottleBits.None, s.Bits);
    }

    [Fact]
    public void Under_voltage_that_has_occurred_since_boot_is_a_warning_even_when_it_is_gone()
    {
        using var fs = new FakeSysfs().File(Fw, "50000\n"); // hex, as the firmware driver prints it: bits 16 and 18
        var s = new ThrottlingProbe(fs.Root).Read();
        Assert.False(s.Ok);
        Assert.False(s.ActiveNow);
        Assert.True(s.Bits.HasFlag(ThrottleBits.UnderVoltageOccurred));
        Assert.True(s.Bits.HasFlag(ThrottleBits.ThrottledOccurred));
        Assert.Contains("under-voltage has occurred since boot", s.Detail);
    }

    [Fact]
    public void Under_voltage_now_is_active_and_not_ok()
    {
        using var fs = new FakeSysfs().File(Fw, "0x50005");
        var s = new ThrottlingProbe(fs.Root).Read();
        Assert.False(s.Ok);
        Assert.True(s.ActiveNow);
        Assert.Contains("UNDER-VOLTAGE NOW", s.Detail);
    }

    [Fact]
    public void A_soft_temperature_limit_that_passed_is_reported_but_ok()
    {
        using var fs = new FakeSysfs().File(Fw, "80000");
        var s = new ThrottlingProbe(fs.Root).Read();
        Assert.True(s.Ok);
        Assert.Contains("soft temperature limit reached since boot", s.Detail);
    }

    [Fact]
    public void The_hwmon_under_voltage_alarm_counts_without_the_firmware_file()
    {
        using var fs = new FakeSysfs().File("sys/class/hwmon/hwmon0/name", "cpu_thermal\n")
            .File("sys/class/hwmon/hwmon1/name", "rpi_volt\n").File("sys/class/hwmon/hwmon1/in0_lcrit_alarm", "1\n");
        var s = new ThrottlingProbe(fs.Root).Read();
        Assert.True(s.Readable);
        Assert.True(s.UnderVoltageAlarm);
        Assert.False(s.Ok);
    }

    [Theory]
    [InlineData("throttled=0x50005", 0x50005)]
    [InlineData("0X1", 1)]
    [InlineData("e0008\n", 0xe0008)]
    public void Both_sysfs_and_vcgencmd_forms_parse(string text, long bits)
    {
        Assert.True(ThrottlingProbe.TryParse(text, out var b));
        Assert.Equal(bits, (long)b);
    }

    [Fact]
    public void An_unreadable_value_is_unknown()
    {
        using var fs = new FakeSysfs().File(Fw, "garbage");
        var s = new ThrottlingProbe(fs.Root).Read();
        Assert.False(s.Readable);
        Assert.Null(s.Ok);
    }
}
