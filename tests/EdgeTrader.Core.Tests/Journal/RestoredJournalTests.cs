using EdgeTrader.Journal;

namespace EdgeTrader.Tests.Journal;

/// <summary>What the journal says at start, and what can carry it on.</summary>
public sealed class RestoredJournalTests
{
    [Fact]
    public void A_reading_without_a_state_to_carry_on_makes_no_checkpointer_even_without_a_problem()
    {
        var r = new RestoredJournal { Net = [], AvgPrice = [], OtherSymbols = new Dictionary<string, double>(), Pending = [], MaxSeqByRun = new Dictionary<long, long>(), Notes = [] };
        Assert.Null(r.Problem);
        Assert.Null(r.CreateCheckpointer(Path.GetTempPath(), TimeSpan.FromSeconds(1)));
    }
}
