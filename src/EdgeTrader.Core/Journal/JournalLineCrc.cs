using System.Buffers;
using System.IO.Hashing;

namespace EdgeTrader.Journal;

/// <summary>What a line's checksum says.</summary>
internal enum LineCrc : byte
{
    /// <summary>The line ends with a checksum that matches the rest of it.</summary>
    Valid,
    /// <summary>The line has no checksum (a line written before checksums, or one whose checksum was destroyed).</summary>
    Missing,
    /// <summary>The line ends with a checksum that does not match: the line is damaged.</summary>
    Mismatch,
}

/// <summary>
/// Every journal line ends with its checksum: <c>{"type":...,"time":123,"crc":"89abcdef"}</c>, where the value is the
/// CRC-32 (IEEE, System.IO.Hashing) of the line's bytes before <c>,"crc"</c>, in lower-case hex. The line stays one
/// JSON object (readers that do not check it see one more field). Checked at start for every line read; a mismatch
/// anywhere but a torn last line starts the node ENGAGED (docs/persistence.md). No allocation.
/// </summary>
internal static class JournalLineCrc
{
    static ReadOnlySpan<byte> Key => ",\"crc\":\""u8;

    /// <summary>Bytes the checksum adds to a line: <c>,"crc":"</c> + 8 hex digits + <c>"}</c>.</summary>
    public const int SuffixLength = 8 + 8 + 2;

    /// <summary>Closes the line that starts at <paramref name="lineStart"/> of <paramref name="buf"/> (an object left open) with its checksum.</summary>
    public static void Close(ArrayBufferWriter<byte> buf, int lineStart)
    {
        uint crc = Crc32.HashToUInt32(buf.WrittenSpan[lineStart..]);
        var d = buf.GetSpan(SuffixLength);
        Key.CopyTo(d);
        WriteHex(crc, d.Slice(Key.Length, 8));
        d[16] = (byte)'"';
        d[17] = (byte)'}';
        buf.Advance(SuffixLength);
    }

    /// <summary>Checks one line (without its newline).</summary>
    public static LineCrc Check(ReadOnlySpan<byte> line)
    {
        if (line.Length <= SuffixLength) return LineCrc.Missing;
        var suffix = line[^SuffixLength..];
        if (!suffix.StartsWith(Key) || suffix[16] != (byte)'"' || suffix[17] != (byte)'}' || !TryParseHex(suffix.Slice(Key.Length, 8), out uint stated))
            return LineCrc.Missing;
        return Crc32.HashToUInt32(line[..^SuffixLength]) == stated ? LineCrc.Valid : LineCrc.Mismatch;
    }

    static void WriteHex(uint v, Span<byte> d)
    {
        // Stryker disable once Assignment : v is unsigned: >> and >>> are the same
        for (int i = 7; i >= 0; i--, v >>= 4) d[i] = (byte)"0123456789abcdef"[(int)(v & 0xF)];
    }

    static bool TryParseHex(ReadOnlySpan<byte> s, out uint v)
    {
        v = 0;
        foreach (byte b in s)
        {
            int n = b is >= (byte)'0' and <= (byte)'9' ? b - '0' : b is >= (byte)'a' and <= (byte)'f' ? b - 'a' + 10 : -1;
            if (n < 0) return false;
            v = (v << 4) | (uint)n;
        }
        return true;
    }
}
