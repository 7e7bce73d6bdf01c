using System.Buffers;
using System.Text;
using System.Text.Json;
using EdgeTrader.Trading;

namespace EdgeTrader.Tests.Trading;

/// <summary>An order is formatted once and reused for its journal line and its frame: never the bytes of another order.</summary>
public class OrderJsonTests
{
    static readonly SymbolTable Symbols = new(["EURUSD", "USDJPY"]);

    static string Fresh(in Order o, SymbolTable symbols, OrderIds ids)
    {
        var buf = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buf))
        {
            w.WriteStartObject();
            OrderJson.WriteFields(w, in o, symbols, ids, new byte[160]);
        }
        return Encoding.UTF8.GetString(buf.WrittenSpan[1..]);
    }

    static Order Base => new() { Seq = 7, SymbolId = 0, Side = Side.Buy, Qty = 0.01, Price = 1.1, TickSeq = 42, TickTimeMs = 1000, TimeMs = 1001 };

    public static TheoryData<string> Changes => new() { "seq", "symbol", "side", "qty", "price", "tickSeq", "tickTime", "time", "ids", "symbols" };

    [Theory]
    [MemberData(nameof(Changes))]
    public void An_order_that_differs_in_any_field_is_formatted_anew(string change)
    {
        var ids = new OrderIds("pi-1", 3);
        var a = Base;
        Assert.Equal(Fresh(in a, Symbols, ids), Encoding.UTF8.GetString(OrderJson.Fields(in a, Symbols, ids)));
        var b = a;
        var (symbols, bIds) = (Symbols, ids);
        switch (change)
        {
            case "seq": b.Seq++; break;
            case "symbol": b.SymbolId = 1; break;
            case "side": b.Side = Side.Sell; break;
            case "qty": b.Qty = 0.02; break;
            case "price": b.Price = Math.BitIncrement(b.Price); break;
            case "tickSeq": b.TickSeq++; break;
            case "tickTime": b.TickTimeMs++; break;
            case "time": b.TimeMs++; break;
            case "ids": bIds = new OrderIds("pi-2", 3); break;
            case "symbols": symbols = new SymbolTable(["GBPUSD"]); break;
        }
        string expected = Fresh(in b, symbols, bIds);
        Assert.NotEqual(Fresh(in a, Symbols, ids), expected);
        Assert.Equal(expected, Encoding.UTF8.GetString(OrderJson.Fields(in b, symbols, bIds)));
    }

    [Fact]
    public void The_same_order_asked_again_has_the_same_bytes()
    {
        var ids = new OrderIds("pi-1", 3);
        var a = Base;
        string first = Encoding.UTF8.GetString(OrderJson.Fields(in a, Symbols, ids));
        Assert.Equal(first, Encoding.UTF8.GetString(OrderJson.Fields(in a, Symbols, ids)));
        Assert.Equal(Fresh(in a, Symbols, ids), first);
    }

    [Fact]
    public void Asking_again_for_the_same_order_reuses_its_bytes_and_allocates_nothing()
    {
        var o = Base;
        var ids = new OrderIds("pi-1", 3);
        var first = OrderJson.Fields(in o, Symbols, ids);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var again = OrderJson.Fields(in o, Symbols, ids);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.True(System.Runtime.CompilerServices.Unsafe.AreSame(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(first),
            ref System.Runtime.InteropServices.MemoryMarshal.GetReference(again)));
        Assert.Equal(Fresh(in o, Symbols, ids), Encoding.UTF8.GetString(again));
    }
}
