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
    /// Throws <see cref="IOException"/> when <paramref name="path"/> no longer exists: the open file was unlinked (or its
    /// directory removed), so what is written to it is lost at the next start. One stat per call.
    /// </summary>
    public static void EnsureStillLinked(string path)
    {
        if (!File.Exists(path))
        {
            string dir = Path.GetDirectoryName(path) ?? ".";
            throw new IOException(Directory.Exists(dir)
                ? $"{path} was removed while open (lines written to it would be lost)"
                : $"the state directory {dir} was removed while {Path.GetFileName(path)} was open (lines written to it would be lost)");
        }
    }
}
