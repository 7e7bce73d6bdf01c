using System.Buffers.Text;
using System.Text;

namespace EdgeTrader.Trading;

/// <summary>
/// Order ids <c>{node}-{run}-{seq:D6}</c>: <c>run</c> is a start counter persisted (fsync'd) in the state directory
/// before the first order, so an id never repeats on the node across restarts, crashes included.
/// </summary>
public sealed class OrderIds
{
    readonly byte[] _prefix;
    readonly byte[] _nodePrefix;

    /// <summary>For node <paramref name="node"/> in start number <paramref name="run"/>.</summary>
    public OrderIds(string node, long run)
    {
        Node = node;
        Run = run;
        _prefix = Encoding.UTF8.GetBytes($"{node}-{run}-");
        _nodePrefix = Encoding.UTF8.GetBytes($"{node}-");
    }

    /// <summary>This node's name.</summary>
    public string Node { get; }
    /// <summary>This start's number.</summary>
    public long Run { get; }

    /// <summary>Writes the id of order <paramref name="seq"/> into <paramref name="dest"/>; returns bytes written.</summary>
    public int Write(long seq, Span<byte> dest)
    {
        _prefix.CopyTo(dest);
        Utf8Formatter.TryFormat(seq, dest[_prefix.Length..], out int n, new System.Buffers.StandardFormat('D', 6));
        return _prefix.Length + n;
    }

    /// <summary>The id as a string (status, logs; not the hot path).</summary>
    public string Format(long seq) => $"{Node}-{Run}-{seq:D6}";

    /// <summary>
    /// Parses an id of this node from any run (orders restored at a warm start) into run and seq; false for another
    /// node or an id this class would not have written (so <see cref="Format(long, long)"/> gives the same text back).
    /// </summary>
    public bool TryParseAnyRun(ReadOnlySpan<byte> id, out long run, out long seq)
    {
        run = seq = 0;
        if (!id.StartsWith(_nodePrefix)) return false;
        var rest = id[_nodePrefix.Length..];
        int dash = rest.IndexOf((byte)'-');
        // Stryker disable once Equality : at dash 0 the run text is empty and its parse fails on the next line
        if (dash <= 0) return false;
        // Stryker disable once Logical : the next lines refuse a run that is not all digits, and all digits parse in full or fail (overflow)
        if (!Utf8Parser.TryParse(rest[..dash], out run, out int usedRun) || usedRun != dash || run < 0) return false;
        var seqText = rest[(dash + 1)..];
        if (rest[..dash].IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0 || seqText.IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0) return false;
        // Stryker disable once Logical : the seq text is all digits here (the line above): it parses in full, or fails with nothing used (overflow), and is never negative
        if (!Utf8Parser.TryParse(seqText, out seq, out int usedSeq) || usedSeq != seqText.Length || seq < 0) return false;
        // Canonical form only: D6, no sign, no extra leading zeros, no leading zero on the run.
        int digits = 1;
        for (long v = seq; v >= 10; v /= 10) digits++;
        return seqText.Length == Math.Max(6, digits) && (dash == 1 || rest[0] != (byte)'0');
    }

    /// <summary>Parses an id string of this node from any run; see <see cref="TryParseAnyRun(ReadOnlySpan{byte}, out long, out long)"/>.</summary>
    public bool TryParseAnyRun(string id, out long run, out long seq) => TryParseAnyRun(Encoding.UTF8.GetBytes(id), out run, out seq);

    /// <summary>The id of order <paramref name="seq"/> of run <paramref name="run"/> of this node.</summary>
    public string Format(long run, long seq) => $"{Node}-{run}-{seq:D6}";

    /// <summary>
    /// Parses an id of this run back to its seq; false for any other node or run, and for any text this class would
    /// not have written (a gateway that answers "pi-1-5-1" for "pi-1-5-000001" is not naming our order).
    /// </summary>
    public bool TryParse(ReadOnlySpan<byte> id, out long seq)
    {
        seq = 0;
        if (!id.StartsWith(_prefix)) return false;
        var seqText = id[_prefix.Length..];
        if (seqText.IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0) return false; // digits only: no sign, no space
        // Stryker disable once Logical : the seq text is all digits here (the line above): it parses in full, or fails with nothing used (overflow)
        if (!Utf8Parser.TryParse(seqText, out seq, out int used) || used != seqText.Length) return false;
        int digits = 1;
        for (long v = seq; v >= 10; v /= 10) digits++;
        return seqText.Length == Math.Max(6, digits);
    }
}
