using System.Globalization;
using System.Text.Json;

namespace EdgeTrader.Tests.Cli;

/// <summary>The daemon's rolling JSON log files (Serilog's JsonFormatter): one object per line, scalar properties only.</summary>
[Trait("Arch", "arm64")]
public class LoggingTests
{
    static List<JsonElement> LogLines(string logDir)
    {
        var files = Directory.GetFiles(logDir, "edgetrader-*.json");
        Assert.NotEmpty(files);
        var lines = new List<JsonElement>();
        foreach (var line in files.Order(StringComparer.Ordinal).SelectMany(File.ReadAllLines).Where(l => l.Length > 0))
        {
            using var doc = JsonDocument.Parse(line); // every line is one whole JSON object
            lines.Add(doc.RootElement.Clone());
        }
        return lines;
    }

    [Fact]
    public void An_engagement_is_logged_as_one_json_object_with_timestamp_level_template_rendered_message_and_scalar_properties()
    {
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        using var d = new Daemon($"tcp://127.0.0.1:{Bin.FreePort()}", $"tcp://127.0.0.1:{Bin.FreePort()}", dryRun: true);
        d.Start();
        Assert.Equal(0, Bin.Run("engage", "--reason", "log \"line\" check", "--socket", d.Socket).Exit);
        Assert.Equal(0, d.Stop()); // a clean stop flushes the async file sink
        var after = DateTimeOffset.UtcNow.AddSeconds(1);

        var lines = LogLines(Path.Combine(d.Dir, "log"));
        var engaged = Assert.Single(lines, l => l.GetProperty("MessageTemplate").GetString()!.StartsWith("KILL SWITCH ENGAGED", StringComparison.Ordinal));
        var t = DateTimeOffset.Parse(engaged.GetProperty("Timestamp").GetString()!, CultureInfo.InvariantCulture);
        Assert.InRange(t, before, after);
        Assert.Equal("Warning", engaged.GetProperty("Level").GetString());
        // The message text may change; the fields are the contract: a template, its rendering, scalar properties.
        var p = engaged.GetProperty("Properties");
        Assert.Equal("cli", p.GetProperty("Source").GetString());
        Assert.Equal("log \"line\" check", p.GetProperty("Reason").GetString());
        Assert.Equal("", p.GetProperty("Renewed").GetString()); // a first engagement, not a renewal
        Assert.False(string.IsNullOrEmpty(p.GetProperty("Engagement").GetString()), "the engagement's identity is logged as text");
        string rendered = engaged.GetProperty("RenderedMessage").GetString()!;
        Assert.StartsWith("KILL SWITCH ENGAGED: engagement ", rendered, StringComparison.Ordinal);
        Assert.Contains("source \"cli\", reason \"log \\\"line\\\" check\"", rendered, StringComparison.Ordinal);

        // The start line carries numbers as numbers.
        var ready = Assert.Single(lines, l => l.GetProperty("MessageTemplate").GetString()!.Contains("ready in {ReadyMs", StringComparison.Ordinal));
        Assert.Equal(JsonValueKind.Number, ready.GetProperty("Properties").GetProperty("ReadyMs").ValueKind);

        // No line carries one of our own objects: under NativeAOT Serilog cannot destructure them (it would log a
        // type name or an empty object), so only scalars are logged.
        foreach (var l in lines)
        {
            foreach (var prop in l.TryGetProperty("Properties", out var ps) ? ps.EnumerateObject() : Enumerable.Empty<JsonProperty>())
            {
                Assert.True(prop.Value.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null,
                    $"{prop.Name} is a {prop.Value.ValueKind} in: {l}");
                if (prop.Value.ValueKind == JsonValueKind.String && prop.Name != "SourceContext") // the logger's own class name
                    Assert.False(prop.Value.GetString()!.StartsWith("EdgeTrader.", StringComparison.Ordinal), $"{prop.Name} is a type name in: {l}");
            }
        }
    }
}
