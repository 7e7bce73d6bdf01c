using System.Globalization;

namespace EdgeTrader.Health;

/// <summary>One hardware watchdog as the kernel reports it.</summary>
/// <param name="Device">watchdog0, watchdog1, ...</param>
/// <param name="Identity">The driver's name (e.g. "Broadcom BCM2835 Watchdog timer"); null when not exposed.</param>
/// <param name="Armed">True while the device is running (opened and started, by systemd's RuntimeWatchdogSec=); null when not exposed.</param>
/// <param name="TimeoutSeconds">The timeout actually set in the hardware; null when not exposed.</param>
/// <param name="MaxTimeoutSeconds">The longest timeout the driver accepts; null when not exposed.</param>
/// <param name="BootStatus">The driver's boot status bits (non-zero on some drivers after a watchdog reset).</param>
public sealed record HardwareWatchdog(string Device, string? Identity, bool? Armed, int? TimeoutSeconds, int? MaxTimeoutSeconds, long? BootStatus);

/// <summary>The watchdogs of the box: the hardware ones and this service's own (systemd <c>WatchdogSec=</c>).</summary>
/// <param name="Devices">Every hardware watchdog the kernel has.</param>
/// <param name="ServiceIntervalSeconds">This process's systemd watchdog interval, when systemd set one.</param>
/// <param name="Ok">True when a hardware watchdog is armed with a known timeout.</param>
/// <param name="Detail">For people: "armed 15 s (Broadcom ...)", or why not.</param>
public sealed record WatchdogStatus(IReadOnlyList<HardwareWatchdog> Devices, double? ServiceIntervalSeconds, bool Ok, string Detail)
{
    /// <summary>The armed device (the one systemd runs), if any.</summary>
    public HardwareWatchdog? Armed => Devices.FirstOrDefault(d => d.Armed == true);
}

/// <summary>
/// Reads back the hardware watchdog as the box really has it, from sysfs (<c>/sys/class/watchdog/watchdogN/</c>:
/// state, timeout, max_timeout, identity, bootstatus), read-only: opening <c>/dev/watchdog</c> would arm it. A
/// unit's <c>RuntimeWatchdogSec=</c> can be refused by the driver (on a Pi 4 a timeout above the bcm2835's ~15 s
/// maximum fails with EINVAL, logged only in the journal) and the watchdog then stays off: only the device's own
/// state tells.
/// </summary>
public sealed class WatchdogProbe
{
    readonly string _root;
    readonly Func<string?> _serviceWatchdogUsec;

    /// <summary>The probe on the real sysfs and this process's environment.</summary>
    public WatchdogProbe() : this("/", () => Environment.GetEnvironmentVariable("WATCHDOG_USEC")) { }

    /// <summary>A probe over another root (a fake sysfs tree in tests).</summary>
    public WatchdogProbe(string root, Func<string?> serviceWatchdogUsec)
    {
        _root = root;
        _serviceWatchdogUsec = serviceWatchdogUsec;
    }

    /// <summary>Reads every watchdog; never throws.</summary>
    public WatchdogStatus Read()
    {
        var devices = new List<HardwareWatchdog>();
        string cls = Path.Combine(_root, "sys/class/watchdog");
        try
        {
            if (Directory.Exists(cls))
                foreach (var dir in Directory.GetFileSystemEntries(cls, "watchdog*").Order(StringComparer.Ordinal))
                    devices.Add(ReadDevice(dir));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }

        double? service = long.TryParse(_serviceWatchdogUsec(), NumberStyles.None, CultureInfo.InvariantCulture, out long usec) && usec > 0 ? usec / 1e6 : null;
        var armed = devices.FirstOrDefault(d => d.Armed == true);
        if (armed is not null)
        {
            string limit = armed.MaxTimeoutSeconds is { } max ? $", driver maximum {max} s" : "";
            string t = armed.TimeoutSeconds is { } s ? $"{s} s" : "with an unknown timeout";
            return new WatchdogStatus(devices, service, armed.TimeoutSeconds is not null, $"{armed.Device} armed {t}{limit} ({armed.Identity ?? "unknown driver"})");
        }
        if (devices.Count == 0)
            return new WatchdogStatus(devices, service, false, "no hardware watchdog: a hung kernel is not restarted");
        if (devices.All(d => d.Armed is null))
            return new WatchdogStatus(devices, service, false, $"{devices[0].Device} present, state not readable (kernel without CONFIG_WATCHDOG_SYSFS)");
        var d0 = devices[0];
        return new WatchdogStatus(devices, service, false,
            $"{d0.Device} present but NOT armed ({d0.Identity ?? "unknown driver"}{(d0.MaxTimeoutSeconds is { } m ? $", maximum {m} s" : "")}): check RuntimeWatchdogSec= in /etc/systemd/system.conf against the driver's maximum and the journal for EINVAL");
    }

    static HardwareWatchdog ReadDevice(string dir)
    {
        string? state = ReadText(Path.Combine(dir, "state"));
        return new HardwareWatchdog(
            Path.GetFileName(dir),
            ReadText(Path.Combine(dir, "identity")),
            state is null ? null : state == "active",
            ReadInt(Path.Combine(dir, "timeout")),
            ReadInt(Path.Combine(dir, "max_timeout")),
            ReadHexOrInt(Path.Combine(dir, "bootstatus")));
    }

    internal static string? ReadText(string path)
    {
        try
        {
            if (!File.Exists(path)) return null;
            return File.ReadAllText(path).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    static int? ReadInt(string path) =>
        int.TryParse(ReadText(path), NumberStyles.None, CultureInfo.InvariantCulture, out int v) ? v : null;

    static long? ReadHexOrInt(string path)
    {
        var s = ReadText(path);
        if (s is null) return null;
        if (s.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            return long.TryParse(s.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out long h) ? h : null;
        return long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out long v) ? v : null;
    }
}
