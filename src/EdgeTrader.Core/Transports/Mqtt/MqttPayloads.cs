using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using EdgeTrader.KillSwitch;

namespace EdgeTrader.Transports.Mqtt;

/// <summary>
/// The engage command's payload and the flat JSON of signed resets, read with <see cref="Utf8JsonReader"/> (no
/// reflection). Readers never throw: a payload is either understood or rejected. The state payload is
/// <see cref="BreakerStateCodec"/>'s.
/// </summary>
internal static class MqttPayloads
{
    /// <summary>Text taken from the wire (reasons, origins) is cut to this many characters.</summary>
    public const int MaxTextLength = BreakerStateCodec.MaxReasonLength;

    /// <summary>Larger payloads are not parsed at all (an engage command still engages).</summary>
    public const int MaxParsedPayload = 64 * 1024;

    /// <summary>
    /// The reason an engage command carries: JSON <c>{"reason","origin"}</c>, or plain text. Whatever the payload is,
    /// a reason comes back (saying when the payload was empty or not understood): the command engages regardless.
    /// </summary>
    public static string DescribeEngageCommand(ReadOnlySpan<byte> payload)
    {
        if (payload.IsEmpty) return "MQTT engage command (empty payload)";
        if (payload.Length > MaxParsedPayload || !Utf8.IsValid(payload))
        {
            return $"MQTT engage command (unparseable payload, {payload.Length} bytes)";
        }
        var first = FirstNonWhitespace(payload);
        if (first == (byte)'{')
        {
            if (!FlatJson.TryParse(payload, out var fields)) return $"MQTT engage command (unparseable payload, {payload.Length} bytes)";
            var reason = fields.String("reason");
            var origin = fields.String("origin");
            var text = string.IsNullOrEmpty(reason) ? "MQTT engage command (no readable reason)" : reason;
            return string.IsNullOrEmpty(origin) ? text : Shorten($"{text} (origin: {origin})");
        }
        var plain = Sanitize(Encoding.UTF8.GetString(payload));
        return plain.Length == 0 ? "MQTT engage command (empty payload)" : plain;
    }

    /// <summary>Control characters become spaces; trimmed and cut to <see cref="MaxTextLength"/> (the codec's rule).</summary>
    public static string Sanitize(string s) => BreakerStateCodec.Sanitize(s);

    static string Shorten(string s)
    {
        if (s.Length <= MaxTextLength) return s;
        int cut = MaxTextLength;
        if (char.IsHighSurrogate(s[cut - 1])) cut--; // never split a surrogate pair
        return s[..cut] + "…";
    }

    static byte FirstNonWhitespace(ReadOnlySpan<byte> payload)
    {
        foreach (var b in payload)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')) return b;
        }
        return 0;
    }
}

/// <summary>
/// The top-level members of one JSON object: strings (sanitised), integers, and a marker for anything else.
/// Nested values are skipped. Duplicate names make the object invalid (no guessing which one counts).
/// </summary>
internal sealed class FlatJson
{
    readonly Dictionary<string, string?> _strings = new(StringComparer.Ordinal);
    readonly Dictionary<string, long> _integers = new(StringComparer.Ordinal);
    readonly HashSet<string> _names = new(StringComparer.Ordinal);
    readonly Dictionary<string, string> _raw = new(StringComparer.Ordinal);

    /// <summary>The string member <paramref name="name"/>, or null when absent or not a string.</summary>
    public string? String(string name) => _strings.TryGetValue(name, out var v) ? v : null;

    /// <summary>The raw (unsanitised) string member, for signature checks.</summary>
    public string? RawString(string name) => _raw.TryGetValue(name, out var v) ? v : null;

    /// <summary>The integer member <paramref name="name"/> when it is a JSON number without fraction or exponent that fits a long.</summary>
    public bool TryInt64(string name, out long value) => _integers.TryGetValue(name, out value);

    /// <summary>Parses one JSON object and nothing after it; false on any error, including invalid UTF-8.</summary>
    public static bool TryParse(ReadOnlySpan<byte> json, out FlatJson result)
    {
        result = new FlatJson();
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 16 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.EndObject)
                {
                    return !reader.Read(); // throws on trailing garbage; false on a second value
                }
                var name = reader.GetString()!;
                if (!result._names.Add(name)) return false;
                if (!reader.Read()) return false;
                switch (reader.TokenType)
                {
                    case JsonTokenType.String:
                        var raw = reader.GetString()!;
                        result._raw[name] = raw;
                        result._strings[name] = MqttPayloads.Sanitize(raw);
                        break;
                    case JsonTokenType.Number:
                        // TryGetInt64 takes only a plain integer (no fraction, no exponent) that fits.
                        if (reader.TryGetInt64(out var n)) result._integers[name] = n;
                        break;
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        reader.Skip();
                        break;
                }
            }
            return false;
        }
        catch (JsonException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
