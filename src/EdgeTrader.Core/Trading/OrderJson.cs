using System.Text.Json;

namespace EdgeTrader.Trading;

/// <summary>
/// The fields of an order as JSON: one writer for the gateway frame and the journal line, so what is journaled is
/// exactly what was sent.
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
}
