using System.Buffers.Text;
using System.Text.Json;

namespace EdgeTrader.Trading;

/// <summary>Wire formats of the bridge's tick feed.</summary>
public enum TickFormat
{
    /// <summary><c>{"symbol":"EURUSD","bid":1.0851,"ask":1.08515,"time":1763765512123,"seq":42}</c></summary>
    Json,
    /// <summary>The DWX connector's tick line <c>EURUSD:|:1.08510;1.08515</c>.</summary>
    Dwx,
}

/// <summary>
/// Parses one tick payload into a <see cref="Tick"/> without allocating on the success path, and validates it
/// (fields present, prices finite and positive, bid ≤ ask, symbol configured). Staleness needs a clock and is checked
/// by the loop.
/// </summary>
public sealed class TickParser(SymbolTable symbols, TickFormat format)
{
    /// <summary>A tick is a few dozen bytes; anything this large is not one and is not read.</summary>
    public const int MaxFrameBytes = 4096;
    static readonly byte[] DwxSeparator = ":|:"u8.ToArray();

    /// <summary>The configured format.</summary>
    public TickFormat Format => format;

    /// <summary>The configured symbols.</summary>
    public SymbolTable Symbols => symbols;

    /// <summary>Parses <paramref name="payload"/>; on failure returns false with the drop reason.</summary>
    public bool TryParse(ReadOnlySpan<byte> payload, long receiveTimeMs, out Tick tick, out TickDropReason reason)
    {
        tick = default;
        if (payload.IsEmpty) { reason = TickDropReason.EmptyFrame; return false; }
        if (payload.Length > MaxFrameBytes) { reason = TickDropReason.OversizeFrame; return false; }
        bool ok = format == TickFormat.Json
            ? TryParseJson(payload, ref tick, out reason)
            : TryParseDwx(payload, receiveTimeMs, ref tick, out reason);
        if (!ok) return false;
        if (!(double.IsFinite(tick.Bid) && double.IsFinite(tick.Ask)) || tick.Bid <= 0 || tick.Ask <= 0)
        {
            reason = TickDropReason.BadPrice;
            return false;
        }
        if (tick.Bid > tick.Ask) { reason = TickDropReason.CrossedQuote; return false; }
        return true;
    }

    bool TryParseJson(ReadOnlySpan<byte> payload, ref Tick tick, out TickDropReason reason)
    {
        // The bridge's flat objects take a direct scan; anything unusual (escapes, nesting, odd numbers, errors)
        // falls back to Utf8JsonReader, which alone decides every failure.
        if (TryScanFlat(payload, ref tick, out int id))
        {
            tick.SymbolId = id;
            reason = default;
            return true;
        }
        tick = default;
        return TryReadJson(payload, ref tick, out reason);
    }

    /// <summary>
    /// The symbol and seq of a tick in the bridge's canonical shape, read without parsing the rest: it starts
    /// <c>{"symbol":"X",</c> (X plain and configured) and ends <c>,"seq":N}</c> (N 1 to 18 digits, no leading zero).
    /// False for anything else, and always for <see cref="TickFormat.Dwx"/>: such a payload must be parsed to be known.
    /// Says nothing about validity: only <see cref="TryParse"/> does.
    /// </summary>
    public bool TryPeek(ReadOnlySpan<byte> p, out int symbolId, out long seq)
    {
        symbolId = -1;
        seq = 0;
        ReadOnlySpan<byte> head = "{\"symbol\":\""u8;
        if (format != TickFormat.Json || p.Length > MaxFrameBytes || !p.StartsWith(head)) return false;
        int end = PlainStringEnd(p, head.Length);
        if (end < 0 || end + 1 >= p.Length || p[end + 1] != (byte)',') return false;
        if (p[^1] != (byte)'}') return false;
        int d = p.Length - 1; // digits end here
        int d0 = d;
        while (d0 > end + 1 && char.IsAsciiDigit((char)p[d0 - 1])) d0--;
        int digits = d - d0;
        if (digits == 0 || digits > 18 || (digits > 1 && p[d0] == (byte)'0')) return false;
        ReadOnlySpan<byte> key = ",\"seq\":"u8;
        // The seq's key must not overlap the symbol's value and comma: at least one more field lies between them.
        if (d0 - key.Length <= end + 1 || !p[(d0 - key.Length)..d0].SequenceEqual(key)) return false;
        int id = symbols.Find(p[head.Length..end]);
        if (id < 0 || !ParseJsonInt64(p[d0..d], out seq)) return false;
        symbolId = id;
        return true;
    }

