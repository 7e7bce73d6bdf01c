using System.Text.Json;

namespace EdgeTrader.Status;

/// <summary>
/// Numbers that cannot make a writer throw: <see cref="Utf8JsonWriter"/> refuses NaN and infinities, and a surface that
/// throws on a number is a surface that fails when it is needed most. The status object writes such a number as
/// null; the journal writes it as a string, which its reader refuses (the line is then damaged: the next start is
/// ENGAGED), so a non-finite number is never read back as a number.
/// </summary>
public static class JsonNumbers
{
    /// <summary>Writes <paramref name="value"/>, or null when it is not finite.</summary>
    public static void OrNull(Utf8JsonWriter w, string name, double value)
    {
        if (double.IsFinite(value)) w.WriteNumber(name, value);
        else w.WriteNull(name);
    }

    /// <summary>Writes <paramref name="value"/>, or its text ("NaN", "Infinity", "-Infinity") when it is not finite.</summary>
    public static void OrText(Utf8JsonWriter w, ReadOnlySpan<byte> name, double value)
    {
        if (double.IsFinite(value)) w.WriteNumber(name, value);
        else w.WriteString(name, double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
    }
}
