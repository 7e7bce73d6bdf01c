using System.Buffers;
using System.Text.Json;

namespace EdgeTrader.Trading;

/// <summary>
/// The fields of an order as JSON: one writer for the gateway frame and the journal line, so what is journaled is
/// exactly what was sent. An order is formatted once per thread: its journal line and its gateway frame copy the same
/// bytes (<see cref="Fields"/>).
/// </summary>
public static class OrderJson
{
    /// <summary>Writes <c>"type":"order","id",...,"time"</c> into an open object; <paramref name="idBuffer"/> holds the id (≥ 160 bytes).</summary>
    public static void WriteFields(Utf8JsonWriter w, in Order o, SymbolTable symbols, OrderIds ids, Span<byte> idBuffer)
    {
        w.WriteString("type"u8, "order"u8);
        int n = ids.Write(o.Seq, idBuffer);
        w.WriteString("id"u8, idBuffer[..n]);
        w.WriteString("symbol"u8, symbols.Utf8(o.SymbolId));
        w.WriteString("side"u8, o.Side == Side.Buy ? "BUY"u8 : "SELL"u8);
        w.WriteNumber("qty"u8, o.Qty);
        w.WriteNumber("price"u8, o.Price);
        w.WriteNumber("tickSeq"u8, o.TickSeq);
        w.WriteNumber("tickTime"u8, o.TickTimeMs);
        w.WriteNumber("time"u8, o.TimeMs);
    }

    [ThreadStatic] static FieldsCache? t_cache;

    /// <summary>
    /// The bytes <see cref="WriteFields"/> writes for <paramref name="o"/> (without the braces): formatted on the first
    /// call for an order and reused while the same order, with the same ids and symbols, is asked for again on this
    /// thread (the journal line and then the gateway frame of one order). Valid until the next call on this thread.
    /// </summary>
    public static ReadOnlySpan<byte> Fields(in Order o, SymbolTable symbols, OrderIds ids)
    {
        var c = t_cache ??= new FieldsCache();
        if (!c.Holds(in o, symbols, ids))
        {
            c.Buffer.ResetWrittenCount();
            c.Writer.Reset(c.Buffer);
            c.Writer.WriteStartObject();
            WriteFields(c.Writer, in o, symbols, ids, c.Id);
            c.Writer.Flush();
            c.Order = o;
            c.Symbols = symbols;
            c.Ids = ids;
        }
        return c.Buffer.WrittenSpan[1..]; // after the '{'
    }

    sealed class FieldsCache
    {
        public readonly ArrayBufferWriter<byte> Buffer = new(512);
        public readonly Utf8JsonWriter Writer;
        public readonly byte[] Id = new byte[160];
        public Order Order;
        public SymbolTable? Symbols;
        public OrderIds? Ids;

        // Stryker disable once all : the writer only writes fields of an open object, which validation accepts: it only costs time
        public FieldsCache() => Writer = new Utf8JsonWriter(Buffer, new JsonWriterOptions { SkipValidation = true });

        public bool Holds(in Order o, SymbolTable symbols, OrderIds ids) =>
            ReferenceEquals(Symbols, symbols) && ReferenceEquals(Ids, ids) && Order.Seq == o.Seq && Order.SymbolId == o.SymbolId
            && Order.Side == o.Side && BitConverter.DoubleToInt64Bits(Order.Qty) == BitConverter.DoubleToInt64Bits(o.Qty)
            && BitConverter.DoubleToInt64Bits(Order.Price) == BitConverter.DoubleToInt64Bits(o.Price)
            && Order.TickSeq == o.TickSeq && Order.TickTimeMs == o.TickTimeMs && Order.TimeMs == o.TimeMs;
    }
}
