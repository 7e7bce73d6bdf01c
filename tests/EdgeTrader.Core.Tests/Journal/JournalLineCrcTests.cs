using System.Buffers;
using System.IO.Hashing;
using System.Text;
using EdgeTrader.Journal;

namespace EdgeTrader.Tests.Journal;

/// <summary>Every journal line ends with the CRC-32 of the bytes before it, as 8 lower-case hex digits: a line changed on disk is seen.</summary>
public sealed class JournalLineCrcTests
{
    static string Closed(string open)
    {
        var buf = new ArrayBufferWriter<byte>();
        buf.Write("garbage before the line"u8);
        int start = buf.WrittenCount;
        buf.Write(Encoding.UTF8.GetBytes(open));
        JournalLineCrc.Close(buf, start);
        return Encoding.UTF8.GetString(buf.WrittenSpan[start..]);
    }

    static LineCrc Check(string line) => JournalLineCrc.Check(Encoding.UTF8.GetBytes(line));

    [Fact]
    public void A_closed_line_ends_with_the_crc_of_its_own_bytes_in_eight_lower_case_hex_digits()
    {
        const string open = "{\"type\":\"stop\",\"time\":1";
        string line = Closed(open);
        uint crc = Crc32.HashToUInt32(Encoding.UTF8.GetBytes(open));
        Assert.Equal(open + ",\"crc\":\"" + crc.ToString("x8") + "\"}", line);
        Assert.Equal(open.Length + JournalLineCrc.SuffixLength, line.Length);
        Assert.Equal(LineCrc.Valid, Check(line));
        using var doc = System.Text.Json.JsonDocument.Parse(line); // still one JSON object
    }

    [Fact]
    public void Small_checksums_keep_their_leading_zeros()
    {
        // Find a line whose CRC has a leading zero digit, and one with every hex letter somewhere.
        for (int i = 0; ; i++)
        {
            string open = "{\"n\":" + i;
            uint crc = Crc32.HashToUInt32(Encoding.UTF8.GetBytes(open));
            if (crc >= 0x10000000) continue;
            string line = Closed(open);
            Assert.Equal(crc.ToString("x8"), line[^10..^2]);
            Assert.Equal(LineCrc.Valid, Check(line));
            break;
        }
    }

    [Fact]
    public void Every_hex_digit_reads_back()
    {
        var seen = new HashSet<char>();
        for (int i = 0; seen.Count < 16; i++)
        {
            string line = Closed("{\"n\":" + i);
            Assert.Equal(LineCrc.Valid, Check(line));
            foreach (char c in line[^10..^2]) seen.Add(c);
        }
    }

    [Fact]
    public void A_changed_byte_is_a_mismatch()
    {
        string line = Closed("{\"type\":\"fill\",\"realized\":-600");
        Assert.Equal(LineCrc.Mismatch, Check(line.Replace("-600", "-200")));
        char last = line[^3];
        Assert.Equal(LineCrc.Mismatch, Check(line[..^3] + (last == '0' ? '1' : '0') + line[^2..]));
    }

    [Theory]
    [InlineData("{\"type\":\"stop\",\"time\":1}")]
    [InlineData("")]
    [InlineData(",\"crc\":\"00000000\"}")] // nothing before the checksum
    public void A_line_without_a_checksum_has_none(string line) => Assert.Equal(LineCrc.Missing, Check(line));

    [Fact]
    public void A_checksum_that_is_not_the_writers_form_is_missing_not_a_mismatch()
    {
        string line = Closed("{\"type\":\"stop\",\"time\":1");
        string hex = line[^10..^2];
        Assert.Equal(LineCrc.Missing, Check(line.Replace(hex, hex.ToUpperInvariant().Replace('0', 'G').Replace('1', 'G'))));
        Assert.Equal(LineCrc.Missing, Check(line[..^10] + "0000000g\"}"));
        Assert.Equal(LineCrc.Missing, Check(line[..^10] + "0000000/\"}"));
        Assert.Equal(LineCrc.Missing, Check(line[..^10] + "0000000:\"}"));
        Assert.Equal(LineCrc.Missing, Check(line[..^2] + "'}"));
        Assert.Equal(LineCrc.Missing, Check(line[..^1] + " "));
        Assert.Equal(LineCrc.Missing, Check(line.Replace(",\"crc\":", ",\"CRC\":")));
        Assert.Equal(LineCrc.Mismatch, Check(line[..^10] + (hex == "ffffffff" ? "fffffffe" : "ffffffff") + "\"}"));
    }
}
