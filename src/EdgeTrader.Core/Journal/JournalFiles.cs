using System.Buffers;
using System.Globalization;
using System.Text;

namespace EdgeTrader.Journal;

/// <summary>How a reading of the journal files went (for the log and status).</summary>
internal sealed class JournalReadStats
{
    public int Files;
    public long Bytes;
    public long Lines;
    public long BadLines;
    public long TornBytes;
    public readonly List<string> Notes = [];
    /// <summary>Damaged lines (file and line, and why), the first 20; <see cref="DamagedLines"/> counts them all.</summary>
    public readonly List<string> Damage = [];
    public long DamagedLines;
}

/// <summary>
/// The journal on disk: one file per trading day, <c>stateDir/journal-YYYY-MM-DD.jsonl</c>; reading a file line by
/// line into a <see cref="JournalState"/>, and cutting a torn last line (a crash mid-write) so the next append starts
/// on a clean line.
/// </summary>
public static class JournalFiles
{
    /// <summary>Journal file of a trading day.</summary>
    public static string FileFor(string stateDir, DateOnly day) => Path.Combine(stateDir, $"journal-{day:yyyy-MM-dd}.jsonl");

    /// <summary>The journal file name pattern (journal-YYYY-MM-DD.jsonl).</summary>
    public static bool TryParseFileDay(string fileName, out DateOnly day)
    {
        day = default;
        return fileName.StartsWith("journal-", StringComparison.Ordinal) && fileName.EndsWith(".jsonl", StringComparison.Ordinal)
            && DateOnly.TryParseExact(fileName["journal-".Length..^".jsonl".Length], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day);
    }

    /// <summary>The journal files of <paramref name="stateDir"/>, oldest day first (none when the directory does not exist).</summary>
    public static IReadOnlyList<(DateOnly Day, string Path)> List(string stateDir)
    {
        var files = new List<(DateOnly Day, string Path)>();
        if (Directory.Exists(stateDir))
        {
            // Stryker disable once String : the pattern only narrows the listing; TryParseFileDay decides
            foreach (var path in Directory.EnumerateFiles(stateDir, "journal-*.jsonl"))
            {
                if (TryParseFileDay(Path.GetFileName(path), out var d)) files.Add((d, path));
            }
        }
        files.Sort((a, b) => a.Day.CompareTo(b.Day));
        return files;
    }

    /// <summary>
    /// Reads <paramref name="path"/> from <paramref name="startOffset"/> into <paramref name="state"/> as part
    /// <paramref name="part"/>. Every line's checksum is checked (<see cref="JournalLineCrc"/>): a line whose checksum does
    /// not match, a line without one after a checksummed line of the same file, and a line that does not parse are
    /// damaged: not applied, and listed (file and line) in <paramref name="stats"/> (the start is then ENGAGED). Lines
    /// without a checksum at the beginning of a file were written before checksums and are read as before. A last line
    /// without its newline is torn: cut off when <paramref name="repair"/> (the directory must be writable), else left
    /// and reported.
    /// </summary>
    internal static void Read(string path, JournalPart part, DateOnly fileDay, long startOffset, bool repair, JournalState state, JournalReadStats stats)
    {
        stats.Files++;
        long fileBad = 0, lineNo = 0, goodEnd = startOffset;
        bool checksummed = startOffset > 0; // after a checkpoint: the file was written with checksums
        int carry = 0;
        byte[] buf = ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            using (var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan))
            {
                // Stryker disable once Equality : seeking a file just opened to 0 changes nothing
                if (startOffset > 0) fs.Seek(startOffset, SeekOrigin.Begin);
                while (true)
                {
                    if (carry == buf.Length)
                    {
                        // One line longer than the buffer: grow (never happens with our own records).
                        var bigger = ArrayPool<byte>.Shared.Rent(buf.Length * 2);
                        Buffer.BlockCopy(buf, 0, bigger, 0, carry);
                        // Stryker disable once Statement : a buffer not given back to the pool is collected; nothing observable
                        ArrayPool<byte>.Shared.Return(buf);
                        buf = bigger;
                    }
                    int n = fs.Read(buf, carry, buf.Length - carry);
                    if (n <= 0) break;
                    stats.Bytes += n;
                    int len = carry + n, start = 0;
                    while (true)
                    {
                        int nl = buf.AsSpan(start, len - start).IndexOf((byte)'\n');
                        if (nl < 0) break;
                        lineNo++;
                        var line = buf.AsSpan(start, nl);
                        goodEnd += nl + 1;
                        if (line.Length > 0)
                        {
                            var crc = JournalLineCrc.Check(line);
                            if (crc == LineCrc.Valid) checksummed = true;
                            string? why = crc == LineCrc.Mismatch ? "its checksum does not match (the line was changed after it was written)"
                                : crc == LineCrc.Missing && checksummed ? "it has no checksum, after checksummed lines"
                                : state.Apply(line, part, fileDay) is null ? "it is not a journal line" : null;
                            if (why is not null)
                            {
                                fileBad++;
                                stats.DamagedLines++;
                                if (stats.Damage.Count < 20) stats.Damage.Add($"{Path.GetFileName(path)} line {lineNo}{(startOffset > 0 ? " after the checkpoint" : "")}: {why}");
                            }
                        }
                        start += nl + 1;
                    }
                    carry = len - start;
                    // Stryker disable once Logical,Equality : copying 0 bytes, or a block onto itself, changes nothing
                    if (carry > 0 && start > 0) Buffer.BlockCopy(buf, start, buf, 0, carry);
                }
            }
            stats.Lines += lineNo;
            stats.BadLines += fileBad;
            if (fileBad > 0) stats.Notes.Add($"{Path.GetFileName(path)}: {fileBad} damaged line(s), not applied");
            if (carry > 0)
            {
                // A line without its newline: the write was cut by a crash. It is incomplete by definition.
                stats.TornBytes += carry;
                string text = Encoding.UTF8.GetString(buf, 0, Math.Min(carry, 200)).Replace('\0', '.');
                if (repair)
                {
                    CutTornTail(path, goodEnd);
                    stats.Notes.Add($"{Path.GetFileName(path)}: cut a torn last line of {carry} bytes (a crash mid-write): {text}");
                }
                else
                {
                    stats.Notes.Add($"{Path.GetFileName(path)}: torn last line of {carry} bytes left in place (read-only): {text}");
                }
            }
        }
        finally
        {
            // Stryker disable once Statement : a buffer not given back to the pool is collected; nothing observable
            ArrayPool<byte>.Shared.Return(buf);
        }
    }

    /// <summary>Cuts <paramref name="path"/> back to <paramref name="length"/> (the end of its last whole line), durably.</summary>
    static void CutTornTail(string path, long length)
    {
        using var w = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
        w.SetLength(length);
        w.Flush(flushToDisk: true);
    }
}
