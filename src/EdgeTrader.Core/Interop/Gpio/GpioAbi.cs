using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace EdgeTrader.Interop.Gpio;

// The Linux GPIO character-device uAPI v2, transcribed from <linux/gpio.h>. Every struct is blittable with the
// kernel's layout on 64-bit Linux (x86_64 and arm64 share it: __aligned_u64 is 8-aligned on both). The sizes are
// pinned by unit tests and checked again at run time by GpioAbi.VerifyLayout before the first ioctl.

/// <summary>Constants and ioctl request numbers of the GPIO uAPI v2.</summary>
internal static unsafe class GpioAbi
{
    public const int MaxNameSize = 32;          // GPIO_MAX_NAME_SIZE
    public const int LinesMax = 64;             // GPIO_V2_LINES_MAX
    public const int LineNumAttrsMax = 10;      // GPIO_V2_LINE_NUM_ATTRS_MAX

    // enum gpio_v2_line_flag
    public const ulong FlagUsed = 1UL << 0;
    public const ulong FlagActiveLow = 1UL << 1;
    public const ulong FlagInput = 1UL << 2;
    public const ulong FlagOutput = 1UL << 3;
    public const ulong FlagEdgeRising = 1UL << 4;
    public const ulong FlagEdgeFalling = 1UL << 5;
    public const ulong FlagOpenDrain = 1UL << 6;
    public const ulong FlagOpenSource = 1UL << 7;
    public const ulong FlagBiasPullUp = 1UL << 8;
    public const ulong FlagBiasPullDown = 1UL << 9;
    public const ulong FlagBiasDisabled = 1UL << 10;
    public const ulong FlagEventClockRealtime = 1UL << 11;
    public const ulong FlagEventClockHte = 1UL << 12;

    // enum gpio_v2_line_attr_id
    public const uint AttrIdFlags = 1;
    public const uint AttrIdOutputValues = 2;
    public const uint AttrIdDebounce = 3;

    // enum gpio_v2_line_event_id
    public const uint EventRisingEdge = 1;
    public const uint EventFallingEdge = 2;

    // asm-generic/ioctl.h (x86_64 and arm64): nr 8 bits, type 8 bits, size 14 bits, dir 2 bits.
    internal const int IocNrShift = 0, IocTypeShift = 8, IocSizeShift = 16, IocDirShift = 30;
    internal const uint IocWrite = 1, IocRead = 2;
    internal const byte GpioIoctlType = 0xB4;

    /// <summary>The _IOC macro.</summary>
    public static uint Ioc(uint dir, uint type, uint nr, uint size) =>
        (dir << IocDirShift) | (type << IocTypeShift) | (nr << IocNrShift) | (size << IocSizeShift);

    /// <summary>_IOR(type, nr, size).</summary>
    public static uint Ior(uint type, uint nr, uint size) => Ioc(IocRead, type, nr, size);

    /// <summary>_IOWR(type, nr, size).</summary>
    public static uint Iowr(uint type, uint nr, uint size) => Ioc(IocRead | IocWrite, type, nr, size);

    /// <summary>GPIO_GET_CHIPINFO_IOCTL = _IOR(0xB4, 0x01, struct gpiochip_info).</summary>
    public static readonly uint GetChipInfoIoctl = Ior(GpioIoctlType, 0x01, (uint)sizeof(GpioChipInfo));
    /// <summary>GPIO_V2_GET_LINEINFO_IOCTL = _IOWR(0xB4, 0x05, struct gpio_v2_line_info).</summary>
    public static readonly uint GetLineInfoIoctl = Iowr(GpioIoctlType, 0x05, (uint)sizeof(GpioV2LineInfo));
    /// <summary>GPIO_V2_GET_LINE_IOCTL = _IOWR(0xB4, 0x07, struct gpio_v2_line_request).</summary>
    public static readonly uint GetLineIoctl = Iowr(GpioIoctlType, 0x07, (uint)sizeof(GpioV2LineRequest));
    /// <summary>GPIO_V2_LINE_GET_VALUES_IOCTL = _IOWR(0xB4, 0x0E, struct gpio_v2_line_values).</summary>
    public static readonly uint LineGetValuesIoctl = Iowr(GpioIoctlType, 0x0E, (uint)sizeof(GpioV2LineValues));
    /// <summary>GPIO_V2_LINE_SET_VALUES_IOCTL = _IOWR(0xB4, 0x0F, struct gpio_v2_line_values).</summary>
    public static readonly uint LineSetValuesIoctl = Iowr(GpioIoctlType, 0x0F, (uint)sizeof(GpioV2LineValues));

    /// <summary>The struct sizes of the kernel header; anything else means a transcription error.</summary>
    public const int ChipInfoSize = 68, LineInfoSize = 256, LineRequestSize = 592, LineEventSize = 48, LineValuesSize = 16,
        LineConfigSize = 272, LineAttributeSize = 16, LineConfigAttributeSize = 24;

