using System.Text.Json;
using EdgeTrader.Interop.Gpio;
using EdgeTrader.Interop.Posix;
using EdgeTrader.Interop.Zmq;

namespace EdgeTrader.Interop;

/// <summary>
/// Every number the interop code hands to the kernel, libc or libzmq, as this binary has it: flags,
/// errno values, ioctl request numbers, struct sizes and field offsets. <c>edgetrader abi --json</c> prints it, and
/// the ABI test (tests/abi) compares each entry with what a C program compiled from the target's own headers prints,
/// on x86_64 and on aarch64. A wrong value here is a wrong system call on that architecture (an open flag that means
/// something else, a struct the kernel reads at other offsets), which no JIT unit test on the build machine can see.
/// </summary>
internal static unsafe class AbiReport
{
    /// <summary>
    /// One value: its C name (what the headers call it), the code symbol that carries it, and the value. With
    /// <paramref name="AtLeast"/> the code's value may exceed the header's (a struct padded beyond the kernel's size).
    /// </summary>
    internal readonly record struct Entry(string Name, string Code, long Value, bool AtLeast = false);

    /// <summary>All entries, in a stable order.</summary>
    public static IReadOnlyList<Entry> Entries()
    {
        var e = new List<Entry>(160);
        void Add(string name, string code, long value) => e.Add(new Entry(name, code, value));

        // libc: open flags (per architecture), errno values, poll flags and struct pollfd.
        Add("O_RDONLY", "PosixFile.O_RDONLY", PosixFile.O_RDONLY);
        Add("O_DIRECTORY", "PosixFile.O_DIRECTORY", PosixFile.O_DIRECTORY);
        Add("O_CLOEXEC", "PosixFile.O_CLOEXEC", PosixFile.O_CLOEXEC);
        Add("O_RDONLY", "PosixLock.O_RDONLY", PosixLock.O_RDONLY);
        Add("O_RDWR", "PosixLock.O_RDWR", PosixLock.O_RDWR);
        Add("O_CREAT", "PosixLock.O_CREAT", PosixLock.O_CREAT);
        Add("O_CLOEXEC", "PosixLock.O_CLOEXEC", PosixLock.O_CLOEXEC);
        Add("S_IRUSR | S_IWUSR", "PosixLock.Mode0600", PosixLock.Mode0600);
        Add("LOCK_EX", "PosixLock.LOCK_EX", PosixLock.LOCK_EX);
        Add("LOCK_NB", "PosixLock.LOCK_NB", PosixLock.LOCK_NB);
        Add("EWOULDBLOCK", "PosixLock.EWOULDBLOCK", PosixLock.EWOULDBLOCK);
        Add("O_RDONLY", "GpioNative.O_RDONLY", GpioNative.O_RDONLY);
        Add("O_RDWR", "GpioNative.O_RDWR", GpioNative.O_RDWR);
        Add("O_CLOEXEC", "GpioNative.O_CLOEXEC", GpioNative.O_CLOEXEC);
        Add("POLLIN", "GpioNative.POLLIN", GpioNative.POLLIN);
        Add("POLLERR", "GpioNative.POLLERR", GpioNative.POLLERR);
        Add("POLLHUP", "GpioNative.POLLHUP", GpioNative.POLLHUP);
        Add("POLLNVAL", "GpioNative.POLLNVAL", GpioNative.POLLNVAL);
        Add("EPERM", "GpioNative.EPERM", GpioNative.EPERM);
        Add("ENOENT", "GpioNative.ENOENT", GpioNative.ENOENT);
        Add("EINTR", "GpioNative.EINTR", GpioNative.EINTR);
        Add("EAGAIN", "GpioNative.EAGAIN", GpioNative.EAGAIN);
        Add("EACCES", "GpioNative.EACCES", GpioNative.EACCES);
        Add("EBUSY", "GpioNative.EBUSY", GpioNative.EBUSY);
        Add("ENODEV", "GpioNative.ENODEV", GpioNative.ENODEV);
        Add("EINVAL", "GpioNative.EINVAL", GpioNative.EINVAL);
        Add("ENOTTY", "GpioNative.ENOTTY", GpioNative.ENOTTY);
        GpioNative.PollFd pfd;
        byte* p = (byte*)&pfd;
        Add("sizeof(struct pollfd)", "GpioNative.PollFd", sizeof(GpioNative.PollFd));
        Add("offsetof(struct pollfd, fd)", "GpioNative.PollFd.Fd", (byte*)&pfd.Fd - p);
        Add("offsetof(struct pollfd, events)", "GpioNative.PollFd.Events", (byte*)&pfd.Events - p);
        Add("offsetof(struct pollfd, revents)", "GpioNative.PollFd.Revents", (byte*)&pfd.Revents - p);

        Add("AT_FDCWD", "FileIdentity.AT_FDCWD", FileIdentity.AT_FDCWD);
        Add("AT_EMPTY_PATH", "FileIdentity.AT_EMPTY_PATH", FileIdentity.AT_EMPTY_PATH);
        Add("STATX_NLINK", "FileIdentity.STATX_NLINK", FileIdentity.STATX_NLINK);
        Add("STATX_INO", "FileIdentity.STATX_INO", FileIdentity.STATX_INO);
        Add("ENOENT", "FileIdentity.ENOENT", FileIdentity.ENOENT);
        Add("ENOTDIR", "FileIdentity.ENOTDIR", FileIdentity.ENOTDIR);
        Add("EPERM", "FileIdentity.EPERM", FileIdentity.EPERM);
        Add("ENOSYS", "FileIdentity.ENOSYS", FileIdentity.ENOSYS);
        FileIdentity.Statx sx;
        p = (byte*)&sx;
        Add("sizeof(struct statx)", "FileIdentity.Statx", sizeof(FileIdentity.Statx));
        Add("offsetof(struct statx, stx_mask)", "FileIdentity.Statx.Mask", (byte*)&sx.Mask - p);
        Add("offsetof(struct statx, stx_nlink)", "FileIdentity.Statx.Nlink", (byte*)&sx.Nlink - p);
        Add("offsetof(struct statx, stx_ino)", "FileIdentity.Statx.Ino", (byte*)&sx.Ino - p);
        Add("offsetof(struct statx, stx_dev_major)", "FileIdentity.Statx.DevMajor", (byte*)&sx.DevMajor - p);
        Add("offsetof(struct statx, stx_dev_minor)", "FileIdentity.Statx.DevMinor", (byte*)&sx.DevMinor - p);

        Add("PRIO_PROCESS", "ThreadNice.PRIO_PROCESS", ThreadNice.PRIO_PROCESS);
        Add("TIME_ERROR", "KernelClock.TIME_ERROR", KernelClock.TIME_ERROR);
        Add("STA_UNSYNC", "KernelClock.STA_UNSYNC", KernelClock.STA_UNSYNC);
        KernelClock.Timex tx;
        p = (byte*)&tx;
        // The kernel copies sizeof(struct timex) in and out; the C# struct is padded beyond it.
        e.Add(new Entry("sizeof(struct timex)", "KernelClock.Timex", sizeof(KernelClock.Timex), AtLeast: true));
        Add("offsetof(struct timex, modes)", "KernelClock.Timex.Modes", (byte*)&tx.Modes - p);
        Add("offsetof(struct timex, offset)", "KernelClock.Timex.Offset", (byte*)&tx.Offset - p);
        Add("offsetof(struct timex, freq)", "KernelClock.Timex.Freq", (byte*)&tx.Freq - p);
        Add("offsetof(struct timex, maxerror)", "KernelClock.Timex.MaxError", (byte*)&tx.MaxError - p);
        Add("offsetof(struct timex, esterror)", "KernelClock.Timex.EstError", (byte*)&tx.EstError - p);
        Add("offsetof(struct timex, status)", "KernelClock.Timex.Status", (byte*)&tx.Status - p);
        Add("offsetof(struct timex, constant)", "KernelClock.Timex.Constant", (byte*)&tx.Constant - p);
        Add("offsetof(struct timex, precision)", "KernelClock.Timex.Precision", (byte*)&tx.Precision - p);
        Add("offsetof(struct timex, tolerance)", "KernelClock.Timex.Tolerance", (byte*)&tx.Tolerance - p);
        Add("offsetof(struct timex, time.tv_sec)", "KernelClock.Timex.TimeSec", (byte*)&tx.TimeSec - p);
        Add("offsetof(struct timex, time.tv_usec)", "KernelClock.Timex.TimeUsec", (byte*)&tx.TimeUsec - p);
        Add("offsetof(struct timex, tick)", "KernelClock.Timex.Tick", (byte*)&tx.Tick - p);
        Add("offsetof(struct timex, ppsfreq)", "KernelClock.Timex.PpsFreq", (byte*)&tx.PpsFreq - p);
        Add("offsetof(struct timex, jitter)", "KernelClock.Timex.Jitter", (byte*)&tx.Jitter - p);
        Add("offsetof(struct timex, shift)", "KernelClock.Timex.Shift", (byte*)&tx.Shift - p);
        Add("offsetof(struct timex, stabil)", "KernelClock.Timex.Stabil", (byte*)&tx.Stabil - p);
        Add("offsetof(struct timex, jitcnt)", "KernelClock.Timex.JitCnt", (byte*)&tx.JitCnt - p);
        Add("offsetof(struct timex, calcnt)", "KernelClock.Timex.CalCnt", (byte*)&tx.CalCnt - p);
        Add("offsetof(struct timex, errcnt)", "KernelClock.Timex.ErrCnt", (byte*)&tx.ErrCnt - p);
        Add("offsetof(struct timex, stbcnt)", "KernelClock.Timex.StbCnt", (byte*)&tx.StbCnt - p);
        Add("offsetof(struct timex, tai)", "KernelClock.Timex.Tai", (byte*)&tx.Tai - p);
        Add("offsetof(struct timex, tai) + sizeof(int)", "KernelClock.Timex.Reserved", (byte*)tx.Reserved - p);

        // prctl: naming the calling thread.
        Add("PR_SET_NAME", "NativeThread.PR_SET_NAME", NativeThread.PR_SET_NAME);

        AddGpio(Add);
        AddZmq(Add);
        return e;
    }

