using System.Globalization;
using System.Text.Json;

namespace EdgeTrader.Status;

/// <summary>
/// The newest lines of the decisions journal, read back from the file (so only what is durable is shown), reduced
/// to one line each for the page. Reads at most <see cref="MaxBytes"/> from the end; never throws.
/// </summary>
public static class JournalTail
{
    /// <summary>Bytes read from the end of the file.</summary>
    public const int MaxBytes = 32 * 1024;

    /// <summary>The last <paramref name="count"/> decisions in <paramref name="path"/>, oldest first.</summary>
    public static IReadOnlyList<JournalEntry> Read(string path, int count)
    {
        byte[] buf;
        bool fromStart;
        try
        {
            using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            long start = Math.Max(0, f.Length - MaxBytes);
            fromStart = start == 0;
            f.Seek(start, SeekOrigin.Begin);
            buf = new byte[f.Length - start];
            int n = 0;
            while (n < buf.Length)
            {
                int r = f.Read(buf, n, buf.Length - n);
                if (r == 0) break;
                n += r;
            }
            if (n < buf.Length) Array.Resize(ref buf, n);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }

        var lines = new List<ReadOnlyMemory<byte>>();
        int pos = 0;
        if (!fromStart)
        {
            int first = Array.IndexOf(buf, (byte)'\n');
            pos = first < 0 ? buf.Length : first + 1; // the first line is cut
        }
        while (pos < buf.Length)
        {
            int nl = Array.IndexOf(buf, (byte)'\n', pos);
            if (nl < 0) break; // a line still being written
            if (nl > pos) lines.Add(buf.AsMemory(pos, nl - pos));
            pos = nl + 1;
        }
        var result = new List<JournalEntry>(count);
        for (int i = Math.Max(0, lines.Count - count); i < lines.Count; i++)
            if (TryDescribe(lines[i].Span, out var e)) result.Add(e);
        return result;
    }

    /// <summary>One journal line reduced to what the page shows; false for a line that is not readable JSON.</summary>
    public static bool TryDescribe(ReadOnlySpan<byte> line, out JournalEntry entry)
    {
        entry = new JournalEntry(0, "", "", null);
        try
        {
            var reader = new Utf8JsonReader(line);
            using var doc = JsonDocument.ParseValue(ref reader);
            var r = doc.RootElement;
            if (r.ValueKind != JsonValueKind.Object) return false;
            string type = Str(r, "type") ?? "?";
            long time = r.TryGetProperty("time", out var t) && t.TryGetInt64(out long tm) ? tm : 0;
            string id = Str(r, "id") ?? "";
            string trade = $"{Str(r, "side")} {Num(r, "qty")} {Str(r, "symbol")} @ {Num(r, "price")}";
            (string summary, string? detail) = type switch
            {
                "breaker" => ($"{Str(r, "state")} (generation {Num(r, "generation")}) by {Str(r, "source")}: {Str(r, "reason")}", null),
                "start" or "stop" => ($"{type}: {Str(r, "detail")}", null),
                "denial" => ($"denied {Str(r, "code")}", $"denied {Str(r, "code")}: {trade}"),
                "order" => ($"order {id}", $"order {id}: {trade}"),
                "fill" => ($"fill {id}", $"fill {id}: {trade}, realised {Num(r, "realized")}"),
                "reject" => ($"reject {id}: {Str(r, "reason")}", null),
                "ack" or "timeout" => ($"{type} {id}", null),
                "recovery" => ($"recovery: {Str(r, "mode") ?? Str(r, "state") ?? Str(r, "result") ?? "see status"}", null),
                _ => (type, null),
            };
            entry = new JournalEntry(time, type, summary, detail);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    static string? Str(JsonElement r, string name) =>
        r.TryGetProperty(name, out var v) ? v.ValueKind == JsonValueKind.String ? v.GetString() : v.ToString() : null;

    static string Num(JsonElement r, string name) =>
        r.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out double d)
            ? d.ToString("0.#####", CultureInfo.InvariantCulture) : "?";
}
