using System.Runtime.InteropServices;

namespace EdgeTrader.Interop.Gpio;

/// <summary>A GPIO call failed; <see cref="Errno"/> says why (EACCES, EBUSY, ...).</summary>
internal sealed class GpioException(string message, int errno) : IOException(message)
{
    /// <summary>The errno of the failed call.</summary>
    public int Errno { get; } = errno;

    internal static GpioException LastError(string what)
    {
        int errno = Marshal.GetLastPInvokeError();
        return new GpioException($"{what}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})", errno);
    }
}

/// <summary>What GPIO_GET_CHIPINFO reports about a chip.</summary>
/// <param name="Path">Device path, e.g. /dev/gpiochip0.</param>
/// <param name="Name">Kernel name, e.g. gpiochip0.</param>
/// <param name="Label">Driver label, e.g. pinctrl-bcm2711 (Pi 4) or pinctrl-rp1 (Pi 5).</param>
/// <param name="Lines">Number of lines.</param>
internal readonly record struct GpioChipDescription(string Path, string Name, string Label, uint Lines);

/// <summary>What GPIO_V2_GET_LINEINFO reports about one line.</summary>
/// <param name="Offset">Line offset on its chip.</param>
/// <param name="Name">Line name (from the device tree or the simulator), may be empty.</param>
/// <param name="Consumer">Who holds the line, empty when free.</param>
/// <param name="Flags">gpio_v2_line_flag bits.</param>
internal readonly record struct GpioLineInfo(uint Offset, string Name, string Consumer, ulong Flags)
{
    /// <summary>Requested by someone (a process or a kernel driver).</summary>
    public bool Used => (Flags & GpioAbi.FlagUsed) != 0;
}

/// <summary>An open /dev/gpiochipN: reads chip and line info and requests lines. Line requests outlive the chip handle.</summary>
internal sealed unsafe class GpioChip : IDisposable
{
    readonly GpioFdHandle _fd;

    GpioChip(GpioFdHandle fd, GpioChipDescription info)
    {
        _fd = fd;
        Info = info;
    }

    /// <summary>Chip name, label, line count and path.</summary>
    public GpioChipDescription Info { get; }

    /// <summary>The GPIO character devices present, in numeric order (/dev/gpiochip0, /dev/gpiochip1, ... /dev/gpiochip10).</summary>
    public static IReadOnlyList<string> DevicePaths(string devDir = "/dev")
    {
        if (!Directory.Exists(devDir)) return [];
        return Directory.GetFiles(devDir, "gpiochip*")
            .Select(p => (p, n: int.TryParse(Path.GetFileName(p).AsSpan("gpiochip".Length), out int k) ? k : int.MaxValue))
            .OrderBy(x => x.n).ThenBy(x => x.p, StringComparer.Ordinal)
            .Select(x => x.p)
            .ToArray();
    }

    /// <summary>Opens a chip and reads its info. Throws <see cref="GpioException"/> (EACCES when the user may not).</summary>
    public static GpioChip Open(string path)
    {
        GpioAbi.VerifyLayout();
        int raw = GpioNative.Open(path, GpioNative.O_RDWR | GpioNative.O_CLOEXEC);
        if (raw < 0) throw GpioException.LastError($"open {path}");
        var fd = new GpioFdHandle(raw);
        GpioChipInfo ci = default;
        if (GpioNative.Ioctl(fd, GpioAbi.GetChipInfoIoctl, &ci) != 0)
        {
            var ex = GpioException.LastError($"GPIO_GET_CHIPINFO on {path}");
            fd.Dispose();
            throw ex;
        }
        return new GpioChip(fd, new GpioChipDescription(path, ci.NameString, ci.LabelString, ci.Lines));
    }

    /// <summary>One line's name, consumer and flags.</summary>
    public GpioLineInfo GetLineInfo(uint offset)
    {
        GpioV2LineInfo li = default;
        li.Offset = offset;
        if (GpioNative.Ioctl(_fd, GpioAbi.GetLineInfoIoctl, &li) != 0)
            throw GpioException.LastError($"GPIO_V2_GET_LINEINFO {Info.Path} offset {offset}");
        return new GpioLineInfo(offset, li.NameString, li.ConsumerString, li.Flags);
    }

    /// <summary>Every line's info, by offset.</summary>
    public IReadOnlyList<GpioLineInfo> GetAllLineInfo()
    {
        var list = new GpioLineInfo[Info.Lines];
        for (uint i = 0; i < Info.Lines; i++) list[i] = GetLineInfo(i);
        return list;
    }

    /// <summary>
    /// Requests one input line with edge events on both edges (kernel-timestamped, CLOCK_MONOTONIC) and, when
    /// <paramref name="debounceUs"/> is non-zero, the kernel's debounce. <paramref name="biasFlags"/> is 0 (no bias flag:
    /// the pull-up is part of the wiring or the board's pin configuration, see hw/README.md), FlagBiasPullUp or
    /// FlagBiasPullDown.
    /// </summary>
    public GpioLineRequest RequestInput(uint offset, string consumer, uint debounceUs, ulong biasFlags = 0)
    {
        GpioV2LineRequest req = default;
        req.Offsets[0] = offset;
        req.NumLines = 1;
        req.EventBufferSize = 64;
        GpioAbi.PutCString(new Span<byte>(req.Consumer, GpioAbi.MaxNameSize), consumer);
        req.Config.Flags = GpioAbi.FlagInput | GpioAbi.FlagEdgeRising | GpioAbi.FlagEdgeFalling | biasFlags;
        if (debounceUs != 0)
        {
            req.Config.Attrs[0] = new GpioV2LineConfigAttribute
            {
                Attr = new GpioV2LineAttribute { Id = GpioAbi.AttrIdDebounce, Value = debounceUs },
                Mask = 1,
            };
            req.Config.NumAttrs = 1;
        }
        return Request(ref req, offset, "input");
    }

