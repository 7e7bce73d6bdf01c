using System.Text;
using EdgeTrader.Interop.Gpio;
using Serilog;

namespace EdgeTrader.Panel.Gpio;

/// <summary>
/// Operator-readable errors of the uAPI driver: which configuration key names a line that does not exist (and the
/// names that do), who holds a busy line, what to do about a permission error.
/// </summary>
internal static class GpioDiagnostics
{
    internal const string PermissionHint =
        "Permission denied: add the user that runs edgetrader to group 'gpio' (the owner group of /dev/gpiochip* on Raspberry Pi OS), " +
        "or run it as the edgetrader service user, whose systemd unit allows the device (DeviceAllow=char-gpiochip rw)";

    /// <summary>Where each line is; throws <see cref="PanelException"/> for any that is not found.</summary>
    public static GpioLineLocation[] Resolve(GpioLineSpec[] lines, GpioScan scan, string chipFilter, ILogger log)
    {
        string where = chipFilter.Length > 0 ? $" on chip \"{chipFilter}\" (panel.chip)" : "";
        if (scan.Chips.Count == 0)
        {
            var sb = new StringBuilder();
            if (scan.Unreadable.Count > 0)
            {
                sb.Append($"cannot open any GPIO chip{where}: ");
                sb.Append(string.Join("; ", scan.Unreadable.Select(e => e.Message)));
                if (scan.Unreadable.Any(e => e.Errno is GpioNative.EACCES or GpioNative.EPERM)) sb.Append(". ").Append(PermissionHint);
                if (scan.Unreadable.Any(e => e.Errno == GpioNative.ENOTTY)) sb.Append(". The GPIO character device uAPI v2 needs Linux 5.10 or newer");
            }
            else
            {
                var all = GpioChip.DevicePaths();
                sb.Append(all.Count == 0
                    ? "no GPIO character device (/dev/gpiochip*) exists: this kernel has no GPIO chip or no CONFIG_GPIO_CDEV"
                    : $"no GPIO chip matches panel.chip \"{chipFilter}\" (give a label such as pinctrl-rp1, a name such as gpiochip0, or a path; present: {string.Join(", ", all)})");
            }
            throw new PanelException(sb.ToString());
        }
        var found = new GpioLineLocation[lines.Length];
        var missing = new List<string>();
        for (int i = 0; i < lines.Length; i++)
        {
            var loc = scan.Find(lines[i].Name, out var dups);
            if (loc is null) { missing.Add($"{lines[i].Name} ({lines[i].Key})"); continue; }
            if (dups.Count > 0)
                log.Warning("GPIO line {Line} exists on several chips; using {Chip} offset {Offset}, also on {Others}: set panel.chip to choose",
                    lines[i].Name, loc.Chip.Path, loc.Offset, string.Join(", ", dups.Select(d => $"{d.Chip.Path}:{d.Offset}")));
            found[i] = loc;
        }
        if (missing.Count > 0)
        {
            var sb = new StringBuilder();
            sb.Append(missing.Count == 1 ? "GPIO line " : "GPIO lines ").Append(string.Join(", ", missing)).Append(" not found").Append(where).Append(". ");
            sb.Append("Line names that exist: ");
            sb.Append(string.Join("; ", scan.Chips.Select(c =>
            {
                var names = c.Lines.Where(l => l.Name.Length > 0).Select(l => l.Name).ToArray();
                return $"{c.Chip.Path} [{c.Chip.Label}]: {(names.Length > 0 ? string.Join(" ", names) : "(no named lines)")}";
            })));
            if (scan.Unreadable.Count > 0)
            {
                sb.Append(". Not searched: ").Append(string.Join("; ", scan.Unreadable.Select(e => e.Message)));
                if (scan.Unreadable.Any(e => e.Errno is GpioNative.EACCES or GpioNative.EPERM)) sb.Append(". ").Append(PermissionHint);
            }
            throw new PanelException(sb.ToString());
        }
        return found;
    }

    /// <summary>Requests one line; a busy line names its holder, a permission error says what to do.</summary>
    public static GpioLineRequest Request(GpioLineLocation loc, string key, Func<GpioChip, GpioLineRequest> request)
    {
        GpioChip chip;
        try
        {
            chip = GpioChip.Open(loc.Chip.Path);
        }
        catch (GpioException ex) when (ex.Errno is GpioNative.EACCES or GpioNative.EPERM)
        {
            throw new PanelException($"cannot open {loc.Chip.Path} for GPIO line {loc.Name} ({key}): {ex.Message}. {PermissionHint}", ex);
        }
        catch (GpioException ex)
        {
            throw new PanelException($"cannot open {loc.Chip.Path} for GPIO line {loc.Name} ({key}): {ex.Message}", ex);
        }
        using (chip)
        {
            try
            {
                return request(chip);
            }
            catch (GpioException ex) when (ex.Errno == GpioNative.EBUSY)
            {
                string holder;
                try
                {
                    var info = chip.GetLineInfo(loc.Offset);
                    holder = info.Consumer.Length > 0
                        ? $"held by consumer \"{info.Consumer}\""
                        : "held by a kernel driver (no consumer label; check device-tree overlays such as w1-gpio or gpio-keys)";
                }
                catch (GpioException)
                {
                    holder = "held by another user (its consumer could not be read)";
                }
                throw new PanelException(
                    $"GPIO line {loc.Name} ({key}, {loc.Chip.Path} offset {loc.Offset}) is busy: {holder}. " +
                    "Stop the other program (or service) that uses it, or wire the panel to free lines and change the configuration", ex);
            }
            catch (GpioException ex) when (ex.Errno is GpioNative.EACCES or GpioNative.EPERM)
            {
                throw new PanelException($"GPIO line {loc.Name} ({key}): {ex.Message}. {PermissionHint}", ex);
            }
            catch (GpioException ex)
            {
                throw new PanelException($"cannot request GPIO line {loc.Name} ({key}, {loc.Chip.Path} offset {loc.Offset}): {ex.Message}", ex);
            }
        }
    }
}