    /// <summary>
    /// Fast path for <c>{"k":v,...}</c> with string values without escapes and plain JSON numbers. Succeeds only when
    /// all required fields are present and valid, with the same values the reader would give; otherwise false.
    /// </summary>
    internal bool TryScanFlat(ReadOnlySpan<byte> p, ref Tick tick, out int symbolId)
    {
        // Stryker disable once Unary : symbolId is read only after a true return, which needs the symbol field, which sets it
        symbolId = -1;
        int have = 0, i = SkipWs(p, 0);
        if (i >= p.Length || p[i] != (byte)'{') return false;
        i = SkipWs(p, i + 1);
        if (i < p.Length && p[i] == (byte)'}') return false; // empty: let the reader report it
        while (true)
        {
            if (i >= p.Length || p[i] != (byte)'"') return false;
            int k0 = i + 1;
            int k1 = PlainStringEnd(p, k0);
            // Stryker disable once Equality : k1 is at least k0 = i + 1 > 0, so <= 0 is < 0
            if (k1 < 0) return false;
            var key = p[k0..k1];
            i = SkipWs(p, k1 + 1);
            if (i >= p.Length || p[i] != (byte)':') return false;
            i = SkipWs(p, i + 1);
            if (i >= p.Length) return false;
            if (p[i] == (byte)'"')
            {
                int v0 = i + 1;
                int v1 = PlainStringEnd(p, v0);
                // Stryker disable once Equality : v1 is at least v0 = i + 1 > 0, so <= 0 is < 0
                if (v1 < 0) return false;
                var value = p[v0..v1];
                // Stryker disable once Assignment : the guard returns when the bit is set, so ^= sets it as |= does (&= is killed)
                if (key.SequenceEqual("symbol"u8)) { if ((have & 1) != 0) return false; symbolId = symbols.Find(value); have |= 1; }
                else if (key.SequenceEqual("bid"u8) || key.SequenceEqual("ask"u8) || key.SequenceEqual("time"u8) || key.SequenceEqual("seq"u8)) return false;
                i = v1 + 1;
            }
            else
            {
                int n0 = i;
                if (!ScanNumber(p, ref i, out bool integer)) return false;
                var num = p[n0..i];
                // A field named twice goes to the reader, which refuses it.
                // Stryker disable once Assignment : in this chain each guard returns when its bit is set, so ^= sets it as |= does (&= is killed)
                if (key.SequenceEqual("bid"u8)) { if ((have & 2) != 0 || !ParseJsonDouble(num, out tick.Bid)) return false; have |= 2; }
                else if (key.SequenceEqual("ask"u8)) { if ((have & 4) != 0 || !ParseJsonDouble(num, out tick.Ask)) return false; have |= 4; }
                else if (key.SequenceEqual("time"u8)) { if ((have & 8) != 0 || !integer || !ParseJsonInt64(num, out tick.TimeMs) || tick.TimeMs <= 0) return false; have |= 8; }
                else if (key.SequenceEqual("seq"u8)) { if ((have & 16) != 0 || !integer || !ParseJsonInt64(num, out tick.Seq) || tick.Seq < 0) return false; have |= 16; }
                else if (key.SequenceEqual("symbol"u8)) return false;
            }
            i = SkipWs(p, i);
            if (i >= p.Length) return false;
            if (p[i] == (byte)'}') break;
            if (p[i] != (byte)',') return false;
            i = SkipWs(p, i + 1);
        }
        if (SkipWs(p, i + 1) != p.Length) return false;
        return (have & 15) == 15 && symbolId >= 0;
    }

    /// <summary>
    /// Where the string starting at <paramref name="i"/> (after its opening quote) closes; -1 when it meets an escape
    /// or a control character first, or does not close: the reader decides those. One scalar pass (ticks' strings are
    /// a few bytes: shorter than a vectorised search pays for).
    /// </summary>
    internal static int PlainStringEnd(ReadOnlySpan<byte> p, int i)
    {
        for (; i < p.Length; i++)
        {
            byte b = p[i];
            if (b == (byte)'"') return i;
            if (b == (byte)'\\' || b < 0x20) return -1;
        }
        return -1;
    }

    /// <summary>The first index from <paramref name="i"/> that is not JSON whitespace (space, tab, LF, CR).</summary>
    internal static int SkipWs(ReadOnlySpan<byte> p, int i)
    {
        while (i < p.Length && (p[i] == (byte)' ' || p[i] == (byte)'\t' || p[i] == (byte)'\n' || p[i] == (byte)'\r')) i++;
        return i;
    }

    /// <summary>2^53: every integer up to it is a double exactly.</summary>
    const ulong ExactMantissa = 1UL << 53;

