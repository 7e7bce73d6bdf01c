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

    /// <summary>For node <paramref name="node"/> in start number <paramref name="run"/>.</summary>
    public OrderIds(string node, long run)
    {
        Node = node;
        Run = run;
        _prefix = Encoding.UTF8.GetBytes($"{node}-{run}-");
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

    /// <summary>Parses an id of this run back to its seq; false for any other node or run.</summary>
    public bool TryParse(ReadOnlySpan<byte> id, out long seq)
    {
        seq = 0;
        return id.StartsWith(_prefix) && Utf8Parser.TryParse(id[_prefix.Length..], out seq, out int used) && used == id.Length - _prefix.Length;
    }
}