    static void AddGpio(Action<string, string, long> add)
    {
        add("GPIO_MAX_NAME_SIZE", "GpioAbi.MaxNameSize", GpioAbi.MaxNameSize);
        add("GPIO_V2_LINES_MAX", "GpioAbi.LinesMax", GpioAbi.LinesMax);
        add("GPIO_V2_LINE_NUM_ATTRS_MAX", "GpioAbi.LineNumAttrsMax", GpioAbi.LineNumAttrsMax);
        add("GPIO_V2_LINE_FLAG_USED", "GpioAbi.FlagUsed", (long)GpioAbi.FlagUsed);
        add("GPIO_V2_LINE_FLAG_ACTIVE_LOW", "GpioAbi.FlagActiveLow", (long)GpioAbi.FlagActiveLow);
        add("GPIO_V2_LINE_FLAG_INPUT", "GpioAbi.FlagInput", (long)GpioAbi.FlagInput);
        add("GPIO_V2_LINE_FLAG_OUTPUT", "GpioAbi.FlagOutput", (long)GpioAbi.FlagOutput);
        add("GPIO_V2_LINE_FLAG_EDGE_RISING", "GpioAbi.FlagEdgeRising", (long)GpioAbi.FlagEdgeRising);
        add("GPIO_V2_LINE_FLAG_EDGE_FALLING", "GpioAbi.FlagEdgeFalling", (long)GpioAbi.FlagEdgeFalling);
        add("GPIO_V2_LINE_FLAG_OPEN_DRAIN", "GpioAbi.FlagOpenDrain", (long)GpioAbi.FlagOpenDrain);
        add("GPIO_V2_LINE_FLAG_OPEN_SOURCE", "GpioAbi.FlagOpenSource", (long)GpioAbi.FlagOpenSource);
        add("GPIO_V2_LINE_FLAG_BIAS_PULL_UP", "GpioAbi.FlagBiasPullUp", (long)GpioAbi.FlagBiasPullUp);
        add("GPIO_V2_LINE_FLAG_BIAS_PULL_DOWN", "GpioAbi.FlagBiasPullDown", (long)GpioAbi.FlagBiasPullDown);
        add("GPIO_V2_LINE_FLAG_BIAS_DISABLED", "GpioAbi.FlagBiasDisabled", (long)GpioAbi.FlagBiasDisabled);
        add("GPIO_V2_LINE_FLAG_EVENT_CLOCK_REALTIME", "GpioAbi.FlagEventClockRealtime", (long)GpioAbi.FlagEventClockRealtime);
        add("GPIO_V2_LINE_FLAG_EVENT_CLOCK_HTE", "GpioAbi.FlagEventClockHte", (long)GpioAbi.FlagEventClockHte);
        add("GPIO_V2_LINE_ATTR_ID_FLAGS", "GpioAbi.AttrIdFlags", GpioAbi.AttrIdFlags);
        add("GPIO_V2_LINE_ATTR_ID_OUTPUT_VALUES", "GpioAbi.AttrIdOutputValues", GpioAbi.AttrIdOutputValues);
        add("GPIO_V2_LINE_ATTR_ID_DEBOUNCE", "GpioAbi.AttrIdDebounce", GpioAbi.AttrIdDebounce);
        add("GPIO_V2_LINE_EVENT_RISING_EDGE", "GpioAbi.EventRisingEdge", GpioAbi.EventRisingEdge);
        add("GPIO_V2_LINE_EVENT_FALLING_EDGE", "GpioAbi.EventFallingEdge", GpioAbi.EventFallingEdge);
        // The _IOC encoding the request numbers below are built with (asm-generic/ioctl.h on x86_64 and arm64).
        add("_IOC_NRSHIFT", "GpioAbi.IocNrShift", GpioAbi.IocNrShift);
        add("_IOC_TYPESHIFT", "GpioAbi.IocTypeShift", GpioAbi.IocTypeShift);
        add("_IOC_SIZESHIFT", "GpioAbi.IocSizeShift", GpioAbi.IocSizeShift);
        add("_IOC_DIRSHIFT", "GpioAbi.IocDirShift", GpioAbi.IocDirShift);
        add("_IOC_WRITE", "GpioAbi.IocWrite", GpioAbi.IocWrite);
        add("_IOC_READ", "GpioAbi.IocRead", GpioAbi.IocRead);
        add("_IOC_TYPE(GPIO_GET_CHIPINFO_IOCTL)", "GpioAbi.GpioIoctlType", GpioAbi.GpioIoctlType);
        add("GPIO_GET_CHIPINFO_IOCTL", "GpioAbi.GetChipInfoIoctl", GpioAbi.GetChipInfoIoctl);
        add("GPIO_V2_GET_LINEINFO_IOCTL", "GpioAbi.GetLineInfoIoctl", GpioAbi.GetLineInfoIoctl);
        add("GPIO_V2_GET_LINE_IOCTL", "GpioAbi.GetLineIoctl", GpioAbi.GetLineIoctl);
        add("GPIO_V2_LINE_GET_VALUES_IOCTL", "GpioAbi.LineGetValuesIoctl", GpioAbi.LineGetValuesIoctl);
        add("GPIO_V2_LINE_SET_VALUES_IOCTL", "GpioAbi.LineSetValuesIoctl", GpioAbi.LineSetValuesIoctl);
        // The run-time guard's table (GpioAbi.VerifyLayout) must hold the same sizes as the structs themselves.
        add("sizeof(struct gpiochip_info)", "GpioAbi.ChipInfoSize", GpioAbi.ChipInfoSize);
        add("sizeof(struct gpio_v2_line_info)", "GpioAbi.LineInfoSize", GpioAbi.LineInfoSize);
        add("sizeof(struct gpio_v2_line_request)", "GpioAbi.LineRequestSize", GpioAbi.LineRequestSize);
        add("sizeof(struct gpio_v2_line_event)", "GpioAbi.LineEventSize", GpioAbi.LineEventSize);
        add("sizeof(struct gpio_v2_line_values)", "GpioAbi.LineValuesSize", GpioAbi.LineValuesSize);
        add("sizeof(struct gpio_v2_line_config)", "GpioAbi.LineConfigSize", GpioAbi.LineConfigSize);
        add("sizeof(struct gpio_v2_line_attribute)", "GpioAbi.LineAttributeSize", GpioAbi.LineAttributeSize);
        add("sizeof(struct gpio_v2_line_config_attribute)", "GpioAbi.LineConfigAttributeSize", GpioAbi.LineConfigAttributeSize);

        GpioChipInfo ci;
        byte* b = (byte*)&ci;
        add("sizeof(struct gpiochip_info)", "GpioChipInfo", sizeof(GpioChipInfo));
        add("offsetof(struct gpiochip_info, name)", "GpioChipInfo.Name", ci.Name - b);
        add("offsetof(struct gpiochip_info, label)", "GpioChipInfo.Label", ci.Label - b);
        add("offsetof(struct gpiochip_info, lines)", "GpioChipInfo.Lines", (byte*)&ci.Lines - b);

        GpioV2LineAttribute at;
        b = (byte*)&at;
        add("sizeof(struct gpio_v2_line_attribute)", "GpioV2LineAttribute", sizeof(GpioV2LineAttribute));
        add("offsetof(struct gpio_v2_line_attribute, id)", "GpioV2LineAttribute.Id", (byte*)&at.Id - b);
        add("offsetof(struct gpio_v2_line_attribute, padding)", "GpioV2LineAttribute.Padding", (byte*)&at.Padding - b);
        add("offsetof(struct gpio_v2_line_attribute, flags)", "GpioV2LineAttribute.Value", (byte*)&at.Value - b);

        GpioV2LineConfigAttribute ca;
        b = (byte*)&ca;
        add("sizeof(struct gpio_v2_line_config_attribute)", "GpioV2LineConfigAttribute", sizeof(GpioV2LineConfigAttribute));
        add("offsetof(struct gpio_v2_line_config_attribute, attr)", "GpioV2LineConfigAttribute.Attr", (byte*)&ca.Attr - b);
        add("offsetof(struct gpio_v2_line_config_attribute, mask)", "GpioV2LineConfigAttribute.Mask", (byte*)&ca.Mask - b);

        GpioV2LineConfig cfg;
        b = (byte*)&cfg;
        add("sizeof(struct gpio_v2_line_config)", "GpioV2LineConfig", sizeof(GpioV2LineConfig));
        add("offsetof(struct gpio_v2_line_config, flags)", "GpioV2LineConfig.Flags", (byte*)&cfg.Flags - b);
        add("offsetof(struct gpio_v2_line_config, num_attrs)", "GpioV2LineConfig.NumAttrs", (byte*)&cfg.NumAttrs - b);
        add("offsetof(struct gpio_v2_line_config, padding)", "GpioV2LineConfig.Padding", (byte*)cfg.Padding - b);
        add("offsetof(struct gpio_v2_line_config, attrs)", "GpioV2LineConfig.Attrs", (byte*)&cfg.Attrs - b);

        GpioV2LineRequest rq;
        b = (byte*)&rq;
        add("sizeof(struct gpio_v2_line_request)", "GpioV2LineRequest", sizeof(GpioV2LineRequest));
        add("offsetof(struct gpio_v2_line_request, offsets)", "GpioV2LineRequest.Offsets", (byte*)rq.Offsets - b);
        add("offsetof(struct gpio_v2_line_request, consumer)", "GpioV2LineRequest.Consumer", rq.Consumer - b);
        add("offsetof(struct gpio_v2_line_request, config)", "GpioV2LineRequest.Config", (byte*)&rq.Config - b);
        add("offsetof(struct gpio_v2_line_request, num_lines)", "GpioV2LineRequest.NumLines", (byte*)&rq.NumLines - b);
        add("offsetof(struct gpio_v2_line_request, event_buffer_size)", "GpioV2LineRequest.EventBufferSize", (byte*)&rq.EventBufferSize - b);
        add("offsetof(struct gpio_v2_line_request, padding)", "GpioV2LineRequest.Padding", (byte*)rq.Padding - b);
        add("offsetof(struct gpio_v2_line_request, fd)", "GpioV2LineRequest.Fd", (byte*)&rq.Fd - b);

        GpioV2LineInfo li;
        b = (byte*)&li;
        add("sizeof(struct gpio_v2_line_info)", "GpioV2LineInfo", sizeof(GpioV2LineInfo));
        add("offsetof(struct gpio_v2_line_info, name)", "GpioV2LineInfo.Name", li.Name - b);
        add("offsetof(struct gpio_v2_line_info, consumer)", "GpioV2LineInfo.Consumer", li.Consumer - b);
        add("offsetof(struct gpio_v2_line_info, offset)", "GpioV2LineInfo.Offset", (byte*)&li.Offset - b);
        add("offsetof(struct gpio_v2_line_info, num_attrs)", "GpioV2LineInfo.NumAttrs", (byte*)&li.NumAttrs - b);
        add("offsetof(struct gpio_v2_line_info, flags)", "GpioV2LineInfo.Flags", (byte*)&li.Flags - b);
        add("offsetof(struct gpio_v2_line_info, attrs)", "GpioV2LineInfo.Attrs", (byte*)&li.Attrs - b);
        add("offsetof(struct gpio_v2_line_info, padding)", "GpioV2LineInfo.Padding", (byte*)li.Padding - b);

        GpioV2LineValues lv;
        b = (byte*)&lv;
        add("sizeof(struct gpio_v2_line_values)", "GpioV2LineValues", sizeof(GpioV2LineValues));
        add("offsetof(struct gpio_v2_line_values, bits)", "GpioV2LineValues.Bits", (byte*)&lv.Bits - b);
        add("offsetof(struct gpio_v2_line_values, mask)", "GpioV2LineValues.Mask", (byte*)&lv.Mask - b);

        GpioV2LineEvent ev;
        b = (byte*)&ev;
        add("sizeof(struct gpio_v2_line_event)", "GpioV2LineEvent", sizeof(GpioV2LineEvent));
        add("offsetof(struct gpio_v2_line_event, timestamp_ns)", "GpioV2LineEvent.TimestampNs", (byte*)&ev.TimestampNs - b);
        add("offsetof(struct gpio_v2_line_event, id)", "GpioV2LineEvent.Id", (byte*)&ev.Id - b);
        add("offsetof(struct gpio_v2_line_event, offset)", "GpioV2LineEvent.Offset", (byte*)&ev.Offset - b);
        add("offsetof(struct gpio_v2_line_event, seqno)", "GpioV2LineEvent.Seqno", (byte*)&ev.Seqno - b);
        add("offsetof(struct gpio_v2_line_event, line_seqno)", "GpioV2LineEvent.LineSeqno", (byte*)&ev.LineSeqno - b);
        add("offsetof(struct gpio_v2_line_event, padding)", "GpioV2LineEvent.Padding", (byte*)ev.Padding - b);
    }