    /// <summary>10^0 … 10^22: each is a double exactly.</summary>
    static readonly double[] ExactPowersOfTen =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];

    /// <summary>
    /// A JSON number already checked by <see cref="ScanNumber"/>, as a double. A price as bridges send it (at most 19
    /// digits, a significand up to 2^53, at most 22 decimals, no exponent) is one exact integer divided by one exact power
    /// of ten: IEEE division rounds once, correctly, so the result is bit for bit the one of the correctly rounded
    /// <see cref="Utf8Parser"/>, which takes every other number.
    /// </summary>
    internal static bool ParseJsonDouble(ReadOnlySpan<byte> num, out double value)
        => TryExactDouble(num, out value) || Utf8Parser.TryParse(num, out value, out _);

    /// <summary>
    /// The exact step of <see cref="ParseJsonDouble"/>: true with the value for at most 19 digits, a significand up to
    /// 2^53, at most 22 decimals and no exponent; false (value 0) for anything else, which the caller reads otherwise.
    /// </summary>
    internal static bool TryExactDouble(ReadOnlySpan<byte> num, out double value)
    {
        value = 0;
        int i = 0;
        bool negative = num.Length > 0 && num[0] == (byte)'-';
        if (negative) i = 1;
        ulong mantissa = 0;
        int digits = 0, decimals = 0;
        bool point = false;
        for (; i < num.Length; i++)
        {
            uint d = (uint)(num[i] - (byte)'0');
            if (d <= 9)
            {
                if (++digits > 19) return false;
                mantissa = mantissa * 10 + d;
                if (point) decimals++;
            }
            else if (num[i] == (byte)'.' && !point) point = true;
            else return false; // an exponent
        }
        if (digits == 0 || mantissa > ExactMantissa) return false;
        // Stryker disable once Equality : the array's bound; 19 digits hold at most 18 decimals, so it never returns
        if (decimals >= ExactPowersOfTen.Length) return false;
        value = mantissa / ExactPowersOfTen[decimals];
        if (negative) value = -value;
        return true;
    }

    /// <summary>A JSON integer already checked by <see cref="ScanNumber"/>; false when it does not fit a long.</summary>
    internal static bool ParseJsonInt64(ReadOnlySpan<byte> num, out long value)
    {
        if (!TakesExactInt64(num)) return Utf8Parser.TryParse(num, out value, out int used) && used == num.Length;
        long v = 0;
        foreach (byte b in num)
        {
            uint d = (uint)(b - (byte)'0');
            if (d > 9) { value = 0; return false; }
            v = v * 10 + d;
        }
        value = v; // 18 digits cannot overflow
        return true;
    }

    /// <summary>
    /// Whether <see cref="ParseJsonInt64"/> reads <paramref name="num"/> itself: 1 to 18 characters without a sign (a long
    /// holds every such number); the others go to <see cref="Utf8Parser"/>.
    /// </summary>
    internal static bool TakesExactInt64(ReadOnlySpan<byte> num) => num.Length != 0 && num.Length <= 18 && num[0] != (byte)'-';

    /// <summary>A strict JSON number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?</summary>
    internal static bool ScanNumber(ReadOnlySpan<byte> p, ref int i, out bool integer)
    {
        integer = true;
        if (i < p.Length && p[i] == (byte)'-') i++;
        if (i >= p.Length) return false;
        if (p[i] == (byte)'0') i++;
        else if (p[i] >= (byte)'1' && p[i] <= (byte)'9') { while (i < p.Length && char.IsAsciiDigit((char)p[i])) i++; }
        else return false;
        if (i < p.Length && p[i] == (byte)'.')
        {
            integer = false;
            int d = ++i;
            while (i < p.Length && char.IsAsciiDigit((char)p[i])) i++;
            if (i == d) return false;
        }
        if (i < p.Length && (p[i] == (byte)'e' || p[i] == (byte)'E'))
        {
            integer = false;
            i++;
            if (i < p.Length && (p[i] == (byte)'+' || p[i] == (byte)'-')) i++;
            int d = i;
            while (i < p.Length && char.IsAsciiDigit((char)p[i])) i++;
            if (i == d) return false;
        }
        return true;
    }

    internal bool TryReadJson(ReadOnlySpan<byte> payload, ref Tick tick, out TickDropReason reason)
    {
        const int HaveSymbol = 1, HaveBid = 2, HaveAsk = 4, HaveTime = 8, All = 15, HaveSeq = 16;
        int have = 0;
        // Stryker disable once Unary : without the symbol field the result is MissingField; with it, it sets symbolId
        int symbolId = -1;
        reason = TickDropReason.Malformed;
        try
        {
            var r = new Utf8JsonReader(payload, new JsonReaderOptions { MaxDepth = 4 });
            // Stryker disable once Logical : another first token is followed by no property name and by no end of an object
            if (!r.Read() || r.TokenType != JsonTokenType.StartObject) return false;
            while (r.Read())
            {
                if (r.TokenType == JsonTokenType.EndObject) break;
                // Stryker disable once Boolean : never taken: in an object the reader gives only property names and its end
                if (r.TokenType != JsonTokenType.PropertyName) return false;
                // A field named twice is malformed: no guessing which one counts.
                if (r.ValueTextEquals("symbol"u8))
                {
                    if ((have & HaveSymbol) != 0 || !r.Read() || r.TokenType != JsonTokenType.String) return false;
                    symbolId = r.ValueIsEscaped ? -1 : symbols.Find(r.ValueSpan);
                    // Stryker disable once Assignment : the guard returns when the bit is set, so ^= sets it as |= does (&= is killed)
                    have |= HaveSymbol;
                }
                else if (r.ValueTextEquals("bid"u8))
                {
                    if ((have & HaveBid) != 0 || !ReadNumber(ref r, out tick.Bid)) return false;
                    // Stryker disable once Assignment : the guard returns when the bit is set, so ^= sets it as |= does (&= is killed)
                    have |= HaveBid;
                }
                else if (r.ValueTextEquals("ask"u8))
                {
                    if ((have & HaveAsk) != 0 || !ReadNumber(ref r, out tick.Ask)) return false;
                    // Stryker disable once Assignment : the guard returns when the bit is set, so ^= sets it as |= does (&= is killed)
                    have |= HaveAsk;
                }
                else if (r.ValueTextEquals("time"u8))
                {
                    if ((have & HaveTime) != 0 || !r.Read() || r.TokenType != JsonTokenType.Number || !r.TryGetInt64(out tick.TimeMs) || tick.TimeMs <= 0) return false;
                    // Stryker disable once Assignment : the guard returns when the bit is set, so ^= sets it as |= does (&= is killed)
                    have |= HaveTime;
                }
                else if (r.ValueTextEquals("seq"u8))
                {
                    if ((have & HaveSeq) != 0 || !r.Read() || r.TokenType != JsonTokenType.Number || !r.TryGetInt64(out tick.Seq) || tick.Seq < 0) return false;
                    // Stryker disable once Assignment : the guard returns when the bit is set, so ^= sets it as |= does (&= is killed)
                    have |= HaveSeq;
                }
                else
                {
                    // Bridges add fields (volume, flags, …): skip them.
                    // Stryker disable once Boolean : never taken: a name with no value makes the reader throw, not end
                    if (!r.Read()) return false;
                    r.Skip();
                }
            }
            // Stryker disable once Logical,Boolean : never taken: the loop ends only at the top object's end (an unclosed one throws)
            if (r.TokenType != JsonTokenType.EndObject || r.CurrentDepth != 0) return false;
            // Stryker disable once Boolean : never taken: content after the object makes the reader throw, not read on
            if (r.Read()) return false; // trailing content after the object
        }
        catch (JsonException)
        {
            return false;
        }
        if ((have & All) != All) { reason = TickDropReason.MissingField; return false; }
        if (symbolId < 0) { reason = TickDropReason.UnknownSymbol; return false; }
        tick.SymbolId = symbolId;
        return true;
    }

    static bool ReadNumber(ref Utf8JsonReader r, out double value)
    {
        value = 0;
        return r.Read() && r.TokenType == JsonTokenType.Number && r.TryGetDouble(out value);
    }

    bool TryParseDwx(ReadOnlySpan<byte> payload, long receiveTimeMs, ref Tick tick, out TickDropReason reason)
    {
        reason = TickDropReason.Malformed;
        int sep = payload.IndexOf(DwxSeparator);
        if (sep < 0) return false;
        var symbol = payload[..sep];
        var prices = payload[(sep + DwxSeparator.Length)..];
        int semi = prices.IndexOf((byte)';');
        if (semi < 0) { reason = TickDropReason.MissingField; return false; }
        if (!ParseDouble(prices[..semi], out tick.Bid) || !ParseDouble(prices[(semi + 1)..], out tick.Ask)) return false;
        if (symbol.IsEmpty) { reason = TickDropReason.UnknownSymbol; return false; }
        int id = symbols.Find(symbol);
        if (id < 0) { reason = TickDropReason.UnknownSymbol; return false; }
        tick.SymbolId = id;
        tick.TimeMs = receiveTimeMs;
        return true;
    }

    static bool ParseDouble(ReadOnlySpan<byte> s, out double v)
    {
        // Utf8Parser accepts a prefix; require that it consumed everything (a trailing newline is tolerated).
        if (s.Length > 0 && s[^1] == (byte)'\n') s = s[..^1];
        return Utf8Parser.TryParse(s, out v, out int consumed) && consumed == s.Length; // an empty one does not parse
    }
}
