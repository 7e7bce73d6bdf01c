using EdgeTrader.Trading;

namespace EdgeTrader.Journal;

/// <summary>What the journal says at start: positions, the day's counters, orders still pending, and how the reading went.</summary>
public sealed class RestoredJournal
{
    /// <summary>The trading day the daily counters are for.</summary>
    public DateOnly Day { get; init; }
    /// <summary>Orders of the day (order lines of the day's file, minus rejects with "sent":false: they never left).</summary>
    public int TradesToday { get; init; }
    /// <summary>Realised P&amp;L of the day's fills (the <c>realized</c> field as journaled).</summary>
    public double RealizedToday { get; init; }
    /// <summary>
    /// Realised P&amp;L of the day's fills per configured symbol id, from the same <c>realized</c> fields as
    /// <see cref="RealizedToday"/>: their sum is that total, less the fills of symbols no longer configured.
    /// </summary>
    public double[] RealizedTodayBySymbol { get; init; } = [];
    /// <summary>Losing closes in a row at the end of the journal (all files).</summary>
    public int LossStreak { get; init; }
    /// <summary>Net position per configured symbol id, from every fill of every file.</summary>
    public required double[] Net { get; init; }
    /// <summary>Average open price per configured symbol id.</summary>
    public required double[] AvgPrice { get; init; }
    /// <summary>The last price the journal holds per symbol id (an order's limit or a fill's price); 0 = none. A warm
    /// start judges restored and adopted fills against it until the band has a reference of its own.</summary>
    public double[] LastPrice { get; init; } = [];
    /// <summary>Net positions of symbols no longer configured (reported, not traded).</summary>
    public required IReadOnlyDictionary<string, double> OtherSymbols { get; init; }
    /// <summary>Orders of today's and yesterday's files still pending, oldest first.</summary>
    public required IReadOnlyList<PendingOrder> Pending { get; init; }
    /// <summary>Highest order seq journaled per run (today's and yesterday's files): an order of run R above it was never journaled.</summary>
    public required IReadOnlyDictionary<long, long> MaxSeqByRun { get; init; }
    /// <summary>Latest <c>time</c> of an order, fill or other line read in today's and yesterday's files (0 when none).</summary>
    public long LastTimeMs { get; init; }
    /// <summary>True when the newest file ends with a <c>stop</c> line (the last run shut down cleanly) or there is no journal.</summary>
    public bool LastRunStoppedCleanly { get; init; }
    /// <summary>Journal files read.</summary>
    public int Files { get; init; }
    /// <summary>Bytes read.</summary>
    public long Bytes { get; init; }
    /// <summary>Lines read.</summary>
    public long Lines { get; init; }
    /// <summary>Damaged lines: not applied, and the reason of <see cref="Problem"/> (a torn last line is not counted here, see <see cref="TornBytesRemoved"/>).</summary>
    public long BadLines { get; init; }
    /// <summary>Bytes of torn last lines cut off (a crash mid-write leaves a line without its newline).</summary>
    public long TornBytesRemoved { get; init; }
    /// <summary>Order lines with an id of another node (reported, not restored).</summary>
    public long ForeignIds { get; init; }
    /// <summary>Things an operator should know (torn tails cut, bad lines, unknown symbols).</summary>
    public required IReadOnlyList<string> Notes { get; init; }
    /// <summary>Set when the journal could not be read at all: the daily limits are then unknown (the daemon starts ENGAGED).</summary>
    public string? Problem { get; init; }
    /// <summary>Time the reading took.</summary>
    public TimeSpan Elapsed { get; init; }
    /// <summary>Where the reading started: null for a full reading, else the checkpoint's file and offset.</summary>
    public string? FromCheckpoint { get; init; }

    internal JournalState? Continuation { get; init; }

    /// <summary>True when the wall clock's day at start was before the journal's latest day (kept as <see cref="Day"/>).</summary>
    public bool ClockBehindJournal { get; init; }

    /// <summary>Runs of this node whose start line the journal holds (today's and yesterday's files, and the checkpoint's).</summary>
    public IReadOnlyCollection<long> Runs { get; init; } = [];

    /// <summary>
    /// A checkpointer that carries this reading on from the journal's writer thread (every committed batch), and
    /// saves it to <c>stateDir/journal.checkpoint</c> every <paramref name="interval"/> and at a clean stop. The next
    /// start then reads only what was written after the last checkpoint. Once per reading; null when the journal could
    /// not be read in full (a journal read in full past a checkpoint that no longer matched it gets one: its new
    /// checkpoint replaces the stale one).
    /// </summary>
    public JournalCheckpointer? CreateCheckpointer(string stateDir, TimeSpan interval) =>
        Continuation is not null ? new JournalCheckpointer(stateDir, Continuation, interval) : null;
}
