using System.Text.Json;

namespace EdgeTrader.Journal;

/// <summary>The day's counters rebuilt from the journal at start, so a restart cannot reset a daily limit.</summary>
/// <param name="Trades">Orders sent on the day.</param>
/// <param name="Realized">Realised P&amp;L of the day's fills.</param>
/// <param name="LossStreak">Consecutive losing closes at the end of the file.</param>
/// <param name="Lines">Lines read.</param>
/// <param name="BadLines">Lines skipped as unreadable (a torn last line after a crash is one).</param>
public sealed record DailyCounters(int Trades, double Realized, int LossStreak, long Lines, long BadLines);

/// <summary>Reads a day's journal file.</summary>
public static class JournalReplay
{
    /// <summary>Rebuilds the counters of <paramref name="day"/>; a missing file is an empty day.</summary>
    public static DailyCounters Rebuild(string stateDir, DateOnly day)
    {
        string path = DecisionJournal.FileFor(stateDir, day);
        if (!File.Exists(path)) return new DailyCounters(0, 0, 0, 0, 0);
        int trades = 0, streak = 0;
        double realized = 0;
        long lines = 0, bad = 0;
        using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        while (reader.ReadLine() is { } line)
        {
            lines++;
            if (line.Length == 0) continue;
            try
            {
                using var doc = JsonDocument.Parse(line);
                var root = doc.RootElement;
                if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var t)) { bad++; continue; }
                switch (t.GetString())
                {
                    case "order":
                        trades++;
                        break;
                    case "fill":
                        double r = root.TryGetProperty("realized", out var re) && re.ValueKind == JsonValueKind.Number ? re.GetDouble() : 0;
                        realized += r;
                        if (r < 0) streak++;
                        else if (r > 0) streak = 0;
                        break;
                }
            }
            catch (JsonException)
            {
                bad++; // a torn line: skipped, never fatal
            }
        }
        return new DailyCounters(trades, realized, streak, lines, bad);
    }
}
