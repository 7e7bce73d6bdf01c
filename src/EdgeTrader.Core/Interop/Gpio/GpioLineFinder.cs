namespace EdgeTrader.Interop.Gpio;

/// <summary>One chip as scanned: its info and every line's info.</summary>
internal sealed record GpioChipScan(GpioChipDescription Chip, IReadOnlyList<GpioLineInfo> Lines);

/// <summary>A named line found on a chip.</summary>
internal sealed record GpioLineLocation(string Name, GpioChipDescription Chip, uint Offset);

/// <summary>The result of scanning /dev/gpiochip*: the chips read, and those that could not be opened (with why).</summary>
internal sealed record GpioScan(IReadOnlyList<GpioChipScan> Chips, IReadOnlyList<GpioException> Unreadable)
{
    /// <summary>The first line called <paramref name="name"/> (chips in numeric order), and every other chip that has one.</summary>
    public GpioLineLocation? Find(string name, out IReadOnlyList<GpioLineLocation> duplicates)
    {
        var hits = new List<GpioLineLocation>();
        foreach (var c in Chips)
            foreach (var l in c.Lines)
                if (string.Equals(l.Name, name, StringComparison.Ordinal)) hits.Add(new GpioLineLocation(name, c.Chip, l.Offset));
        duplicates = hits.Skip(1).ToArray();
        return hits.Count > 0 ? hits[0] : null;
    }
}

/// <summary>Finds GPIO lines by name, the portable way: Pi 4 has them on gpiochip0, Pi 5 on the RP1 chip.</summary>
internal static class GpioLineFinder
{
    /// <summary>
    /// Reads chip and line info of every /dev/gpiochip*, or only of the chip <paramref name="chipFilter"/> names
    /// (a device path like /dev/gpiochip4, a kernel name like gpiochip4, or a label like pinctrl-rp1); empty = all.
    /// </summary>
    public static GpioScan Scan(string chipFilter, string devDir = "/dev")
    {
        var chips = new List<GpioChipScan>();
        var errors = new List<GpioException>();
        bool byPath = chipFilter.StartsWith('/');
        foreach (var path in GpioChip.DevicePaths(devDir))
        {
            if (byPath && !string.Equals(path, chipFilter, StringComparison.Ordinal)) continue;
            try
            {
                using var chip = GpioChip.Open(path);
                var info = chip.Info;
                if (chipFilter.Length > 0 && !byPath
                    && !string.Equals(info.Name, chipFilter, StringComparison.Ordinal)
                    && !string.Equals(info.Label, chipFilter, StringComparison.Ordinal)) continue;
                chips.Add(new GpioChipScan(info, chip.GetAllLineInfo()));
            }
            catch (GpioException ex)
            {
                errors.Add(ex);
            }
        }
        return new GpioScan(chips, errors);
    }
}
