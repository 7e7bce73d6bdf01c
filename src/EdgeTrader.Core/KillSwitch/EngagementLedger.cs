namespace EdgeTrader.KillSwitch;

/// <summary>
/// What this node's operator has dealt with: for every (publisher, origin) pair, the highest counter of that origin's
/// incarnation that this node had seen, from that publisher, when it was last reset. Keyed by the publisher as well
/// as the origin so that one peer (buggy or hostile) can only mark as dealt with what it relays itself: a claim it
/// makes about another node's engagements never hides what that node, or a third one, reports. Immutable; bounded to
/// <see cref="MaxEntries"/> pairs (past that the oldest are forgotten, which can only cause an extra engagement).
/// </summary>
public sealed class EngagementLedger : IEquatable<EngagementLedger>
{
    /// <summary>Most (publisher, origin) pairs remembered.</summary>
    public const int MaxEntries = 256;

    /// <summary>Nothing dealt with yet.</summary>
    public static readonly EngagementLedger Empty = new([], 0);

    readonly DealtEntry[] _entries;

    EngagementLedger(DealtEntry[] entries, long legacyFloor)
    {
        _entries = entries;
        LegacyFloor = legacyFloor;
    }

    /// <summary>Entries, oldest first.</summary>
    public IReadOnlyList<DealtEntry> Entries => _entries;

    /// <summary>
    /// Engagements of old (v1) peers, which carry only a generation, at or below this were dealt with before this
    /// node was migrated (the v1 <c>resetGeneration</c>).
    /// </summary>
    public long LegacyFloor { get; }

    /// <summary>A ledger with the given content (the codec, tests); entries past <see cref="MaxEntries"/> are dropped, oldest first.</summary>
    public static EngagementLedger Of(IEnumerable<DealtEntry> entries, long legacyFloor = 0)
    {
        var l = new List<DealtEntry>();
        foreach (var e in entries)
        {
            l.RemoveAll(x => x.Publisher == e.Publisher && x.Origin == e.Origin);
            l.Add(e);
        }
        if (l.Count > MaxEntries) l.RemoveRange(0, l.Count - MaxEntries);
        return new EngagementLedger([.. l], Math.Max(0, legacyFloor));
    }

    /// <summary>True when <paramref name="claim"/>, as reported by <paramref name="publisher"/>, was dealt with here:
    /// the same publisher, or the origin itself, had shown it (or a later one of the same incarnation) before a reset.</summary>
    public bool IsDealtWith(string publisher, EngagementId claim)
    {
        if (claim.IsLegacy && claim.Seq <= LegacyFloor) return true;
        foreach (var e in _entries)
        {
            if (e.Origin != claim.Origin || e.Incarnation != claim.Incarnation || e.Seq < claim.Seq) continue;
            if (e.Publisher == publisher || e.Publisher == claim.Origin) return true;
        }
        return false;
    }

    /// <summary>This ledger plus everything in <paramref name="seen"/> (a reset: all of it is now dealt with).</summary>
    public EngagementLedger With(IEnumerable<DealtEntry> seen)
    {
        var merged = new List<DealtEntry>(_entries);
        foreach (var s in seen)
        {
            int i = merged.FindIndex(x => x.Publisher == s.Publisher && x.Origin == s.Origin);
            if (i >= 0)
            {
                var old = merged[i];
                merged.RemoveAt(i);
                merged.Add(old.Incarnation == s.Incarnation && old.Seq > s.Seq ? old : s);
            }
            else
            {
                merged.Add(s);
            }
        }
        return Of(merged, LegacyFloor);
    }

    /// <summary>
    /// The origin itself says its counter (of <paramref name="incarnation"/>) is <paramref name="counter"/>: an entry
    /// recorded above it for that incarnation was never issued (a planted or buggy claim). Such an entry is forgotten,
    /// not lowered: it replaced whatever real value was recorded, so what this node really dealt with of that origin is
    /// unknown, and lowering it to the counter would hide the very engagement the origin reports now. Forgetting can
    /// only cause an extra engagement. Returns this ledger when nothing changes.
    /// </summary>
    public EngagementLedger ForgetAbove(string origin, string incarnation, long counter)
    {
        bool Planted(DealtEntry e) => e.Origin == origin && e.Incarnation == incarnation && e.Seq > counter;
        if (!_entries.Any(Planted)) return this;
        return new EngagementLedger([.. _entries.Where(e => !Planted(e))], LegacyFloor);
    }

    /// <inheritdoc/>
    public bool Equals(EngagementLedger? other) =>
        other is not null && LegacyFloor == other.LegacyFloor && _entries.AsSpan().SequenceEqual(other._entries);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as EngagementLedger);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(_entries.Length, LegacyFloor);
}

/// <summary>One ledger entry: <paramref name="Publisher"/> had shown <paramref name="Origin"/>'s engagements of
/// <paramref name="Incarnation"/> up to <paramref name="Seq"/> when this node was reset.</summary>
public readonly record struct DealtEntry(string Publisher, string Origin, string Incarnation, long Seq)
{
    /// <summary>The entry that records <paramref name="claim"/> as shown by <paramref name="publisher"/>.</summary>
    public static DealtEntry For(string publisher, EngagementId claim) => new(publisher, claim.Origin, claim.Incarnation, claim.Seq);
}
