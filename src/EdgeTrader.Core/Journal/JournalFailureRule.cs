using EdgeTrader.KillSwitch;

namespace EdgeTrader.Journal;

/// <summary>
/// The rule between the journal and the kill switch: a journal that cannot be written engages the breaker (source risk,
/// the journal's failure as the reason), and resets are refused while it stays failed (<see cref="JournalHealthInterlock"/>).
/// Compose with <see cref="OnFailure"/> as the journal's failure callback, then <see cref="Guard"/> the journal.
/// </summary>
public sealed class JournalFailureRule(CircuitBreaker breaker)
{
    /// <summary>The journal's failure callback (called once, on the writer thread): engages the breaker.</summary>
    public void OnFailure(string failure) => breaker.Engage(failure, BreakerSource.Risk);

    /// <summary>Refuses resets while <paramref name="journal"/> has failed.</summary>
    public void Guard(DecisionJournal journal) => breaker.AddResetInterlock(new JournalHealthInterlock(journal));
}
