namespace EdgeTrader.Health;

/// <summary>Free space of the filesystem that holds a directory.</summary>
/// <param name="Path">The directory asked about (the state directory).</param>
/// <param name="FreeBytes">Bytes available to this (unprivileged) process; null when unreadable.</param>
/// <param name="TotalBytes">Size of the filesystem; null when unreadable.</param>
/// <param name="Ok">False below the threshold or when unreadable.</param>
/// <param name="Detail">For people.</param>
public sealed record DiskStatus(string Path, long? FreeBytes, long? TotalBytes, bool Ok, string Detail);

/// <summary>
/// statvfs of the state directory, read-only. The breaker's latch keeps a reserve and a full disk engages the
/// breaker through the journal; this warns before that happens.
/// </summary>
public sealed class DiskProbe(string directory, long minFreeBytes = DiskProbe.DefaultMinFreeBytes)
{
    /// <summary>Below this much free space the disk is reported not ok (a trading day's journal is far smaller).</summary>
    public const long DefaultMinFreeBytes = 256L * 1024 * 1024;

    /// <summary>Reads the free space; never throws.</summary>
    public DiskStatus Read()
    {
        try
        {
            var d = new DriveInfo(directory);
            long free = d.AvailableFreeSpace, total = d.TotalSize;
            bool ok = free >= minFreeBytes;
            string detail = $"{free / 1048576.0:0} MiB free of {total / 1048576.0:0} MiB in {directory}{(ok ? "" : $" (below {minFreeBytes / 1048576} MiB)")}";
            return new DiskStatus(directory, free, total, ok, detail);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return new DiskStatus(directory, null, null, false, $"cannot read free space of {directory}: {ex.Message}");
        }
    }
}