    /// <summary>Requests one push-pull, active-high output line driven to <paramref name="initial"/> from the first instant.</summary>
    public GpioLineRequest RequestOutput(uint offset, string consumer, bool initial)
    {
        GpioV2LineRequest req = default;
        req.Offsets[0] = offset;
        req.NumLines = 1;
        GpioAbi.PutCString(new Span<byte>(req.Consumer, GpioAbi.MaxNameSize), consumer);
        req.Config.Flags = GpioAbi.FlagOutput;
        req.Config.Attrs[0] = new GpioV2LineConfigAttribute
        {
            Attr = new GpioV2LineAttribute { Id = GpioAbi.AttrIdOutputValues, Value = initial ? 1UL : 0UL },
            Mask = 1,
        };
        req.Config.NumAttrs = 1;
        return Request(ref req, offset, "output");
    }

    GpioLineRequest Request(ref GpioV2LineRequest req, uint offset, string kind)
    {
        fixed (GpioV2LineRequest* p = &req)
        {
            if (GpioNative.Ioctl(_fd, GpioAbi.GetLineIoctl, p) != 0)
                throw GpioException.LastError($"GPIO_V2_GET_LINE ({kind}) {Info.Path} offset {offset}");
        }
        return new GpioLineRequest(new GpioFdHandle(req.Fd), offset);
    }

    /// <inheritdoc/>
    public void Dispose() => _fd.Dispose();
}

/// <summary>A requested line (one line per request): values, and edge events for inputs. Dispose releases the line.</summary>
internal sealed unsafe class GpioLineRequest : IDisposable
{
    internal GpioLineRequest(GpioFdHandle fd, uint offset)
    {
        Handle = fd;
        Offset = offset;
    }

    /// <summary>The line-request descriptor (pollable for events).</summary>
    public GpioFdHandle Handle { get; }

    /// <summary>The line's offset on its chip.</summary>
    public uint Offset { get; }

    /// <summary>The line's logical level (active-high: physical level).</summary>
    public bool GetValue()
    {
        GpioV2LineValues v = new() { Mask = 1 };
        if (GpioNative.Ioctl(Handle, GpioAbi.LineGetValuesIoctl, &v) != 0)
            throw GpioException.LastError($"GPIO_V2_LINE_GET_VALUES offset {Offset}");
        return (v.Bits & 1) != 0;
    }

    /// <summary>Drives an output line.</summary>
    public void SetValue(bool high)
    {
        GpioV2LineValues v = new() { Bits = high ? 1UL : 0UL, Mask = 1 };
        if (GpioNative.Ioctl(Handle, GpioAbi.LineSetValuesIoctl, &v) != 0)
            throw GpioException.LastError($"GPIO_V2_LINE_SET_VALUES offset {Offset}");
    }

    /// <summary>Reads the queued edge events (call when poll said readable); returns how many were read.</summary>
    public int ReadEvents(Span<GpioV2LineEvent> buffer)
    {
        fixed (GpioV2LineEvent* p = buffer)
        {
            nint n = GpioNative.Read(Handle, p, (nuint)(buffer.Length * sizeof(GpioV2LineEvent)));
            if (n < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno is GpioNative.EAGAIN or GpioNative.EINTR) return 0;
                throw new GpioException($"read line events offset {Offset}: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
            }
            return (int)(n / sizeof(GpioV2LineEvent));
        }
    }

    /// <inheritdoc/>
    public void Dispose() => Handle.Dispose();
}

/// <summary>poll(2) over line requests.</summary>
internal static unsafe class GpioPoll
{
    /// <summary>
    /// Waits up to <paramref name="timeoutMs"/> for any request to have events; sets <paramref name="readable"/>[i]
    /// (POLLERR/POLLHUP count as readable so that the following read reports the error). Returns false on timeout
    /// or EINTR. The caller must hold references on the handles (DangerousAddRef) for the duration.
    /// </summary>
    public static bool Wait(ReadOnlySpan<int> fds, Span<bool> readable, int timeoutMs)
    {
        Span<GpioNative.PollFd> pfds = stackalloc GpioNative.PollFd[fds.Length];
        for (int i = 0; i < fds.Length; i++) pfds[i] = new GpioNative.PollFd { Fd = fds[i], Events = GpioNative.POLLIN };
        int r;
        fixed (GpioNative.PollFd* p = pfds) r = GpioNative.Poll(p, (nuint)fds.Length, timeoutMs);
        if (r < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno == GpioNative.EINTR) return false;
            throw new GpioException($"poll: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
        }
        bool any = false;
        for (int i = 0; i < fds.Length; i++)
        {
            readable[i] = pfds[i].Revents != 0;
            any |= readable[i];
        }
        return any;
    }
}
