namespace EdgeTrader.Persistence;

/// <summary>
/// The rules for a file that only grows by whole lines (the decisions journal): nothing is appended after a torn line
/// (it would glue the next line onto the fragment and make a damaged line in the middle of the file), and a file that
/// is no longer at its path (unlinked, or its directory removed) is not written to as if it were durable.
/// </summary>
public static class AppendOnlyFile
{
    /// <summary>
    /// Opens <paramref name="path"/> for appending, unbuffered: every write goes to the kernel at once, so a write that
    /// fails (a full disk) leaves nothing in a buffer that closing the file would try to write again, after a gap.
    /// Throws <see cref="IOException"/> when the file does not end with a newline (a torn last line that the start could
    /// not cut, e.g. on a full or read-only disk): appending to it would damage a line that is whole today.
    /// </summary>
    public static FileStream OpenForAppend(string path)
    {
        var fs = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 0);
        try
        {
            if (fs.Length > 0 && LastByte(path, fs.Length) != (byte)'\n')
            {
                throw new IOException($"{path} ends with a torn line that could not be cut; nothing is appended after it");
            }
            return fs;
        }
        catch
        {
            fs.Dispose();
            throw;
        }
    }

    static int LastByte(string path, long length)
    {
        using var r = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        Span<byte> b = stackalloc byte[1];
        return RandomAccess.Read(r, b, length - 1) == 1 ? b[0] : -1;
    }

    /// <summary>
    /// Throws <see cref="IOException"/> when <paramref name="file"/> is no longer the file at <paramref name="path"/>: it
    /// was unlinked (its link count is 0, or its directory was removed), or renamed or replaced (the path names another
    /// device or inode, e.g. after <c>mv journal x; touch journal</c>), so what is written to it is not what the next
    /// start reads. Two statx calls per call (the handle's and the path's).
    /// </summary>
    public static void EnsureStillLinked(FileStream file, string path)
    {
        var own = Interop.Posix.FileIdentity.Of(file.SafeFileHandle, out var mine);
        var at = Interop.Posix.FileIdentity.Of(path, out var there);
        if (at == Interop.Posix.FileIdentity.Result.Missing || (!File.Exists(path) && at == Interop.Posix.FileIdentity.Result.Unsupported))
        {
            string dir = Path.GetDirectoryName(path) ?? ".";
            throw new IOException(Directory.Exists(dir)
                ? $"{path} was removed while open (lines written to it would be lost)"
                : $"the state directory {dir} was removed while {Path.GetFileName(path)} was open (lines written to it would be lost)");
        }
        if (own != Interop.Posix.FileIdentity.Result.Found || at != Interop.Posix.FileIdentity.Result.Found) return; // no statx: the path's existence is all that is known
        if (mine!.Links == 0)
            throw new IOException($"{path} was removed while open (lines written to it would be lost)");
        if (!mine.SameFile(there))
            throw new IOException($"{path} is no longer the file being written: it was renamed or replaced while open (lines written to it would not be read at the next start)");
    }
}
