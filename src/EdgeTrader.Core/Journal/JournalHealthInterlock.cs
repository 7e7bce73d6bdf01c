using EdgeTrader.KillSwitch;

namespace EdgeTrader.Journal;

/// <summary>
/// Refuses a reset while the journal cannot be written: the breaker engaged because of it, and a reset would only
/// re-open the gates for orders that are all denied JOURNAL_UNAVAILABLE. The journal does not retry a failed write
/// (a hole in it would go unnoticed), so the way back is to fix the storage and restart the daemon.
/// </summary>
public sealed class JournalHealthInterlock(DecisionJournal journal) : IResetInterlock
{
    /// <inheritdoc/>
    public string? WhyResetIsRefused() => journal.Failure is { } f
        ? $"the decisions journal cannot be written ({f}); fix the storage and restart the daemon"
        : null;
}
