using System.Text;
using System.Text.Json;

namespace EdgeTrader.Control;

/// <summary>A request on the control socket: one JSON line <c>{"command":"status|engage|reset","reason":"..."}</c>.</summary>
/// <param name="Command">status, engage or reset.</param>
/// <param name="Reason">Free text for engage/reset, at most <see cref="MaxReasonBytes"/> bytes (longer is cut, never refused).</param>
public sealed record ControlRequest(string Command, string? Reason)
{
    /// <summary>
    /// Longest reason kept, in UTF-8 bytes. A longer one is cut on a character boundary and ends in "…": an engage
    /// with a long reason still engages, and the reason stays small in the latch file, the journal and MQTT.
    /// </summary>
    public const int MaxReasonBytes = 1024;

    /// <summary><paramref name="reason"/> cut to <see cref="MaxReasonBytes"/> (whole characters, then "…"), or as it is when it fits.</summary>
    public static string? Cut(string? reason)
    {
        if (reason is null || Encoding.UTF8.GetByteCount(reason) <= MaxReasonBytes) return reason;
        const string ellipsis = "…"; // 3 bytes
        int budget = MaxReasonBytes - Encoding.UTF8.GetByteCount(ellipsis);
        var sb = new StringBuilder();
        int bytes = 0;
        foreach (var rune in reason.EnumerateRunes())
        {
            if (bytes + rune.Utf8SequenceLength > budget) break;
            bytes += rune.Utf8SequenceLength;
            sb.Append(rune.ToString());
        }
        return sb.Append(ellipsis).ToString();
    }

    /// <summary>Parses one request line; null with <paramref name="error"/> when it is not a request.</summary>
    public static ControlRequest? TryParse(ReadOnlyMemory<byte> line, out string error)
    {
        try
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = "the request must be a JSON object {\"command\":\"status|engage|reset\"}";
                return null;
            }
            string? command = null, reason = null;
            int commands = 0;
            foreach (var p in root.EnumerateObject())
            {
                if (p.NameEquals("command"))
                {
                    commands++;
                    command = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : null;
                }
                else if (p.NameEquals("reason") && p.Value.ValueKind == JsonValueKind.String) reason = p.Value.GetString();
            }
            if (commands != 1 || command is null)
            {
                error = commands > 1 ? "\"command\" given more than once" : "the request needs one \"command\" string (status, engage, reset)";
                return null;
            }
            error = "";
            return new ControlRequest(command, Cut(reason));
        }
        catch (JsonException ex)
        {
            error = $"unreadable request: {ex.Message}";
            return null;
        }
    }

    /// <summary>The request as one JSON line (with its newline), reason cut to the limit.</summary>
    public byte[] ToLine()
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WriteString("command", Command);
            if (Cut(Reason) is { } r) w.WriteString("reason", r);
            w.WriteEndObject();
        }
        ms.WriteByte((byte)'\n');
        return ms.ToArray();
    }
}