    /// <summary>Throws when a struct does not have the kernel's size (a wrong layout would corrupt memory in ioctl).</summary>
    public static void VerifyLayout()
    {
        if (sizeof(GpioChipInfo) != ChipInfoSize || sizeof(GpioV2LineInfo) != LineInfoSize
            || sizeof(GpioV2LineRequest) != LineRequestSize || sizeof(GpioV2LineEvent) != LineEventSize
            || sizeof(GpioV2LineValues) != LineValuesSize || sizeof(GpioV2LineConfig) != LineConfigSize)
        {
            throw new InvalidOperationException("GPIO uAPI struct layout does not match <linux/gpio.h>");
        }
    }

    /// <summary>A NUL-terminated fixed-size C string as .NET string.</summary>
    public static string CString(ReadOnlySpan<byte> bytes)
    {
        int n = bytes.IndexOf((byte)0);
        return Encoding.UTF8.GetString(n < 0 ? bytes : bytes[..n]);
    }

    /// <summary>Writes a string into a fixed-size C buffer (truncated, always NUL-terminated).</summary>
    public static void PutCString(Span<byte> dest, string value)
    {
        dest.Clear();
        var bytes = Encoding.UTF8.GetBytes(value);
        bytes.AsSpan(0, Math.Min(bytes.Length, dest.Length - 1)).CopyTo(dest);
    }
}

/// <summary>struct gpiochip_info (68 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct GpioChipInfo
{
    public fixed byte Name[GpioAbi.MaxNameSize];
    public fixed byte Label[GpioAbi.MaxNameSize];
    public uint Lines;

    public string NameString { get { fixed (byte* p = Name) return GpioAbi.CString(new ReadOnlySpan<byte>(p, GpioAbi.MaxNameSize)); } }
    public string LabelString { get { fixed (byte* p = Label) return GpioAbi.CString(new ReadOnlySpan<byte>(p, GpioAbi.MaxNameSize)); } }
}

/// <summary>struct gpio_v2_line_attribute (16 bytes): id, padding, and a u64 union (flags / values / debounce_period_us).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct GpioV2LineAttribute
{
    public uint Id;
    public uint Padding;
    /// <summary>The union: flags (id 1), values (id 2), or debounce_period_us in the low 32 bits (id 3, little-endian).</summary>
    public ulong Value;
}

/// <summary>struct gpio_v2_line_config_attribute (24 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct GpioV2LineConfigAttribute
{
    public GpioV2LineAttribute Attr;
    /// <summary>Which of the request's lines (bit i = offsets[i]) the attribute applies to.</summary>
    public ulong Mask;
}

[InlineArray(GpioAbi.LineNumAttrsMax)]
internal struct GpioV2LineConfigAttributes
{
    GpioV2LineConfigAttribute _element;
}

[InlineArray(GpioAbi.LineNumAttrsMax)]
internal struct GpioV2LineAttributes
{
    GpioV2LineAttribute _element;
}

/// <summary>struct gpio_v2_line_config (272 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct GpioV2LineConfig
{
    public ulong Flags;
    public uint NumAttrs;
    public fixed uint Padding[5];
    public GpioV2LineConfigAttributes Attrs;
}

/// <summary>struct gpio_v2_line_request (592 bytes). On success the kernel fills <see cref="Fd"/> with the line-request fd.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct GpioV2LineRequest
{
    public fixed uint Offsets[GpioAbi.LinesMax];
    public fixed byte Consumer[GpioAbi.MaxNameSize];
    public GpioV2LineConfig Config;
    public uint NumLines;
    public uint EventBufferSize;
    public fixed uint Padding[5];
    public int Fd;
}

/// <summary>struct gpio_v2_line_info (256 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct GpioV2LineInfo
{
    public fixed byte Name[GpioAbi.MaxNameSize];
    public fixed byte Consumer[GpioAbi.MaxNameSize];
    public uint Offset;
    public uint NumAttrs;
    public ulong Flags;
    public GpioV2LineAttributes Attrs;
    public fixed uint Padding[4];

    public string NameString { get { fixed (byte* p = Name) return GpioAbi.CString(new ReadOnlySpan<byte>(p, GpioAbi.MaxNameSize)); } }
    public string ConsumerString { get { fixed (byte* p = Consumer) return GpioAbi.CString(new ReadOnlySpan<byte>(p, GpioAbi.MaxNameSize)); } }
}

/// <summary>struct gpio_v2_line_values (16 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct GpioV2LineValues
{
    public ulong Bits;
    public ulong Mask;
}

/// <summary>struct gpio_v2_line_event (48 bytes). <see cref="TimestampNs"/> is CLOCK_MONOTONIC unless EVENT_CLOCK_* was requested.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct GpioV2LineEvent
{
    public ulong TimestampNs;
    public uint Id;
    public uint Offset;
    public uint Seqno;
    public uint LineSeqno;
    public fixed uint Padding[6];
}
