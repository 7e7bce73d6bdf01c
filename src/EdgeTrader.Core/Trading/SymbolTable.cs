using System.Text;

namespace EdgeTrader.Trading;

/// <summary>
/// The configured symbols, looked up from UTF-8 bytes without allocating. Ticks for any other symbol are dropped.
/// </summary>
public sealed class SymbolTable
{
    readonly byte[][] _utf8;
    readonly string[] _names;

    /// <summary>Builds the table from the configured symbol names.</summary>
    public SymbolTable(IReadOnlyList<string> symbols)
    {
        _names = [.. symbols];
        _utf8 = [.. symbols.Select(Encoding.UTF8.GetBytes)];
    }

    /// <summary>Number of symbols.</summary>
    public int Count => _names.Length;

    /// <summary>Name of a symbol id.</summary>
    public string Name(int id) => _names[id];

    /// <summary>UTF-8 bytes of a symbol id (for writing it without allocating).</summary>
    public ReadOnlySpan<byte> Utf8(int id) => _utf8[id];

    /// <summary>Finds the id of a symbol given as UTF-8; -1 when unknown.</summary>
    public int Find(ReadOnlySpan<byte> symbol)
    {
        var table = _utf8;
        for (int i = 0; i < table.Length; i++)
        {
            if (symbol.SequenceEqual(table[i])) return i;
        }
        return -1;
    }

    /// <summary>Finds the id of a symbol name; -1 when unknown.</summary>
    public int Find(string symbol) => Array.IndexOf(_names, symbol);
}
