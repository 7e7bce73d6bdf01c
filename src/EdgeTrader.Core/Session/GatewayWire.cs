using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using EdgeTrader.Trading;

namespace EdgeTrader.Session;

/// <summary>Kinds of gateway → appliance messages (CONTRACT §4, docs/contract.md).</summary>
public enum GatewayMessageType
{
    /// <summary>Unknown type or unusable shape.</summary>
    Unknown,
    Ack,
    Fill,
    Reject,
    Heartbeat,
    /// <summary>An answer (or one part of it) to an <c>open_orders</c> request; see <see cref="GatewayWire.ParseOpenOrders"/>.</summary>
    OpenOrders,
    /// <summary>The gateway's answer (or one part of it) to a <c>cancel_all</c>; see <see cref="GatewayWire.ParseCancelAllReport"/>.</summary>
    CancelAllReport,
}

/// <summary>One parsed gateway message. Its numbers are as sent: whether a fill's are usable is the loop's rule.</summary>
public ref struct GatewayMessage
{
    /// <summary>The type; <see cref="GatewayMessageType.Unknown"/> for anything unusable.</summary>
    public GatewayMessageType Type;
    /// <summary>The order id (ack, fill, reject), as sent (unescaped).</summary>
    public ReadOnlySpan<byte> Id;
    /// <summary>A fill's quantity; NaN when absent.</summary>
    public double Qty;
    /// <summary>A fill's price; NaN when absent.</summary>
    public double Price;
    /// <summary>A reject's reason (at most 200 characters), or null.</summary>
    public string? Reason;
    /// <summary>A fill's side when the gateway says it ("BUY"/"SELL"; any other value makes the frame unusable), else null.</summary>
    public Side? Side;
}

/// <summary>
/// The order protocol's JSON frames (CONTRACT §4, docs/contract.md), written into a reused buffer (no allocation per
/// order) and parsed with Utf8JsonReader. One JSON object per frame. The codec checks shape only (types, required
/// fields); what the values mean is decided by the session and the loop.
/// </summary>
public sealed class GatewayWire(SymbolTable symbols, OrderIds ids)
{
    /// <summary>Largest gateway frame accepted (an open_orders answer part); longer answers come in several frames.</summary>
    public const int MaxFrameBytes = 1 << 16;

    readonly ArrayBufferWriter<byte> _buf = new(512);
    readonly byte[] _id = new byte[160];
    Utf8JsonWriter? _w;

    Utf8JsonWriter Begin()
    {
        _buf.ResetWrittenCount();
        if (_w is null) _w = new Utf8JsonWriter(_buf);
        else _w.Reset(_buf);
        return _w;
    }

    ReadOnlySpan<byte> End()
    {
        _w!.Flush();
        return _buf.WrittenSpan;
    }

    /// <summary><c>{"type":"order",...}</c>. The span is valid until the next call.</summary>
    public ReadOnlySpan<byte> Order(in Order o)
    {
        _buf.ResetWrittenCount();
        var fields = OrderJson.Fields(in o, symbols, ids); // formatted once: the journal line has the same bytes
        var d = _buf.GetSpan(fields.Length + 2);
        d[0] = (byte)'{';
        fields.CopyTo(d[1..]);
        d[fields.Length + 1] = (byte)'}';
        _buf.Advance(fields.Length + 2);
        return _buf.WrittenSpan;
    }

    /// <summary>
    /// <c>{"type":"cancel_all","requestId":...,"reason":...,"generation":N,"time":...}</c>. A resend of the same request
    /// carries the same <paramref name="requestId"/>; the gateway answers each with a <c>cancel_all_report</c>.
    /// </summary>
    public ReadOnlySpan<byte> CancelAll(string requestId, string reason, long generation, long timeMs)
    {
        var w = Begin();
        w.WriteStartObject();
        w.WriteString("type"u8, "cancel_all"u8);
        w.WriteString("requestId"u8, requestId);
        w.WriteString("reason"u8, reason);
        w.WriteNumber("generation"u8, generation);
        w.WriteNumber("time"u8, timeMs);
        w.WriteEndObject();
        return End();
    }

