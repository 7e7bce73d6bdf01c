using System.Text.Json.Serialization;

namespace EdgeTrader.Configuration;

// Every option with a closed set of values is an enum, bound once from its wire name ([JsonStringEnumMemberName]).
// Code past the loader switches on these, exhaustively; a value outside the set throws instead of falling back.

/// <summary><c>strategy.kind</c>.</summary>
[JsonConverter(typeof(StrictEnumConverter<StrategyKind>))]
public enum StrategyKind
{
    /// <summary>Fast/slow EMA cross of the mid price (the default).</summary>
    [JsonStringEnumMemberName("ema-cross")] EmaCross,
    /// <summary>One order per accepted tick (tests and benchmarks).</summary>
    [JsonStringEnumMemberName("every-tick")] EveryTick,
}

/// <summary><c>bridge.format</c>: the payload of a tick frame.</summary>
[JsonConverter(typeof(StrictEnumConverter<BridgeFormat>))]
public enum BridgeFormat
{
    /// <summary>One flat JSON object per tick.</summary>
    [JsonStringEnumMemberName("json")] Json,
    /// <summary>The DWX connector's "SYMBOL bid;ask" text.</summary>
    [JsonStringEnumMemberName("dwx")] Dwx,
}

/// <summary><c>bridge.transport</c>: the ZeroMQ implementation of the tick feed and the gateway link (one wait polls both).</summary>
[JsonConverter(typeof(StrictEnumConverter<ZmqTransportKind>))]
public enum ZmqTransportKind
{
    /// <summary>libzmq 4.3 (Debian libzmq5) through EdgeTrader's binding: the reference implementation (the default).</summary>
    [JsonStringEnumMemberName("libzmq")] Libzmq,
    /// <summary>NetMQ, the managed port: no native library; tcp:// to IP addresses only (docs/zeromq.md).</summary>
    [JsonStringEnumMemberName("netmq")] NetMq,
}

/// <summary><c>panel.driver</c>: only drivers the GPIO driver contract runs against (docs/panel.md, "Drivers").</summary>
[JsonConverter(typeof(StrictEnumConverter<PanelDriverKind>))]
[RetiredOptionName("libgpiod", RetiredWhy.DotnetIotGpioDriver)]
[RetiredOptionName("sysfs", RetiredWhy.DotnetIotGpioDriver)]
public enum PanelDriverKind
{
    /// <summary>No panel.</summary>
    [JsonStringEnumMemberName("none")] None,
    /// <summary>The Linux GPIO character device (uAPI v2), EdgeTrader's own driver: lines by name, kernel debounce and stamps.</summary>
    [JsonStringEnumMemberName("gpio")] Gpio,
    /// <summary>In process (demo, tests).</summary>
    [JsonStringEnumMemberName("sim")] Sim,
}

/// <summary>Why a retired option value is refused.</summary>
static class RetiredWhy
{
    internal const string DotnetIotGpioDriver =
        "dotnet/iot's libgpiod and sysfs drivers give no kernel debounce, no edge timestamps and no failure signal, so an " +
        "emergency stop behind them cannot fail closed (a dead event thread or a lost edge leaves it reading closed) and " +
        "they cannot pass the GPIO driver contract; use \"gpio\" (the GPIO character device, lines by name as \"GPIO17\"; docs/panel.md)";
}

/// <summary><c>panel.bias</c>: the bias of the panel's input lines.</summary>
[JsonConverter(typeof(StrictEnumConverter<PanelBias>))]
public enum PanelBias
{
    /// <summary>Leave the lines as they are (external pull-ups, hw/README.md).</summary>
    [JsonStringEnumMemberName("as-is")] AsIs,
    /// <summary>The SoC's internal pull-up.</summary>
    [JsonStringEnumMemberName("pull-up")] PullUp,
}

/// <summary><c>logLevel</c>: the lowest level written.</summary>
[JsonConverter(typeof(StrictEnumConverter<LogLevel>))]
public enum LogLevel
{
    /// <summary>Everything.</summary>
    [JsonStringEnumMemberName("verbose")] Verbose,
    /// <summary>Diagnostics.</summary>
    [JsonStringEnumMemberName("debug")] Debug,
    /// <summary>The default.</summary>
    [JsonStringEnumMemberName("information")] Information,
    /// <summary>Warnings and errors.</summary>
    [JsonStringEnumMemberName("warning")] Warning,
    /// <summary>Errors only.</summary>
    [JsonStringEnumMemberName("error")] Error,
}

/// <summary>A day of <c>risk.sessions[].days</c>; the numbers are <see cref="DayOfWeek"/>'s.</summary>
[JsonConverter(typeof(StrictEnumConverter<SessionDay>))]
public enum SessionDay
{
    /// <summary>Sunday.</summary>
    [JsonStringEnumMemberName("sun")] Sun = DayOfWeek.Sunday,
    /// <summary>Monday.</summary>
    [JsonStringEnumMemberName("mon")] Mon = DayOfWeek.Monday,
    /// <summary>Tuesday.</summary>
    [JsonStringEnumMemberName("tue")] Tue = DayOfWeek.Tuesday,
    /// <summary>Wednesday.</summary>
    [JsonStringEnumMemberName("wed")] Wed = DayOfWeek.Wednesday,
    /// <summary>Thursday.</summary>
    [JsonStringEnumMemberName("thu")] Thu = DayOfWeek.Thursday,
    /// <summary>Friday.</summary>
    [JsonStringEnumMemberName("fri")] Fri = DayOfWeek.Friday,
    /// <summary>Saturday.</summary>
    [JsonStringEnumMemberName("sat")] Sat = DayOfWeek.Saturday,
}

/// <summary>Wire names of the option enums.</summary>
public static class OptionNames
{
    /// <summary>The configuration name of <paramref name="value"/>, e.g. "ema-cross"; throws for a value outside the enum.</summary>
    public static string Of<T>(T value) where T : struct, Enum => StrictEnumConverter<T>.NameOf(value);

    /// <summary>Every name of <typeparamref name="T"/>, in declaration order.</summary>
    public static IReadOnlyList<string> All<T>() where T : struct, Enum => StrictEnumConverter<T>.Names;
}
