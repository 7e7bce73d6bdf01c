using System.Text.Json;
using EdgeTrader.Configuration;

namespace EdgeTrader.Tests.Configuration;

/// <summary>docs/edgetrader.example.json says every key it shows takes the shown value when omitted: that is checked here.</summary>
public class ExampleConfigTests
{
    static string ExamplePath()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "EdgeTrader.sln"))) dir = Path.GetDirectoryName(dir);
        Assert.NotNull(dir);
        return Path.Combine(dir!, "docs", "edgetrader.example.json");
    }

    static JsonElement Parse(string json)
    {
        using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        return doc.RootElement.Clone();
    }

    static void Differences(string path, JsonElement shown, JsonElement actual, List<string> diffs)
    {
        if (shown.ValueKind != actual.ValueKind && !(shown.ValueKind is JsonValueKind.True or JsonValueKind.False && actual.ValueKind is JsonValueKind.True or JsonValueKind.False))
        {
            diffs.Add($"{path}: the example shows {shown.GetRawText()}, the default is {actual.GetRawText()}");
            return;
        }
        switch (shown.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in shown.EnumerateObject())
                {
                    if (actual.TryGetProperty(p.Name, out var a)) Differences($"{path}.{p.Name}".TrimStart('.'), p.Value, a, diffs);
                    else diffs.Add($"{path}.{p.Name}: shown in the example but not a key of the configuration");
                }
                foreach (var p in actual.EnumerateObject())
                    if (!shown.TryGetProperty(p.Name, out _)) diffs.Add($"{path}.{p.Name}".TrimStart('.') + $": a key of the configuration (default {p.Value.GetRawText()}) that the example does not show");
                break;
            case JsonValueKind.Array:
                if (shown.GetArrayLength() != actual.GetArrayLength()) diffs.Add($"{path}: the example shows {shown.GetRawText()}, the default is {actual.GetRawText()}");
                else for (int i = 0; i < shown.GetArrayLength(); i++) Differences($"{path}[{i}]", shown[i], actual[i], diffs);
                break;
            case JsonValueKind.Number:
                if (shown.GetDouble() != actual.GetDouble()) diffs.Add($"{path}: the example shows {shown.GetRawText()}, the default is {actual.GetRawText()}");
                break;
            default:
                if (shown.GetRawText() != actual.GetRawText()) diffs.Add($"{path}: the example shows {shown.GetRawText()}, the default is {actual.GetRawText()}");
                break;
        }
    }

    [Fact]
    public void Every_value_the_example_shows_is_the_default_and_every_key_is_shown()
    {
        var shown = Parse(File.ReadAllText(ExamplePath()));
        var defaults = Parse(ConfigLoader.ToJson(new EdgeTraderOptions()));
        var diffs = new List<string>();
        Differences("", shown, defaults, diffs);
        Assert.True(diffs.Count == 0, string.Join("\n", diffs));
    }

    [Fact]
    public void The_example_loads_as_it_is_and_equals_an_empty_file()
    {
        var fromExample = ConfigLoader.ToJson(ConfigLoader.Load(ExamplePath()));
        var fromNothing = ConfigLoader.ToJson(ConfigLoader.Parse("{}"));
        Assert.Equal(fromNothing, fromExample);
    }
}