    /// <summary>
    /// <c>{"type":"open_orders","requestId":...,"node":...,"since":ms,"ids":[...],"time":...}</c>: asks the gateway
    /// for the state of the listed orders and, when <paramref name="sinceMs"/> is given, of every order of this node it
    /// received stamped at or after it and of every order of this node it still works. A state request only: asking
    /// again is harmless, and nothing in it sends an order.
    /// </summary>
    public static byte[] OpenOrdersRequest(string requestId, string node, long? sinceMs, IEnumerable<string> orderIds, long timeMs)
    {
        var buf = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buf))
        {
            w.WriteStartObject();
            w.WriteString("type"u8, "open_orders"u8);
            w.WriteString("requestId"u8, requestId);
            w.WriteString("node"u8, node);
            if (sinceMs is { } since) w.WriteNumber("since"u8, since);
            w.WriteStartArray("ids"u8);
            foreach (var id in orderIds) w.WriteStringValue(id);
            w.WriteEndArray();
            w.WriteNumber("time"u8, timeMs);
            w.WriteEndObject();
        }
        return buf.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Parses an <c>open_orders</c> answer: <c>{"type":"open_orders","requestId":...,"orders":[{"id","symbol","side",
    /// "qty","filledQty","avgPrice","state","time"}...],"last":true}</c>. A long answer comes in several frames, all but
    /// the last with <c>"last":false</c> (absent means true). Orders without an id or state are skipped. False when the
    /// frame is not such an answer.
    /// </summary>
    public static bool ParseOpenOrders(ReadOnlySpan<byte> frame, out string? requestId, out bool last, List<GatewayOrderReport> into)
    {
        requestId = null;
        last = true;
        try
        {
            var r = new Utf8JsonReader(frame, new JsonReaderOptions { MaxDepth = 8 });
            if (!r.Read() || r.TokenType != JsonTokenType.StartObject) return false;
            bool isAnswer = false;
            int seen = 0; // a field named twice, here or in an order, makes the whole answer unusable: no guessing
            while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
            {
                if (r.ValueTextEquals("type"u8))
                {
                    if (!Once(ref seen, 1) || !r.Read() || r.TokenType != JsonTokenType.String) return false;
                    isAnswer = r.ValueTextEquals("open_orders"u8);
                }
                else if (r.ValueTextEquals("requestId"u8))
                {
                    if (!Once(ref seen, 2) || !r.Read() || r.TokenType != JsonTokenType.String) return false;
                    requestId = r.GetString();
                }
                else if (r.ValueTextEquals("last"u8))
                {
                    if (!Once(ref seen, 4) || !r.Read()) return false;
                    last = r.TokenType != JsonTokenType.False;
                }
                else if (r.ValueTextEquals("orders"u8))
                {
                    if (!Once(ref seen, 8) || !r.Read() || r.TokenType != JsonTokenType.StartArray) return false;
                    while (r.Read() && r.TokenType == JsonTokenType.StartObject)
                    {
                        string? id = null, symbol = null, state = null;
                        Side? side = null;
                        double qty = 0, filled = 0, avg = 0;
                        long time = 0;
                        int has = 0;
                        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
                        {
                            if (!OnceEach(ref has, ref r)) return false;
                            if (r.ValueTextEquals("id"u8)) { r.Read(); id = r.TokenType == JsonTokenType.String ? r.GetString() : null; }
                            else if (r.ValueTextEquals("symbol"u8)) { r.Read(); symbol = r.TokenType == JsonTokenType.String ? r.GetString() : null; }
                            else if (r.ValueTextEquals("state"u8)) { r.Read(); state = r.TokenType == JsonTokenType.String ? r.GetString() : null; }
                            else if (r.ValueTextEquals("side"u8))
                            {
                                r.Read();
                                side = r.TokenType != JsonTokenType.String ? null : r.ValueTextEquals("BUY"u8) ? Side.Buy : r.ValueTextEquals("SELL"u8) ? Side.Sell : null;
                            }
                            else if (r.ValueTextEquals("qty"u8)) { r.Read(); if (r.TokenType == JsonTokenType.Number) r.TryGetDouble(out qty); }
                            else if (r.ValueTextEquals("filledQty"u8)) { r.Read(); if (r.TokenType == JsonTokenType.Number) r.TryGetDouble(out filled); }
                            else if (r.ValueTextEquals("avgPrice"u8)) { r.Read(); if (r.TokenType == JsonTokenType.Number) r.TryGetDouble(out avg); }
                            else if (r.ValueTextEquals("time"u8)) { r.Read(); if (r.TokenType == JsonTokenType.Number) r.TryGetInt64(out time); }
                            else { r.Read(); r.Skip(); }
                        }
                        if (r.TokenType != JsonTokenType.EndObject) return false;
                        if (id is null || state is null || !double.IsFinite(filled) || filled < 0) continue;
                        into.Add(new GatewayOrderReport(id, symbol, side, double.IsFinite(qty) ? qty : 0, filled, double.IsFinite(avg) ? avg : 0, state, time));
                    }
                    if (r.TokenType != JsonTokenType.EndArray) return false;
                }
                else
                {
                    if (!r.Read()) return false;
                    r.Skip();
                }
            }
            return isAnswer && requestId is not null;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>
    /// Parses a <c>cancel_all_report</c>: <c>{"type":"cancel_all_report","requestId":...,"status":"accepted"|"rejected",
    /// "reason":...,"affected":N,"ids":[...],"last":true}</c>. A long list of ids comes in several frames, all but the
    /// last with <c>"last":false</c> (absent means true); <c>affected</c> counts the orders of this part (absent: the
    /// number of its ids). Null when the frame is not such a report: no string requestId, a status other than the two,
    /// a field of the wrong type, a negative or fractional count.
    /// </summary>
    public static CancelAllReport? ParseCancelAllReport(ReadOnlySpan<byte> frame)
    {
        try
        {
            var r = new Utf8JsonReader(frame, new JsonReaderOptions { MaxDepth = 4 });
            if (!r.Read() || r.TokenType != JsonTokenType.StartObject) return null;
            bool isReport = false, last = true;
            bool? accepted = null;
            string? requestId = null, reason = null;
            long affected = -1;
            var ids = new List<string>();
            int has = 0; // a field named twice makes the report unusable: no guessing which status or list counts
            while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
            {
                if (!OnceEach(ref has, ref r, cancelAllReport: true)) return null;
                if (r.ValueTextEquals("type"u8))
                {
                    if (!r.Read() || r.TokenType != JsonTokenType.String) return null;
                    isReport = r.ValueTextEquals("cancel_all_report"u8);
                }
                else if (r.ValueTextEquals("requestId"u8))
                {
                    if (!r.Read() || r.TokenType != JsonTokenType.String) return null;
                    requestId = Truncate(r.GetString());
                }
                else if (r.ValueTextEquals("status"u8))
                {
                    if (!r.Read() || r.TokenType != JsonTokenType.String) return null;
                    accepted = r.ValueTextEquals("accepted"u8) ? true : r.ValueTextEquals("rejected"u8) ? false : null;
                    if (accepted is null) return null;
                }
                else if (r.ValueTextEquals("reason"u8))
                {
                    if (!r.Read()) return null;
                    if (r.TokenType == JsonTokenType.String) reason = Truncate(r.GetString());
                    else if (r.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray) r.Skip();
                }
                else if (r.ValueTextEquals("affected"u8))
                {
                    if (!r.Read() || r.TokenType != JsonTokenType.Number || !r.TryGetInt64(out affected) || affected < 0) return null;
                }
                else if (r.ValueTextEquals("last"u8))
                {
                    if (!r.Read() || r.TokenType is not (JsonTokenType.True or JsonTokenType.False)) return null;
                    last = r.TokenType == JsonTokenType.True;
                }
                else if (r.ValueTextEquals("ids"u8))
                {
                    if (!r.Read() || r.TokenType != JsonTokenType.StartArray) return null;
                    while (r.Read() && r.TokenType == JsonTokenType.String) ids.Add(r.GetString()!);
                    if (r.TokenType != JsonTokenType.EndArray) return null;
                }
                else
                {
                    if (!r.Read()) return null;
                    r.Skip();
                }
            }
            if (r.TokenType != JsonTokenType.EndObject || r.Read()) return null;
            if (!isReport || requestId is null || accepted is null) return null;
            return new CancelAllReport(requestId, accepted.Value, reason, affected < 0 ? ids.Count : affected, ids, last);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary><c>{"type":"heartbeat","node":...,"time":...}</c>.</summary>
    public ReadOnlySpan<byte> Heartbeat(long timeMs)
    {
        var w = Begin();
        w.WriteStartObject();
        w.WriteString("type"u8, "heartbeat"u8);
        w.WriteString("node"u8, ids.Node);
        w.WriteNumber("time"u8, timeMs);
        w.WriteEndObject();
        return End();
    }

    /// <summary>
    /// Parses one inbound frame; anything unusable comes back as <see cref="GatewayMessageType.Unknown"/>: not one JSON
    /// object, an unknown or non-string type, an ack, fill or reject without a plain string id, a field of the wrong
    /// type. A fill's absent qty or price comes back as NaN.
    /// </summary>
    public static GatewayMessage Parse(ReadOnlySpan<byte> frame)
    {
        // A gateway's flat frames take a direct scan (an ack and a fill per order: this is the order hot path);
        // anything unusual (escapes, nesting, literals, errors) goes to Utf8JsonReader, which alone decides it.
        var m = new GatewayMessage { Qty = double.NaN, Price = double.NaN };
        if (TryScanFlat(frame, ref m)) return m;
        return ParseWithReader(frame);
    }

    /// <summary>The reference parser: <see cref="Utf8JsonReader"/> over the whole frame.</summary>
    internal static GatewayMessage ParseWithReader(ReadOnlySpan<byte> frame)
    {
        var m = new GatewayMessage { Qty = double.NaN, Price = double.NaN };
        try
        {
            var r = new Utf8JsonReader(frame, new JsonReaderOptions { MaxDepth = 8 });
            if (!r.Read() || r.TokenType != JsonTokenType.StartObject) return Unknown();
            var type = GatewayMessageType.Unknown;
            int seen = 0; // a field named twice makes the frame unusable: no guessing which one counts
            while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
            {
                if (r.ValueTextEquals("type"u8))
                {
                    if (!Once(ref seen, 1) || !r.Read() || r.TokenType != JsonTokenType.String) return Unknown();
                    type = r.ValueTextEquals("ack"u8) ? GatewayMessageType.Ack
                        : r.ValueTextEquals("fill"u8) ? GatewayMessageType.Fill
                        : r.ValueTextEquals("reject"u8) ? GatewayMessageType.Reject
                        : r.ValueTextEquals("heartbeat"u8) ? GatewayMessageType.Heartbeat
                        : r.ValueTextEquals("open_orders"u8) ? GatewayMessageType.OpenOrders
                        : r.ValueTextEquals("cancel_all_report"u8) ? GatewayMessageType.CancelAllReport
                        : GatewayMessageType.Unknown;
                }
                else if (r.ValueTextEquals("id"u8))
                {
                    if (!Once(ref seen, 2) || !r.Read() || r.TokenType != JsonTokenType.String || r.ValueIsEscaped) return Unknown();
                    m.Id = r.ValueSpan;
                }
                else if (r.ValueTextEquals("qty"u8))
                {
                    if (!Once(ref seen, 4) || !r.Read() || r.TokenType != JsonTokenType.Number || !r.TryGetDouble(out m.Qty)) return Unknown();
                }
                else if (r.ValueTextEquals("price"u8))
                {
                    if (!Once(ref seen, 8) || !r.Read() || r.TokenType != JsonTokenType.Number || !r.TryGetDouble(out m.Price)) return Unknown();
                }
                else if (r.ValueTextEquals("side"u8))
                {
                    if (!Once(ref seen, 16) || !r.Read() || r.TokenType != JsonTokenType.String) return Unknown();
                    if (r.ValueTextEquals("BUY"u8)) m.Side = Side.Buy;
                    else if (r.ValueTextEquals("SELL"u8)) m.Side = Side.Sell;
                    else return Unknown(); // a side the node never sends: not a fill it can check
                }
                else if (r.ValueTextEquals("reason"u8))
                {
                    if (!Once(ref seen, 32) || !r.Read()) return Unknown();
                    m.Reason = r.TokenType == JsonTokenType.String ? Truncate(r.GetString()) : null;
                    if (r.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray) r.Skip();
                }
                else
                {
                    if (!r.Read()) return Unknown();
                    r.Skip();
                }
            }
            if (r.TokenType != JsonTokenType.EndObject || r.CurrentDepth != 0 || r.Read()) return Unknown(); // cut off, or content after the object
            if (type is GatewayMessageType.Ack or GatewayMessageType.Reject or GatewayMessageType.Fill && m.Id.IsEmpty) return Unknown();
            m.Type = type;
            return m;
        }
        catch (JsonException)
        {
            return Unknown();
        }
        catch (InvalidOperationException)
        {
            return Unknown();
        }
    }

    /// <summary>
    /// The direct scan of <c>{"k":v,...}</c> with string values without escapes or control characters and plain JSON
    /// numbers. Succeeds only where the reader would give the same message; false means "ask the reader".
    /// </summary>
    static bool TryScanFlat(ReadOnlySpan<byte> p, ref GatewayMessage m)
    {
        int i = SkipWs(p, 0);
        if (i >= p.Length || p[i] != (byte)'{') return false;
        i = SkipWs(p, i + 1);
        if (i < p.Length && p[i] == (byte)'}') return false;
        var type = GatewayMessageType.Unknown;
        int seen = 0; // a field named twice: the reader decides (and refuses it)
        while (true)
        {
            if (!ScanString(p, ref i, out int k0, out int kn)) return false;
            var key = p.Slice(k0, kn);
            i = SkipWs(p, i);
            if (i >= p.Length || p[i] != (byte)':') return false;
            i = SkipWs(p, i + 1);
            if (i >= p.Length) return false;
            if (p[i] == (byte)'"')
            {
                if (!ScanString(p, ref i, out int v0, out int vn)) return false;
                if (key.SequenceEqual("type"u8)) { if (!Once(ref seen, 1)) return false; type = TypeOf(p.Slice(v0, vn)); }
                else if (key.SequenceEqual("id"u8)) { if (!Once(ref seen, 2)) return false; m.Id = p.Slice(v0, vn); }
                else if (key.SequenceEqual("side"u8))
                {
                    if (!Once(ref seen, 16)) return false;
                    var sv = p.Slice(v0, vn);
                    if (sv.SequenceEqual("BUY"u8)) m.Side = Side.Buy;
                    else if (sv.SequenceEqual("SELL"u8)) m.Side = Side.Sell;
                    else return false; // the reader decides
                }
                else if (key.SequenceEqual("qty"u8) || key.SequenceEqual("price"u8) || key.SequenceEqual("reason"u8)) return false; // the reader decides
            }
            else
            {
                int n0 = i;
                if (!ScanNumber(p, ref i)) return false;
                var num = p[n0..i];
                if (key.SequenceEqual("qty"u8)) { if (!Once(ref seen, 4) || !Utf8Parser.TryParse(num, out m.Qty, out int used) || used != num.Length) return false; }
                else if (key.SequenceEqual("price"u8)) { if (!Once(ref seen, 8) || !Utf8Parser.TryParse(num, out m.Price, out int used) || used != num.Length) return false; }
                else if (key.SequenceEqual("type"u8) || key.SequenceEqual("id"u8) || key.SequenceEqual("reason"u8) || key.SequenceEqual("side"u8)) return false;
            }
            i = SkipWs(p, i);
            if (i >= p.Length) return false;
            if (p[i] == (byte)'}') break;
            if (p[i] != (byte)',') return false;
            i = SkipWs(p, i + 1);
        }
        if (SkipWs(p, i + 1) != p.Length) return false;
        if (type is GatewayMessageType.Ack or GatewayMessageType.Reject or GatewayMessageType.Fill && m.Id.IsEmpty) type = GatewayMessageType.Unknown;
        m.Type = type;
        if (type == GatewayMessageType.Unknown) { m.Id = default; m.Side = null; }
        return true;
    }

    static ReadOnlySpan<byte> OrderFields => "id|symbol|state|side|qty|filledQty|avgPrice|time"u8;
    static ReadOnlySpan<byte> ReportFields => "type|requestId|status|reason|affected|last|ids"u8;

    /// <summary>At a property name: marks it seen when it is one of the message's fields; false when it was seen before.</summary>
    static bool OnceEach(ref int seen, ref Utf8JsonReader r, bool cancelAllReport = false)
    {
        var names = cancelAllReport ? ReportFields : OrderFields;
        int bit = 1;
        foreach (var range in names.Split((byte)'|'))
        {
            if (r.ValueTextEquals(names[range])) return Once(ref seen, bit);
            bit <<= 1;
        }
        return true; // not one of its fields: skipped, named twice or not
    }

    /// <summary>Marks field <paramref name="bit"/> seen; false when it was seen before.</summary>
    static bool Once(ref int seen, int bit)
    {
        if ((seen & bit) != 0) return false;
        seen |= bit;
        return true;
    }

    static GatewayMessageType TypeOf(ReadOnlySpan<byte> t) =>
        t.SequenceEqual("ack"u8) ? GatewayMessageType.Ack
        : t.SequenceEqual("fill"u8) ? GatewayMessageType.Fill
        : t.SequenceEqual("reject"u8) ? GatewayMessageType.Reject
        : t.SequenceEqual("heartbeat"u8) ? GatewayMessageType.Heartbeat
        : t.SequenceEqual("open_orders"u8) ? GatewayMessageType.OpenOrders
        : t.SequenceEqual("cancel_all_report"u8) ? GatewayMessageType.CancelAllReport
        : GatewayMessageType.Unknown;

    /// <summary>A string at <paramref name="i"/> without escapes, control or non-ASCII characters: where its content starts, its length, and i past its closing quote.</summary>
    static bool ScanString(ReadOnlySpan<byte> p, ref int i, out int start, out int length)
    {
        start = length = 0;
        if (i >= p.Length || p[i] != (byte)'"') return false;
        int v0 = i + 1;
        int v1 = p[v0..].IndexOfAny((byte)'"', (byte)'\\');
        if (v1 < 0 || p[v0 + v1] != (byte)'"') return false;
        var value = p.Slice(v0, v1);
        if (value.IndexOfAnyInRange((byte)0, (byte)0x1F) >= 0 || value.IndexOfAnyInRange((byte)0x80, (byte)0xFF) >= 0) return false; // the reader decides
        (start, length) = (v0, v1);
        i = v0 + v1 + 1;
        return true;
    }

    static int SkipWs(ReadOnlySpan<byte> p, int i)
    {
        while (i < p.Length && (p[i] == (byte)' ' || p[i] == (byte)'\t' || p[i] == (byte)'\n' || p[i] == (byte)'\r')) i++;
        return i;
    }

    /// <summary>A strict JSON number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?</summary>
    static bool ScanNumber(ReadOnlySpan<byte> p, ref int i)
    {
        if (i < p.Length && p[i] == (byte)'-') i++;
        if (i >= p.Length) return false;
        if (p[i] == (byte)'0') i++;
        else if (p[i] >= (byte)'1' && p[i] <= (byte)'9') { while (i < p.Length && char.IsAsciiDigit((char)p[i])) i++; }
        else return false;
        if (i < p.Length && p[i] == (byte)'.')
        {
            int d = ++i;
            while (i < p.Length && char.IsAsciiDigit((char)p[i])) i++;
            if (i == d) return false;
        }
        if (i < p.Length && (p[i] == (byte)'e' || p[i] == (byte)'E'))
        {
            i++;
            if (i < p.Length && (p[i] == (byte)'+' || p[i] == (byte)'-')) i++;
            int d = i;
            while (i < p.Length && char.IsAsciiDigit((char)p[i])) i++;
            if (i == d) return false;
        }
        return true;
    }

    static GatewayMessage Unknown() => new() { Type = GatewayMessageType.Unknown, Qty = double.NaN, Price = double.NaN };

    static string? Truncate(string? s) => s is { Length: > 200 } ? s[..200] : s;

    /// <summary>UTF-8 for a log line (not the hot path).</summary>
    public static string Text(ReadOnlySpan<byte> b) => Encoding.UTF8.GetString(b);
}
