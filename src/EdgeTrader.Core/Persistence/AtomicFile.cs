using EdgeTrader.Interop.Posix;

namespace EdgeTrader.Persistence;

/// <summary>
/// The one way this appliance replaces a file so that a crash or a power loss leaves either the old or the new content,
/// never a mix: write a temporary file next to it, fsync it, rename it over the target, fsync the directory (without the
/// last step the rename itself may be lost at power loss).
/// </summary>
public static class AtomicFile
{
    /// <summary>Suffix of the temporary file (<c>path + ".tmp"</c>); a left-over one is overwritten by the next write.</summary>
    public const string TempSuffix = ".tmp";

    /// <summary>
    /// Replaces <paramref name="path"/> with <paramref name="bytes"/>. Returns only once the new content and the rename
    /// are durable; throws <see cref="IOException"/> or <see cref="UnauthorizedAccessException"/> otherwise (the old
    /// content, or none, is then still what the next start reads).
    /// </summary>
    public static void Write(string path, ReadOnlySpan<byte> bytes)
    {
        string dir = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        string tmp = path + TempSuffix;
        using (var fs = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.None))
        {
            fs.Write(bytes);
            fs.Flush(flushToDisk: true);
        }
        File.Move(tmp, path, overwrite: true);
        PosixFile.FsyncDirectory(dir);
    }
}
