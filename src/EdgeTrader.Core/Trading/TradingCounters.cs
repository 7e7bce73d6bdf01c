using EdgeTrader.Trading.Risk;

namespace EdgeTrader.Trading;

/// <summary>
/// What the loop did, for status and the demo summary. Written only by the tick thread (plain increments, no lock),
/// read by others; 64-bit reads are atomic on the supported platforms.
/// </summary>
public sealed class TradingCounters
{
    internal long TicksIn;
    internal long TicksAccepted;
    internal long BlockedAtGate1;
    internal long BlockedAtGate2;
    internal long Signals;
    internal long OrdersSent;
    internal long SendFailures;
    internal long Acks;
    internal long Fills;
    internal long Rejects;
    internal long AckTimeouts;
    internal long UnknownGatewayMessages;
    internal long SeqGaps;
    internal long SeqGapTicks;
    internal long SeqResets;
    internal long CancelledByGateway;
    internal long FillsAfterCancel;
    internal readonly long[] Dropped = new long[TickDropReasons.Count];
    internal readonly long[] Denied = new long[DenialCodes.Count];
    internal readonly long[] ConflatedBySymbol;

    /// <summary>Counters for a feed of <paramref name="symbolCount"/> symbols.</summary>
    public TradingCounters(int symbolCount) => ConflatedBySymbol = new long[symbolCount];

    /// <summary>Ticks received (valid or not): every one is accepted, dropped (by reason) or conflated (by symbol).</summary>
    public long Ticks => Volatile.Read(ref TicksIn);
    /// <summary>Ticks that passed validation.</summary>
    public long Accepted => Volatile.Read(ref TicksAccepted);
    /// <summary>Valid ticks not given to the strategy because the breaker was ENGAGED (gate 1).</summary>
    public long Gate1Blocked => Volatile.Read(ref BlockedAtGate1);
    /// <summary>Signals blocked because the breaker engaged after gate 1 (gate 2).</summary>
    public long Gate2Blocked => Volatile.Read(ref BlockedAtGate2);
    /// <summary>Intents the strategy produced.</summary>
    public long SignalCount => Volatile.Read(ref Signals);
    /// <summary>Orders that left (or, in dry-run, were simulated).</summary>
    public long Orders => Volatile.Read(ref OrdersSent);
    /// <summary>Dropped ticks of one reason.</summary>
    public long DroppedFor(TickDropReason r) => Volatile.Read(ref Dropped[(int)r]);
    /// <summary>
    /// Valid ticks of a symbol never acted on because a newer tick of the same symbol was already waiting while the
    /// loop was behind (conflation under overload).
    /// </summary>
    public long ConflatedFor(int symbolId) => Volatile.Read(ref ConflatedBySymbol[symbolId]);
    /// <summary>Conflated ticks of all symbols.</summary>
    public long Conflated
    {
        get
        {
            long n = 0;
            for (int i = 0; i < ConflatedBySymbol.Length; i++) n += Volatile.Read(ref ConflatedBySymbol[i]);
            return n;
        }
    }
    /// <summary>Dropped ticks of all reasons.</summary>
    public long DroppedTotal
    {
        get
        {
            long n = 0;
            for (int i = 0; i < Dropped.Length; i++) n += Volatile.Read(ref Dropped[i]);
            return n;
        }
    }
    /// <summary>Denials of one code.</summary>
    public long DeniedFor(DenialCode c) => Volatile.Read(ref Denied[(int)c]);
    /// <summary>Sequence gaps seen in the feed (and ticks missing in them).</summary>
    public (long Gaps, long MissingTicks) Gaps => (Volatile.Read(ref SeqGaps), Volatile.Read(ref SeqGapTicks));
    /// <summary>Times the feed's seq went backwards (the bridge restarted its numbering).</summary>
    public long SeqRestarts => Volatile.Read(ref SeqResets);
    /// <summary>Orders a gateway's cancel_all report listed as cancelled (each then given up).</summary>
    public long Cancelled => Volatile.Read(ref CancelledByGateway);
    /// <summary>Fills of orders a cancel_all report had already listed as cancelled: booked all the same (the money moved).</summary>
    public long FilledAfterCancel => Volatile.Read(ref FillsAfterCancel);
    /// <summary>Gateway replies.</summary>
    public (long Acks, long Fills, long Rejects, long Timeouts, long Unknown, long SendFailures) Gateway =>
        (Volatile.Read(ref Acks), Volatile.Read(ref Fills), Volatile.Read(ref Rejects), Volatile.Read(ref AckTimeouts),
         Volatile.Read(ref UnknownGatewayMessages), Volatile.Read(ref SendFailures));
}
