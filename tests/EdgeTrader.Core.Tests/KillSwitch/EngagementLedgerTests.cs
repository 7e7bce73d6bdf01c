using EdgeTrader.KillSwitch;

namespace EdgeTrader.Tests.KillSwitch;

/// <summary>What an operator dealt with, per (publisher, origin): only that publisher, or the origin itself, can vouch for it.</summary>
public sealed class EngagementLedgerTests
{
    const string I = "0123456789abcdef";
    const string J = "fedcba9876543210";

    static EngagementId Id(string origin, long seq, string inc = I) => new(origin, inc, seq);

    [Fact]
    public void A_claim_is_dealt_with_up_to_the_counter_its_publisher_showed_and_not_above()
    {
        var l = EngagementLedger.Of([new DealtEntry("p", "o", I, 5)]);
        Assert.True(l.IsDealtWith("p", Id("o", 4)));
        Assert.True(l.IsDealtWith("p", Id("o", 5)));
        Assert.False(l.IsDealtWith("p", Id("o", 6)));
    }

    [Fact]
    public void Another_incarnation_or_another_origin_is_not_dealt_with()
    {
        var l = EngagementLedger.Of([new DealtEntry("p", "o", I, 5)]);
        Assert.False(l.IsDealtWith("p", Id("o", 1, J)));
        Assert.False(l.IsDealtWith("p", Id("q", 1)));
    }

    [Fact]
    public void What_the_origin_itself_showed_counts_for_every_publisher_but_a_third_nodes_word_counts_only_for_itself()
    {
        var byOrigin = EngagementLedger.Of([new DealtEntry("o", "o", I, 5)]);
        Assert.True(byOrigin.IsDealtWith("relay", Id("o", 5)));
        var byThird = EngagementLedger.Of([new DealtEntry("third", "o", I, 5)]);
        Assert.True(byThird.IsDealtWith("third", Id("o", 5)));
        Assert.False(byThird.IsDealtWith("relay", Id("o", 5)));
        Assert.False(byThird.IsDealtWith("o", Id("o", 5)));
    }

    [Fact]
    public void Legacy_engagements_are_dealt_with_up_to_the_legacy_floor_and_others_are_not_covered_by_it()
    {
        var l = EngagementLedger.Of([], legacyFloor: 5);
        Assert.True(l.IsDealtWith("old", Id("old", 5, EngagementId.LegacyIncarnation)));
        Assert.False(l.IsDealtWith("old", Id("old", 6, EngagementId.LegacyIncarnation)));
        Assert.False(l.IsDealtWith("old", Id("old", 3))); // a v2 engagement: the floor says nothing about it
    }

    [Fact]
    public void A_negative_legacy_floor_is_read_as_none()
    {
        var l = EngagementLedger.Of([], legacyFloor: -3);
        Assert.Equal(0, l.LegacyFloor);
        Assert.Equal(EngagementLedger.Empty, l);
    }

    [Fact]
    public void The_last_entry_for_a_publisher_and_origin_wins_and_moves_to_the_end()
    {
        var l = EngagementLedger.Of([
            new DealtEntry("p", "o", I, 5),
            new DealtEntry("q", "o", I, 1),
            new DealtEntry("p", "o", I, 2),
        ]);
        Assert.Equal([new DealtEntry("q", "o", I, 1), new DealtEntry("p", "o", I, 2)], l.Entries);
    }

    [Fact]
    public void Past_its_bound_the_oldest_entries_are_forgotten()
    {
        var entries = Enumerable.Range(0, EngagementLedger.MaxEntries + 3).Select(i => new DealtEntry($"p{i}", "o", I, 1)).ToList();
        var l = EngagementLedger.Of(entries);
        Assert.Equal(EngagementLedger.MaxEntries, l.Entries.Count);
        Assert.Equal("p3", l.Entries[0].Publisher);
        Assert.Equal(entries[^1], l.Entries[^1]);
        var exact = EngagementLedger.Of(entries.Take(EngagementLedger.MaxEntries));
        Assert.Equal("p0", exact.Entries[0].Publisher);
    }

    [Fact]
    public void A_reset_adds_what_was_seen_and_never_lowers_what_was_dealt_with_in_the_same_incarnation()
    {
        var l = EngagementLedger.Of([new DealtEntry("p", "o", I, 5), new DealtEntry("q", "o", I, 1)], legacyFloor: 4);
        var after = l.With([new DealtEntry("p", "o", I, 3), new DealtEntry("r", "o", I, 2)]);
        Assert.Equal([new DealtEntry("q", "o", I, 1), new DealtEntry("p", "o", I, 5), new DealtEntry("r", "o", I, 2)], after.Entries);
        Assert.Equal(4, after.LegacyFloor);
        var higher = l.With([new DealtEntry("p", "o", I, 9)]);
        Assert.Contains(new DealtEntry("p", "o", I, 9), higher.Entries);
        Assert.DoesNotContain(new DealtEntry("p", "o", I, 5), higher.Entries);
    }

    [Fact]
    public void A_reset_after_a_reinstall_of_the_origin_records_the_new_incarnation()
    {
        var l = EngagementLedger.Of([new DealtEntry("p", "o", I, 5)]);
        var after = l.With([new DealtEntry("p", "o", J, 1)]);
        Assert.Equal([new DealtEntry("p", "o", J, 1)], after.Entries);
    }

    [Fact]
    public void The_origins_own_counter_forgets_planted_entries_above_it_and_only_those()
    {
        var l = EngagementLedger.Of([
            new DealtEntry("rogue", "o", I, EngagementId.MaxSeq),
            new DealtEntry("p", "o", I, 3),
            new DealtEntry("p", "o2", I, 99),
            new DealtEntry("q", "o", J, 99),
        ], legacyFloor: 2);
        var after = l.ForgetAbove("o", I, 3);
        Assert.Equal([new DealtEntry("p", "o", I, 3), new DealtEntry("p", "o2", I, 99), new DealtEntry("q", "o", J, 99)], after.Entries);
        Assert.Equal(2, after.LegacyFloor);
    }

    [Fact]
    public void Forgetting_nothing_returns_the_same_ledger()
    {
        var l = EngagementLedger.Of([new DealtEntry("p", "o", I, 3)]);
        Assert.Same(l, l.ForgetAbove("o", I, 3));
        Assert.Same(l, l.ForgetAbove("x", I, 0));
    }

    [Fact]
    public void Ledgers_are_equal_by_content_and_floor()
    {
        var a = EngagementLedger.Of([new DealtEntry("p", "o", I, 3)], 1);
        var b = EngagementLedger.Of([new DealtEntry("p", "o", I, 3)], 1);
        Assert.True(a.Equals(b));
        Assert.True(a.Equals((object)b));
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.False(a.Equals(EngagementLedger.Of([new DealtEntry("p", "o", I, 3)], 2)));
        Assert.False(a.Equals(EngagementLedger.Of([new DealtEntry("p", "o", I, 4)], 1)));
        Assert.False(a.Equals((EngagementLedger?)null));
        Assert.False(a.Equals("not a ledger"));
    }
}
