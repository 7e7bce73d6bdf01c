using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeTrader.Configuration;

/// <summary>
/// Binds an option enum by its <see cref="JsonStringEnumMemberNameAttribute"/> names, exactly: the names come from
/// <see cref="JsonStringEnumConverter{TEnum}"/> (AOT-safe, no reflection), but where that converter also takes
/// numbers, other casings, padded names and comma lists ("ema-cross, every-tick" would bind to a third value),
/// this one takes a string that is one of the names and nothing else.
/// </summary>
public sealed class StrictEnumConverter<T> : JsonConverter<T> where T : struct, Enum
{
    static readonly (string Name, T Value)[] Table = BuildTable();
    static readonly RetiredOptionNameAttribute[] Retired = (RetiredOptionNameAttribute[])Attribute.GetCustomAttributes(typeof(T), typeof(RetiredOptionNameAttribute));

    /// <summary>The names in declaration order.</summary>
    internal static readonly IReadOnlyList<string> Names = [.. Table.Select(t => t.Name)];

    static (string, T)[] BuildTable()
    {
        var options = new JsonSerializerOptions();
        var inner = (JsonConverter<T>)new JsonStringEnumConverter<T>(namingPolicy: null, allowIntegerValues: false).CreateConverter(typeof(T), options);
        var values = Enum.GetValues<T>();
        var table = new (string, T)[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            var buffer = new MemoryStream();
            using (var w = new Utf8JsonWriter(buffer)) inner.Write(w, values[i], options);
            using var doc = JsonDocument.Parse(buffer.ToArray());
            table[i] = (doc.RootElement.GetString()!, values[i]);
        }
        return table;
    }

    internal static string NameOf(T value)
    {
        foreach (var (name, v) in Table)
            if (EqualityComparer<T>.Default.Equals(v, value)) return name;
        throw new ArgumentOutOfRangeException(nameof(value), value, $"{typeof(T).Name} has no value {value}");
    }

    static string Choices() => string.Join(", ", Table.Select(t => $"\"{t.Name}\""));

    /// <inheritdoc/>
    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
            throw new JsonException($"must be one of {Choices()} (a string, not {Describe(reader.TokenType)})");
        string s = reader.GetString()!;
        foreach (var (name, value) in Table)
            if (string.Equals(name, s, StringComparison.Ordinal)) return value;
        foreach (var r in Retired)
            if (string.Equals(r.Name, s, StringComparison.Ordinal)) throw new JsonException($"'{s}' is refused: {r.Why}");
        throw new JsonException($"'{s}' is not one of {Choices()}");
    }

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(NameOf(value));

    static string Describe(JsonTokenType t) => t switch
    {
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "a list",
        _ => t.ToString(),
    };
}

/// <summary>A name an option enum no longer takes: a configuration naming it is refused with <see cref="Why"/> (what to use instead).</summary>
[AttributeUsage(AttributeTargets.Enum, AllowMultiple = true)]
public sealed class RetiredOptionNameAttribute(string name, string why) : Attribute
{
    /// <summary>The retired name.</summary>
    public string Name { get; } = name;

    /// <summary>Why it was retired and what to use.</summary>
    public string Why { get; } = why;
}
