using System.Text.Json;
using System.Text.RegularExpressions;

namespace EdgeTrader.Configuration;

/// <summary>One problem in the configuration: which key, and why.</summary>
/// <param name="Key">Dotted camelCase key, e.g. <c>risk.maxQty</c>.</param>
/// <param name="Reason">What is wrong with it.</param>
public sealed record ConfigError(string Key, string Reason)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Key}: {Reason}";
}

/// <summary>Thrown when the configuration cannot be used; the appliance then exits 2 without trading.</summary>
public sealed class ConfigException(IReadOnlyList<ConfigError> errors)
    : Exception("invalid configuration: " + string.Join("; ", errors))
{
    /// <summary>Every problem found, not only the first.</summary>
    public IReadOnlyList<ConfigError> Errors { get; } = errors;
}

/// <summary>Reads, binds and validates the configuration file.</summary>
public static partial class ConfigLoader
{
    /// <summary>Loads <paramref name="path"/>; throws <see cref="ConfigException"/> naming every bad key.</summary>
    public static EdgeTraderOptions Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException([new ConfigError("(file)", $"cannot read {path}: {ex.Message}")]);
        }
        return Parse(text);
    }

    /// <summary>Binds and validates configuration text.</summary>
    public static EdgeTraderOptions Parse(string json)
    {
        var shape = ConfigShape.Check(json);
        if (shape.Count > 0) throw new ConfigException(shape);
        EdgeTraderOptions? options;
        try
        {
            options = JsonSerializer.Deserialize(json, ConfigurationJson.Default.EdgeTraderOptions);
        }
        catch (JsonException ex)
        {
            throw new ConfigException([Describe(ex)]);
        }
        if (options is null) throw new ConfigException([new ConfigError("(root)", "the file must hold a JSON object")]);
        var errors = OptionsValidator.Validate(options);
        if (errors.Count > 0) throw new ConfigException(errors);
        return options;
    }

    /// <summary>The effective configuration as indented JSON (what check-config prints).</summary>
    public static string ToJson(EdgeTraderOptions options) =>
        JsonSerializer.Serialize(options, ConfigurationJson.Default.EdgeTraderOptions);

    static ConfigError Describe(JsonException ex)
    {
        string path = ToKey(ex.Path);
        var unmapped = UnmappedProperty().Match(ex.Message);
        if (unmapped.Success)
        {
            string name = unmapped.Groups[1].Value;
            string key = path.Length == 0 || path == "(root)" ? name : path.EndsWith("." + name, StringComparison.Ordinal) || path == name ? path : path + "." + name;
            return new ConfigError(key, "unknown key (not part of the configuration schema)");
        }
        string line = ex.LineNumber is long l ? $" (line {l + 1})" : "";
        string reason = ex.InnerException?.Message ?? FirstSentence(ex.Message);
        return new ConfigError(path, $"{reason}{line}");
    }

    static string FirstSentence(string message)
    {
        int i = message.IndexOf(". Path:", StringComparison.Ordinal);
        return i > 0 ? message[..i] : message;
    }

    /// <summary>"$.risk.maxQty" → "risk.maxQty"; "$.strategy.symbols[1]" → "strategy.symbols[1]".</summary>
    static string ToKey(string? jsonPath)
    {
        if (string.IsNullOrEmpty(jsonPath) || jsonPath == "$") return "(root)";
        return jsonPath.StartsWith("$.", StringComparison.Ordinal) ? jsonPath[2..] : jsonPath.TrimStart('$');
    }

    [GeneratedRegex("The JSON property '([^']+)' could not be mapped")]
    private static partial Regex UnmappedProperty();
}
