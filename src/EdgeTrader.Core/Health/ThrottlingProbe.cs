using System.Globalization;

namespace EdgeTrader.Health;

/// <summary>The Raspberry Pi firmware's power and thermal bits (<c>get_throttled</c>).</summary>
[Flags]
public enum ThrottleBits : long
{
    /// <summary>Nothing reported.</summary>
    None = 0,
    /// <summary>Under-voltage now.</summary>
    UnderVoltage = 1 << 0,
    /// <summary>ARM frequency capped now.</summary>
    FrequencyCapped = 1 << 1,
    /// <summary>Throttled now.</summary>
    Throttled = 1 << 2,
    /// <summary>Soft temperature limit active now.</summary>
    SoftTempLimit = 1 << 3,
    /// <summary>Under-voltage has occurred since boot (sticky).</summary>
    UnderVoltageOccurred = 1 << 16,
    /// <summary>Frequency capping has occurred since boot (sticky).</summary>
    FrequencyCappedOccurred = 1 << 17,
    /// <summary>Throttling has occurred since boot (sticky).</summary>
    ThrottledOccurred = 1 << 18,
    /// <summary>The soft temperature limit has been reached since boot (sticky).</summary>
    SoftTempLimitOccurred = 1 << 19,
}

/// <summary>One reading of the power/thermal state.</summary>
/// <param name="Readable">False on a box without the Raspberry Pi firmware interface (then nothing else is known).</param>
/// <param name="Bits">The firmware's bits.</param>
/// <param name="UnderVoltageAlarm">The rpi_volt hwmon's in0_lcrit_alarm (under-voltage now), when present.</param>
/// <param name="Source">The file read.</param>
/// <param name="Ok">False while under-voltage or throttling is active, or under-voltage has occurred since boot; null when not readable.</param>
/// <param name="Detail">For people.</param>
public sealed record ThrottlingStatus(bool Readable, ThrottleBits Bits, bool? UnderVoltageAlarm, string Source, bool? Ok, string Detail)
{
    /// <summary>Any of the "now" bits (0-3) or the hwmon alarm.</summary>
    public bool ActiveNow => (Bits & (ThrottleBits)0xF) != 0 || UnderVoltageAlarm == true;
}

/// <summary>
/// Reads the Raspberry Pi firmware's <c>get_throttled</c> bits from sysfs (the firmware driver's
/// <c>soc:firmware/get_throttled</c>, hex) and the <c>rpi_volt</c> hwmon's under-voltage alarm, read-only. Headless
/// Pis hide under-voltage: the sticky "has occurred" bits (16-19) say it happened since boot even when it is gone.
/// </summary>
public sealed class ThrottlingProbe(string root)
{
    static readonly string[] FirmwareFiles =
    [
        "sys/devices/platform/soc/soc:firmware/get_throttled",
        "sys/devices/platform/soc:firmware/get_throttled",
        "sys/devices/platform/axi/axi:firmware/get_throttled",
    ];

    readonly string _root = root;

    /// <summary>The probe on the real sysfs.</summary>
    public ThrottlingProbe() : this("/") { }

    /// <summary>Reads the bits; never throws.</summary>
    public ThrottlingStatus Read()
    {
        bool? alarm = ReadVoltAlarm();
        foreach (var rel in FirmwareFiles)
        {
            string path = Path.Combine(_root, rel);
            var text = WatchdogProbe.ReadText(path);
            if (text is null) continue;
            if (!TryParse(text, out var bits))
                return new ThrottlingStatus(false, ThrottleBits.None, alarm, path, null, $"unreadable get_throttled value '{text}'");
            return Describe(bits, alarm, path);
        }
        if (alarm is not null) return Describe(ThrottleBits.None, alarm, "rpi_volt hwmon");
        return new ThrottlingStatus(false, ThrottleBits.None, null, "", null, "not a Raspberry Pi (no firmware get_throttled)");
    }

    /// <summary>Parses "50005", "0x50005" or vcgencmd's "throttled=0x50005".</summary>
    public static bool TryParse(string text, out ThrottleBits bits)
    {
        var s = text.Trim();
        if (s.StartsWith("throttled=", StringComparison.Ordinal)) s = s["throttled=".Length..];
        if (s.StartsWith("0x", StringComparison.OrdinalIgnoreCase)) s = s[2..];
        bool ok = long.TryParse(s, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out long v) && v >= 0;
        bits = ok ? (ThrottleBits)v : ThrottleBits.None;
        return ok;
    }

    static ThrottlingStatus Describe(ThrottleBits b, bool? alarm, string source)
    {
        var words = new List<string>();
        if (b.HasFlag(ThrottleBits.UnderVoltage) || alarm == true) words.Add("UNDER-VOLTAGE NOW");
        if (b.HasFlag(ThrottleBits.Throttled)) words.Add("throttled now");
        if (b.HasFlag(ThrottleBits.FrequencyCapped)) words.Add("frequency capped now");
        if (b.HasFlag(ThrottleBits.SoftTempLimit)) words.Add("soft temperature limit now");
        if (b.HasFlag(ThrottleBits.UnderVoltageOccurred)) words.Add("under-voltage has occurred since boot");
        if (b.HasFlag(ThrottleBits.ThrottledOccurred)) words.Add("throttling has occurred since boot");
        if (b.HasFlag(ThrottleBits.FrequencyCappedOccurred)) words.Add("frequency capping has occurred since boot");
        if (b.HasFlag(ThrottleBits.SoftTempLimitOccurred)) words.Add("soft temperature limit reached since boot");
        var status = new ThrottlingStatus(true, b, alarm, source, null, "");
        bool ok = !status.ActiveNow && !b.HasFlag(ThrottleBits.UnderVoltageOccurred);
        return status with { Ok = ok, Detail = words.Count == 0 ? "power and temperature fine since boot" : string.Join(", ", words) };
    }

    bool? ReadVoltAlarm()
    {
        string hwmon = Path.Combine(_root, "sys/class/hwmon");
        try
        {
            if (!Directory.Exists(hwmon)) return null;
            foreach (var dir in Directory.GetFileSystemEntries(hwmon, "hwmon*"))
            {
                if (WatchdogProbe.ReadText(Path.Combine(dir, "name")) != "rpi_volt") continue;
                var a = WatchdogProbe.ReadText(Path.Combine(dir, "in0_lcrit_alarm"));
                return a is null ? null : a != "0";
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
        return null;
    }
}
