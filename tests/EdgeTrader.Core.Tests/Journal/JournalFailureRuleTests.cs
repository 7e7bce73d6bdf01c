using EdgeTrader.Journal;
using EdgeTrader.KillSwitch;
using EdgeTrader.Tests.Support;
using EdgeTrader.Trading;

namespace EdgeTrader.Tests.Journal;

/// <summary>A journal that cannot be written engages the breaker (source risk) and keeps it from being reset.</summary>
public sealed class JournalFailureRuleTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("et-jrule-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    static Order AnOrder(long seq) => new() { Seq = seq, SymbolId = 0, Side = Side.Buy, Qty = 0.01, Price = 1.1, TimeMs = seq };

    [Fact]
    public void A_journal_renamed_and_replaced_while_open_engages_and_refuses_resets()
    {
        var time = TestClock.New();
        var breaker = new CircuitBreaker(BreakerState.FreshInstall(time.GetUtcNow()), time);
        var rule = new JournalFailureRule(breaker);
        var day = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        using var journal = new DecisionJournal(_dir, new SymbolTable(["EURUSD"]), new OrderIds("n1", 1), TestDays.At(day), time, rule.OnFailure, background: false);
        rule.Guard(journal);
        journal.Order(AnOrder(1));
        journal.Commit();
        Assert.False(breaker.IsEngaged);

        string path = DecisionJournal.FileFor(_dir, day);
        File.Move(path, Path.Combine(_dir, "x"));
        File.WriteAllBytes(path, []);
        journal.Order(AnOrder(2));
        journal.Commit();

        Assert.True(breaker.IsEngaged);
        Assert.Equal(BreakerSource.Risk, breaker.State.Source);
        Assert.Contains(Path.GetFileName(path), breaker.State.Reason);
        var reset = breaker.Reset("checked", BreakerSource.Cli);
        Assert.False(reset.Done);
        Assert.Contains("journal cannot be written", reset.RefusedBecause);
    }

    [Fact]
    public void A_journal_that_writes_leaves_the_breaker_alone_and_resets_allowed()
    {
        var time = TestClock.New();
        var breaker = new CircuitBreaker(BreakerState.FreshInstall(time.GetUtcNow()), time);
        var rule = new JournalFailureRule(breaker);
        var day = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        using var journal = new DecisionJournal(_dir, new SymbolTable(["EURUSD"]), new OrderIds("n1", 1), TestDays.At(day), time, rule.OnFailure, background: false);
        rule.Guard(journal);
        journal.Order(AnOrder(1));
        journal.Commit();
        Assert.False(breaker.IsEngaged);
        breaker.Engage("test", BreakerSource.Cli);
        Assert.True(breaker.Reset("checked", BreakerSource.Cli).Done);
    }
}
