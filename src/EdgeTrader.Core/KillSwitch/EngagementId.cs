using System.Globalization;
using System.Security.Cryptography;

namespace EdgeTrader.KillSwitch;

/// <summary>
/// The identity of one engagement, unique across the cluster: the node where it was made (<paramref name="Origin"/>),
/// that node's incarnation (a random 64-bit value drawn when its state directory was first written, so a reinstalled
/// node never reuses the numbers of its former self) and that node's own counter (<paramref name="Seq"/>, +1 per
/// engagement it makes). Two nodes can never produce the same identity, whatever the partition. Written
/// <c>origin:incarnation:seq</c>, e.g. <c>pi-1:3f9c0d6e2b7a41c8:7</c>.
/// </summary>
/// <param name="Origin">The node that made the engagement (1–64 of <c>[A-Za-z0-9_-]</c>, the node-name rule).</param>
/// <param name="Incarnation">16 lower-case hex digits; never all zeros except for engagements read from old (v1) peers.</param>
/// <param name="Seq">The origin's counter, 1 .. <see cref="MaxSeq"/>.</param>
public readonly record struct EngagementId(string Origin, string Incarnation, long Seq)
{
    /// <summary>Largest counter value produced or accepted: JSON's exact integer range.</summary>
    public const long MaxSeq = (1L << 53) - 1;

    /// <summary>The incarnation given to engagements of peers that still publish the old (v1) state format.</summary>
    public const string LegacyIncarnation = "0000000000000000";

    /// <summary><c>origin:incarnation:seq</c>.</summary>
    public override string ToString() => $"{Origin}:{Incarnation}:{Seq.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>True for an engagement of a v1 peer (no incarnation on the wire).</summary>
    public bool IsLegacy => Incarnation == LegacyIncarnation;

    /// <summary>
    /// Parses exactly what <see cref="ToString"/> writes: a valid node name, 16 lower-case hex digits, and a decimal
    /// counter 1 .. 2^53−1 without sign or leading zero. The all-zero (legacy) incarnation parses too: a node that
    /// adopted a v1 peer's engagement saves it and relays it, so it must read it back (callers that expect a node's own
    /// engagement refuse it: no node's own incarnation is all zeros).
    /// </summary>
    public static bool TryParse(string? text, out EngagementId id)
    {
        id = default;
        if (text is null || text.Length > 64 + 1 + 16 + 1 + 16) return false;
        int a = text.IndexOf(':'), b = a < 0 ? -1 : text.IndexOf(':', a + 1);
        if (a < 0 || b < 0) return false;
        string origin = text[..a], inc = text[(a + 1)..b], seq = text[(b + 1)..];
        if (!IsValidNode(origin) || !IsValidIncarnation(inc)) return false;
        if (seq.Length is 0 or > 16 || seq[0] == '0') return false;
        foreach (var c in seq) if (!char.IsAsciiDigit(c)) return false;
        long n = long.Parse(seq, NumberStyles.None, CultureInfo.InvariantCulture);
        if (n is < 1 or > MaxSeq) return false;
        id = new EngagementId(origin, inc, n);
        return true;
    }

    /// <summary>The node-name rule of the configuration: 1–64 of letters, digits, '-' or '_'.</summary>
    public static bool IsValidNode(string? s)
    {
        if (string.IsNullOrEmpty(s) || s.Length > 64) return false;
        foreach (var c in s) if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_')) return false;
        return true;
    }

    /// <summary>16 lower-case hex digits.</summary>
    public static bool IsValidIncarnation(string? s)
    {
        if (s is null || s.Length != 16) return false;
        foreach (var c in s) if (!(char.IsAsciiDigit(c) || c is >= 'a' and <= 'f')) return false;
        return true;
    }

    /// <summary>A new random incarnation (never the legacy value).</summary>
    public static string NewIncarnation()
    {
        while (true)
        {
            var s = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
            if (s != LegacyIncarnation) return s;
        }
    }
}