    static void AddZmq(Action<string, string, long> add)
    {
        add("ZMQ_PAIR", "LibZmq.PAIR", LibZmq.PAIR);
        add("ZMQ_PUB", "LibZmq.PUB", LibZmq.PUB);
        add("ZMQ_SUB", "LibZmq.SUB", LibZmq.SUB);
        add("ZMQ_DEALER", "LibZmq.DEALER", LibZmq.DEALER);
        add("ZMQ_ROUTER", "LibZmq.ROUTER", LibZmq.ROUTER);
        add("ZMQ_PULL", "LibZmq.PULL", LibZmq.PULL);
        add("ZMQ_PUSH", "LibZmq.PUSH", LibZmq.PUSH);
        add("ZMQ_XPUB", "LibZmq.XPUB", LibZmq.XPUB);
        add("ZMQ_ROUTING_ID", "LibZmq.ROUTING_ID", LibZmq.ROUTING_ID);
        add("ZMQ_SUBSCRIBE", "LibZmq.SUBSCRIBE", LibZmq.SUBSCRIBE);
        add("ZMQ_RCVMORE", "LibZmq.RCVMORE", LibZmq.RCVMORE);
        add("ZMQ_LINGER", "LibZmq.LINGER", LibZmq.LINGER);
        add("ZMQ_RECONNECT_IVL", "LibZmq.RECONNECT_IVL", LibZmq.RECONNECT_IVL);
        add("ZMQ_SNDHWM", "LibZmq.SNDHWM", LibZmq.SNDHWM);
        add("ZMQ_RCVHWM", "LibZmq.RCVHWM", LibZmq.RCVHWM);
        add("ZMQ_RCVTIMEO", "LibZmq.RCVTIMEO", LibZmq.RCVTIMEO);
        add("ZMQ_SNDTIMEO", "LibZmq.SNDTIMEO", LibZmq.SNDTIMEO);
        add("ZMQ_RECONNECT_IVL_MAX", "LibZmq.RECONNECT_IVL_MAX", LibZmq.RECONNECT_IVL_MAX);
        add("ZMQ_IMMEDIATE", "LibZmq.IMMEDIATE", LibZmq.IMMEDIATE);
        add("ZMQ_DONTWAIT", "LibZmq.DONTWAIT", LibZmq.DONTWAIT);
        add("ZMQ_SNDMORE", "LibZmq.SNDMORE", LibZmq.SNDMORE);
        add("ZMQ_POLLIN", "LibZmq.POLLIN", LibZmq.POLLIN);
        add("ZMQ_POLLOUT", "LibZmq.POLLOUT", LibZmq.POLLOUT);
        // zmq_errno() returns libc's errno values for these two; ETERM is libzmq's own (ZMQ_HAUSNUMERO + 53).
        add("EAGAIN", "LibZmq.EAGAIN", LibZmq.EAGAIN);
        add("EINTR", "LibZmq.EINTR", LibZmq.EINTR);
        add("ETERM", "LibZmq.ETERM", LibZmq.ETERM);
        ZmqPollItem it;
        byte* b = (byte*)&it;
        add("sizeof(zmq_pollitem_t)", "ZmqPollItem", sizeof(ZmqPollItem));
        add("offsetof(zmq_pollitem_t, socket)", "ZmqPollItem.Socket", (byte*)&it.Socket - b);
        add("offsetof(zmq_pollitem_t, fd)", "ZmqPollItem.Fd", (byte*)&it.Fd - b);
        add("offsetof(zmq_pollitem_t, events)", "ZmqPollItem.Events", (byte*)&it.Events - b);
        add("offsetof(zmq_pollitem_t, revents)", "ZmqPollItem.Revents", (byte*)&it.Revents - b);
    }

    /// <summary>
    /// The report as one JSON object: <c>arch</c> (the process architecture) and <c>entries</c>, each
    /// <c>{"name", "code", "value"}</c> (and <c>"atLeast": true</c> where the value may exceed the header's).
    /// </summary>
    public static void WriteJson(Stream output)
    {
        using var w = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteString("arch", System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant());
        w.WriteStartArray("entries");
        foreach (var e in Entries())
        {
            w.WriteStartObject();
            w.WriteString("name", e.Name);
            w.WriteString("code", e.Code);
            w.WriteNumber("value", e.Value);
            if (e.AtLeast) w.WriteBoolean("atLeast", true);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }
}
