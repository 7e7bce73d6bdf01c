using System.Diagnostics;
using EdgeTrader.Trading;

namespace EdgeTrader.Journal;

/// <summary>
/// Reads the journal of the state directory once at start, oldest file first: positions from all fills, the day's
/// counters from today's file, and the orders still pending in today's and yesterday's files. A valid checkpoint
/// stands for everything before its offset, so only what follows it is read; one that no longer matches its file (the
/// file gone, shorter than its offset, other bytes before it) is a problem: the start engages. A torn last line is cut
/// off (so the next append starts on a clean line); any other unreadable line is skipped and counted.
/// </summary>
public static class JournalRestore
{
    /// <summary>
    /// Reads the journal of <paramref name="stateDir"/> for node <paramref name="node"/>; <paramref name="today"/> is the
    /// trading day now (<see cref="TradingDay.Current"/>). <paramref name="repairTornTails"/> cuts a torn last line off
    /// each file (the state directory must be writable). Never throws for a bad line; an unreadable directory or file
    /// comes back as <see cref="RestoredJournal.Problem"/>.
    /// </summary>
    public static RestoredJournal Load(string stateDir, string node, SymbolTable symbols, double contractSize, DateOnly today, bool repairTornTails = true)
    {
        var sw = Stopwatch.StartNew();
        var stats = new JournalReadStats();
        var state = new JournalState(node, symbols, contractSize, today);
        string? problem = null, from = null, mismatch = null;
        bool clockBehind = false;
        try
        {
            var files = JournalFiles.List(stateDir);
            // A valid checkpoint stands for everything before its offset; only what follows it is read.
            var cp = JournalCheckpoint.TryLoad(stateDir, node, symbols, contractSize, today, out string? cpNote, out mismatch);
            if (cp is { } c)
            {
                state = c.State;
                from = $"{c.Position.File} @ {c.Position.Offset}";
            }
            if (cpNote is not null) state.Note(cpNote);
            // The trading day never goes back: a clock behind the journal (stepped back, or set wrong at boot) keeps
            // the journal's latest day, so the day's trades and P&L are not restarted from zero.
            var latest = files.Count > 0 ? files[^1].Day : today;
            if (cp is { } ck && ck.State.Day > latest) latest = ck.State.Day;
            if (latest > today)
            {
                state.Note($"CLOCK_BEHIND_JOURNAL: the wall clock's trading day {today:yyyy-MM-dd} is before the journal's latest day {latest:yyyy-MM-dd}: that day is kept");
                clockBehind = true;
                today = latest;
            }
            state.RollTo(today);
            foreach (var (d, path) in files)
            {
                long start = 0;
                if (cp is { } k)
                {
                    if (d < k.Position.Day) continue;
                    if (Path.GetFileName(path) == k.Position.File) start = k.Position.Offset;
                }
                JournalFiles.Read(path, state.PartOf(d), d, start, repairTornTails, state, stats);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problem = $"the journal in {stateDir} cannot be read ({ex.Message}): the day's limits are unknown";
        }
        if (problem is null && stats.DamagedLines > 0)
            problem = $"the journal is damaged: {string.Join("; ", stats.Damage.Take(3))}{(stats.DamagedLines > 3 ? $" ({stats.DamagedLines} damaged lines in all)" : "")}; nothing is restored from damaged lines";
        // A checkpoint that no longer matches its file: the journal was read in full, but it lost what the checkpoint
        // stood for. The start engages (a problem), and the reading still carries on into a new checkpoint.
        bool readInFull = problem is null;
        if (mismatch is not null) problem = problem is null ? mismatch : $"{mismatch}; {problem}";
        return state.Result(stats, problem, sw.Elapsed, from, clockBehind, readInFull);
    }
}
