using System.Device.Gpio;

namespace EdgeTrader.Panel.Gpio;

/// <summary>
/// An edge as EdgeTrader's drivers report it: the <see cref="PinValueChangedEventArgs"/> that
/// <see cref="GpioController"/> hands through unchanged, plus when the edge happened. For the uAPI driver that is the
/// kernel's event stamp (CLOCK_MONOTONIC, taken when the debounce settled); for the sim driver the moment it was set.
/// </summary>
public sealed class GpioEdgeEventArgs(PinEventTypes changeType, int pinNumber, long timestampNs, uint sequence)
    : PinValueChangedEventArgs(changeType, pinNumber)
{
    /// <summary>CLOCK_MONOTONIC nanoseconds of the edge.</summary>
    public long TimestampNs { get; } = timestampNs;

    /// <summary>The driver's running number of this line's edges (the kernel's line_seqno for the uAPI driver).</summary>
    public uint Sequence { get; } = sequence;
}

/// <summary>CLOCK_MONOTONIC in nanoseconds, the clock of kernel GPIO event stamps.</summary>
public static class MonotonicClock
{
    /// <summary>Now. On Linux, Stopwatch ticks are CLOCK_MONOTONIC nanoseconds; converted anyway for other frequencies.</summary>
    public static long NowNs() => ToNs(System.Diagnostics.Stopwatch.GetTimestamp());

    /// <summary>A Stopwatch timestamp in CLOCK_MONOTONIC nanoseconds.</summary>
    public static long ToNs(long stopwatchTimestamp) =>
        System.Diagnostics.Stopwatch.Frequency == 1_000_000_000 ? stopwatchTimestamp : (long)(stopwatchTimestamp * (1e9 / System.Diagnostics.Stopwatch.Frequency));
}
