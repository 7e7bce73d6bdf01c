using System.Runtime.CompilerServices;
using EdgeTrader.Interop.Gpio;

namespace EdgeTrader.Tests.Interop.Gpio;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class GpioAbiTests
{
    // Sizes from <linux/gpio.h> (checked with sizeof() in C on x86_64; arm64 has the same layout).
    [Fact]
    public void Struct_sizes_match_the_kernel_header()
    {
        Assert.Equal(68, Unsafe.SizeOf<GpioChipInfo>());
        Assert.Equal(16, Unsafe.SizeOf<GpioV2LineAttribute>());
        Assert.Equal(24, Unsafe.SizeOf<GpioV2LineConfigAttribute>());
        Assert.Equal(272, Unsafe.SizeOf<GpioV2LineConfig>());
        Assert.Equal(592, Unsafe.SizeOf<GpioV2LineRequest>());
        Assert.Equal(256, Unsafe.SizeOf<GpioV2LineInfo>());
        Assert.Equal(48, Unsafe.SizeOf<GpioV2LineEvent>());
        Assert.Equal(16, Unsafe.SizeOf<GpioV2LineValues>());
        GpioAbi.VerifyLayout(); // the run-time guard agrees
    }

    static int Offset<TStruct, TField>(ref TStruct s, ref TField field) where TStruct : struct =>
        (int)Unsafe.ByteOffset(ref Unsafe.As<TStruct, byte>(ref s), ref Unsafe.As<TField, byte>(ref field));

    [Fact]
    public void Field_offsets_match_the_kernel_header()
    {
        GpioV2LineRequest req = default;
        Assert.Equal(288, Offset(ref req, ref req.Config));
        Assert.Equal(288 + 32, Offset(ref req, ref req.Config.Attrs[0]));
        Assert.Equal(288 + 32 + 24, Offset(ref req, ref req.Config.Attrs[1]));
        Assert.Equal(560, Offset(ref req, ref req.NumLines));
        Assert.Equal(564, Offset(ref req, ref req.EventBufferSize));
        Assert.Equal(588, Offset(ref req, ref req.Fd));

        GpioV2LineInfo info = default;
        Assert.Equal(64, Offset(ref info, ref info.Offset));
        Assert.Equal(72, Offset(ref info, ref info.Flags));
        Assert.Equal(80, Offset(ref info, ref info.Attrs[0]));

        GpioV2LineEvent ev = default;
        Assert.Equal(8, Offset(ref ev, ref ev.Id));
        Assert.Equal(12, Offset(ref ev, ref ev.Offset));
        Assert.Equal(20, Offset(ref ev, ref ev.LineSeqno));

        GpioChipInfo ci = default;
        Assert.Equal(64, Offset(ref ci, ref ci.Lines));
    }

    // _IOC(dir,type,nr,size) = dir<<30 | size<<16 | type<<8 | nr, with _IOC_READ = 2, _IOC_WRITE = 1.
    static uint Ioc(uint dir, uint nr, int size) => (dir << 30) | ((uint)size << 16) | (0xB4u << 8) | nr;

    [Fact]
    public void Ioctl_numbers_equal_the_IOWR_macro_values()
    {
        Assert.Equal(Ioc(2, 0x01, 68), GpioAbi.GetChipInfoIoctl);
        Assert.Equal(Ioc(3, 0x05, 256), GpioAbi.GetLineInfoIoctl);
        Assert.Equal(Ioc(3, 0x07, 592), GpioAbi.GetLineIoctl);
        Assert.Equal(Ioc(3, 0x0E, 16), GpioAbi.LineGetValuesIoctl);
        Assert.Equal(Ioc(3, 0x0F, 16), GpioAbi.LineSetValuesIoctl);
        // The numbers a C program compiled against <linux/gpio.h> prints on x86_64.
        Assert.Equal(0x8044b401u, GpioAbi.GetChipInfoIoctl);
        Assert.Equal(0xc100b405u, GpioAbi.GetLineInfoIoctl);
        Assert.Equal(0xc250b407u, GpioAbi.GetLineIoctl);
        Assert.Equal(0xc010b40eu, GpioAbi.LineGetValuesIoctl);
        Assert.Equal(0xc010b40fu, GpioAbi.LineSetValuesIoctl);
    }

    [Fact]
    public void Flag_and_attribute_values_match_the_kernel_header()
    {
        Assert.Equal(0x4UL, GpioAbi.FlagInput);
        Assert.Equal(0x8UL, GpioAbi.FlagOutput);
        Assert.Equal(0x10UL, GpioAbi.FlagEdgeRising);
        Assert.Equal(0x20UL, GpioAbi.FlagEdgeFalling);
        Assert.Equal(0x100UL, GpioAbi.FlagBiasPullUp);
        Assert.Equal(3u, GpioAbi.AttrIdDebounce);
        Assert.Equal(2u, GpioAbi.AttrIdOutputValues);
        Assert.Equal(1u, GpioAbi.EventRisingEdge);
        Assert.Equal(2u, GpioAbi.EventFallingEdge);
    }

    [Fact]
    public void Consumer_label_is_truncated_and_nul_terminated()
    {
        Span<byte> span = new byte[GpioAbi.MaxNameSize];
        span.Fill(0xFF);
        GpioAbi.PutCString(span, new string('x', 40));
        Assert.Equal(0, span[31]);
        Assert.Equal(new string('x', 31), GpioAbi.CString(span));

        GpioAbi.PutCString(span, "edgetrader");
        Assert.Equal("edgetrader", GpioAbi.CString(span));
        Assert.Equal(0, span[10]);
    }

    [Fact]
    public void Chip_devices_are_listed_in_numeric_order()
    {
        var dir = Directory.CreateTempSubdirectory("gpio-dev-");
        try
        {
            foreach (var n in new[] { "gpiochip10", "gpiochip2", "gpiochip0", "ttyS0" }) File.WriteAllText(Path.Combine(dir.FullName, n), "");
            string[] paths = GpioChip.DevicePaths(dir.FullName).Select(p => Path.GetFileName(p)).ToArray();
            Assert.Equal(new[] { "gpiochip0", "gpiochip2", "gpiochip10" }, paths);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class GpioChipOpenTests
{
    [Fact]
    public void Opening_a_missing_chip_reports_ENOENT_from_open_itself()
    {
        var ex = Assert.Throws<GpioException>(() => GpioChip.Open("/dev/gpiochip-does-not-exist"));
        Assert.Equal(2, ex.Errno); // ENOENT from open(), not a later ioctl on an invalid descriptor
        Assert.StartsWith("open /dev/gpiochip-does-not-exist", ex.Message);
    }

    [Fact]
    public void A_device_that_is_not_a_gpio_chip_is_rejected_by_the_chipinfo_ioctl()
    {
        var ex = Assert.Throws<GpioException>(() => GpioChip.Open("/dev/null"));
        Assert.Equal(25, ex.Errno); // ENOTTY: /dev/null has no GPIO ioctls
        Assert.Contains("GPIO_GET_CHIPINFO", ex.Message);
    }

    [Fact]
    public void Scan_reports_a_device_without_gpio_ioctls_as_unreadable_with_its_errno()
    {
        var dir = Directory.CreateTempSubdirectory("gpio-dev-");
        try
        {
            File.CreateSymbolicLink(Path.Combine(dir.FullName, "gpiochip0"), "/dev/null");
            var scan = GpioLineFinder.Scan("", dir.FullName);
            Assert.Empty(scan.Chips);
            Assert.Equal(25, Assert.Single(scan.Unreadable).Errno); // ENOTTY
            Assert.Null(scan.Find("GPIO17", out _));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
