using System.Buffers;
using System.Text;
using System.Text.Json;
using EdgeTrader.Trading;

namespace EdgeTrader.Transports.Zmq;

/// <summary>Kinds of gateway → appliance messages (CONTRACT §4).</summary>
public enum GatewayMessageType
{
    /// <summary>Unknown type or unusable shape.</summary>
    Unknown,
    Ack,
    Fill,
    Reject,
    Heartbeat,
}

/// <summary>One parsed gateway message.</summary>
public ref struct GatewayMessage
{
    public GatewayMessageType Type;
    public ReadOnlySpan<byte> Id;
    public double Qty;
    public double Price;
    public string? Reason;
}

/// <summary>
/// The order protocol's JSON frames, written into a reused buffer (no allocation per order) and parsed with
/// Utf8JsonReader. One JSON object per frame.
/// </summary>
public sealed class GatewayWire(SymbolTable symbols, OrderIds ids)
{
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
        var w = Begin();
        w.WriteStartObject();
        w.WriteString("type"u8, "order"u8);
        int n = ids.Write(o.Seq, _id);
        w.WriteString("id"u8, _id.AsSpan(0, n));
        w.WriteString("symbol"u8, symbols.Utf8(o.SymbolId));
        w.WriteString("side"u8, o.Side == Side.Buy ? "BUY"u8 : "SELL"u8);
        w.WriteNumber("qty"u8, o.Qty);
        w.WriteNumber("price"u8, o.Price);
        w.WriteNumber("tickSeq"u8, o.TickSeq);
        w.WriteNumber("tickTime"u8, o.TickTimeMs);
        w.WriteNumber("time"u8, o.TimeMs);
        w.WriteEndObject();
        return End();
    }

    /// <summary><c>{"type":"cancel_all","reason":...,"generation":N,"time":...}</c>.</summary>
    public ReadOnlySpan<byte> CancelAll(string reason, long generation, long timeMs)
    {
        var w = Begin();
        w.WriteStartObject();
        w.WriteString("type"u8, "cancel_all"u8);
        w.WriteString("reason"u8, reason);
        w.WriteNumber("generation"u8, generation);
        w.WriteNumber("time"u8, timeMs);
        w.WriteEndObject();
        return End();
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

    /// <summary>Parses one inbound frame; anything unusable comes back as <see cref="GatewayMessageType.Unknown"/>.</summary>
    public static GatewayMessage Parse(ReadOnlySpan<byte> frame)
    {
        var m = new GatewayMessage();
        try
        {
            var r = new Utf8JsonReader(frame, new JsonReaderOptions { MaxDepth = 8 });
            if (!r.Read() || r.TokenType != JsonTokenType.StartObject) return m;
            var type = GatewayMessageType.Unknown;
            bool haveQty = false, havePrice = false;
            while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
            {
                if (r.ValueTextEquals("type"u8))
                {
                    if (!r.Read() || r.TokenType != JsonTokenType.String) return m;
                    type = r.ValueTextEquals("ack"u8) ? GatewayMessageType.Ack
                        : r.ValueTextEquals("fill"u8) ? GatewayMessageType.Fill
                        : r.ValueTextEquals("reject"u8) ? GatewayMessageType.Reject
                        : r.ValueTextEquals("heartbeat"u8) ? GatewayMessageType.Heartbeat
                        : GatewayMessageType.Unknown;
                }
                else if (r.ValueTextEquals("id"u8))
                {
                    if (!r.Read() || r.TokenType != JsonTokenType.String || r.ValueIsEscaped) return m;
                    m.Id = r.ValueSpan;
                }
                else if (r.ValueTextEquals("qty"u8))
                {
                    if (!r.Read() || r.TokenType != JsonTokenType.Number || !r.TryGetDouble(out m.Qty)) return m;
                    haveQty = true;
                }
                else if (r.ValueTextEquals("price"u8))
                {
                    if (!r.Read() || r.TokenType != JsonTokenType.Number || !r.TryGetDouble(out m.Price)) return m;
                    havePrice = true;
                }
                else if (r.ValueTextEquals("reason"u8))
                {
                    if (!r.Read()) return m;
                    m.Reason = r.TokenType == JsonTokenType.String ? Truncate(r.GetString()) : null;
                    if (r.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray) r.Skip();
                }
                else
                {
                    if (!r.Read()) return m;
                    r.Skip();
                }
            }
            if (type is GatewayMessageType.Ack or GatewayMessageType.Reject && m.Id.IsEmpty) return m;
            if (type == GatewayMessageType.Fill && (m.Id.IsEmpty || !haveQty || !havePrice)) return m;
            m.Type = type;
            return m;
        }
        catch (JsonException)
        {
            return new GatewayMessage();
        }
        catch (InvalidOperationException)
        {
            return new GatewayMessage();
        }
    }

    static string? Truncate(string? s) => s is { Length: > 200 } ? s[..200] : s;

    /// <summary>UTF-8 for a log line (not the hot path).</summary>
    public static string Text(ReadOnlySpan<byte> b) => Encoding.UTF8.GetString(b);
}
