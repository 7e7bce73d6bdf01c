using System.Text;
using System.Text.Json;
using EdgeTrader.Trading;

namespace EdgeTrader.Journal;

/// <summary>What a journal line means for the reading at start.</summary>
internal enum JournalLineType : byte
{
    /// <summary>Any line the reading does not need (start, denial, breaker, recovery, timeout, …).</summary>
    Other,
    /// <summary>An order (sent, or recovered from the gateway).</summary>
    Order,
    /// <summary>A fill.</summary>
    Fill,
    /// <summary>An ack.</summary>
    Ack,
    /// <summary>An end of an order: reject, given_up, unknown_at_gateway, discarded.</summary>
    End,
    /// <summary>A reject with <c>"sent":false</c>: the order never left.</summary>
    SendFailed,
    /// <summary>A clean stop (the last line of a run).</summary>
    Stop,
    /// <summary>A start of a run (its run number).</summary>
    Start,
}

/// <summary>The fields of one journal line the reading uses. Spans point into the line (or the parser's scratch).</summary>
internal ref struct JournalRecord
{
    public JournalLineType Type;
    public ReadOnlySpan<byte> Id;
    public ReadOnlySpan<byte> Symbol;
    public Side Side;
    public double Qty;
    public double Price;
    public double Realized;
    public long TimeMs;
    public long OrderTimeMs;
    public long Run;
}

/// <summary>
/// Parses one journal line (one JSON object, no newline). Pure: no I/O, nothing kept between lines but two scratch
/// buffers for escaped strings. One instance per reading thread.
/// </summary>
internal sealed class JournalLineParser
{
    readonly byte[] _idScratch = new byte[256];
    readonly byte[] _symScratch = new byte[256];

    /// <summary>
    /// The type of a line written by this journal, read from its prefix without parsing (the writer always puts the
    /// type first, unescaped); null when the prefix is not the writer's, and the line must be parsed to know.
    /// </summary>
    public static JournalLineType? PeekType(ReadOnlySpan<byte> line)
    {
        ReadOnlySpan<byte> prefix = "{\"type\":\""u8;
        if (!line.StartsWith(prefix)) return null;
        var rest = line[prefix.Length..];
        int q = rest.IndexOf((byte)'"');
        if (q < 0) return null;
        return Classify(rest[..q]);
    }

    /// <summary>The meaning of a <c>type</c> value.</summary>
    public static JournalLineType Classify(ReadOnlySpan<byte> t) =>
        t.SequenceEqual("order"u8) ? JournalLineType.Order
        : t.SequenceEqual("fill"u8) ? JournalLineType.Fill
        : t.SequenceEqual("ack"u8) ? JournalLineType.Ack
        : t.SequenceEqual("reject"u8) || t.SequenceEqual("given_up"u8) || t.SequenceEqual("unknown_at_gateway"u8) || t.SequenceEqual("discarded"u8) ? JournalLineType.End
        : t.SequenceEqual("stop"u8) ? JournalLineType.Stop
        : t.SequenceEqual("start"u8) ? JournalLineType.Start
        : JournalLineType.Other;

    /// <summary>Parses a whole line; false when it is not one JSON object with a string <c>type</c> and well-typed fields.</summary>
    public bool TryParse(ReadOnlySpan<byte> line, ref JournalRecord rec)
    {
        bool notSent = false;
        try
        {
            var r = new Utf8JsonReader(line, new JsonReaderOptions { MaxDepth = 4 });
            // Stryker disable once Logical : after a first token other than {, no property name can follow (one top-level value): refused below anyway
            if (!r.Read() || r.TokenType != JsonTokenType.StartObject) return false;
            bool haveType = false;
            while (r.Read())
            {
                if (r.TokenType == JsonTokenType.EndObject)
                {
                    if (!haveType || r.CurrentDepth != 0 || r.Read()) return false;
                    if (rec.Type == JournalLineType.End && notSent) rec.Type = JournalLineType.SendFailed;
                    return true;
                }
                if (r.TokenType != JsonTokenType.PropertyName) return false;
                if (r.ValueTextEquals("type"u8))
                {
                    if (!r.Read() || r.TokenType != JsonTokenType.String) return false;
                    // Stryker disable once Conditional : unescaping an unescaped value gives the same bytes
                    rec.Type = Classify(r.ValueIsEscaped ? Encoding.UTF8.GetBytes(r.GetString()!) : r.ValueSpan);
                    haveType = true;
                }
                else if (r.ValueTextEquals("id"u8))
                {
                    if (!r.Read() || r.TokenType != JsonTokenType.String || r.ValueSpan.Length > _idScratch.Length) return false;
                    // Stryker disable once Conditional : unescaping an unescaped value gives the same bytes
                    rec.Id = r.ValueIsEscaped ? _idScratch.AsSpan(0, r.CopyString(_idScratch)) : r.ValueSpan;
                }
                else if (r.ValueTextEquals("symbol"u8))
                {
                    if (!r.Read() || r.TokenType != JsonTokenType.String || r.ValueSpan.Length > _symScratch.Length) return false;
                    // Stryker disable once Conditional : unescaping an unescaped value gives the same bytes
                    rec.Symbol = r.ValueIsEscaped ? _symScratch.AsSpan(0, r.CopyString(_symScratch)) : r.ValueSpan;
                }
                else if (r.ValueTextEquals("side"u8))
                {
                    if (!r.Read() || r.TokenType != JsonTokenType.String) return false;
                    if (r.ValueTextEquals("BUY"u8)) rec.Side = Side.Buy;
                    else if (r.ValueTextEquals("SELL"u8)) rec.Side = Side.Sell;
                    else return false; // a side this journal never writes: the line is not ours to guess
                }
                else if (r.ValueTextEquals("qty"u8)) { if (!ReadDouble(ref r, out rec.Qty)) return false; }
                else if (r.ValueTextEquals("price"u8)) { if (!ReadDouble(ref r, out rec.Price)) return false; }
                else if (r.ValueTextEquals("realized"u8)) { if (!ReadDouble(ref r, out rec.Realized)) return false; }
                else if (r.ValueTextEquals("time"u8)) { if (!r.Read() || r.TokenType != JsonTokenType.Number || !r.TryGetInt64(out rec.TimeMs)) return false; }
                else if (r.ValueTextEquals("orderTime"u8)) { if (!r.Read() || r.TokenType != JsonTokenType.Number || !r.TryGetInt64(out rec.OrderTimeMs)) return false; }
                else if (r.ValueTextEquals("run"u8)) { if (!r.Read() || r.TokenType != JsonTokenType.Number || !r.TryGetInt64(out rec.Run)) return false; }
                // Stryker disable once Boolean : after a property name the reader (a final block) gives a value or throws, never false
                else if (r.ValueTextEquals("sent"u8)) { if (!r.Read()) return false; notSent = r.TokenType == JsonTokenType.False; }
                else
                {
                    // Stryker disable once Boolean : after a property name the reader (a final block) gives a value or throws, never false
                    if (!r.Read()) return false;
                    r.Skip();
                }
            }
            // Stryker disable once Boolean : unreachable: the top-level } returns above, and input ending without it throws
            return false; // no closing brace
        }
        catch (JsonException)
        {
            return false;
        }
    }

    static bool ReadDouble(ref Utf8JsonReader r, out double v)
    {
        v = 0;
        return r.Read() && r.TokenType == JsonTokenType.Number && r.TryGetDouble(out v);
    }
}
