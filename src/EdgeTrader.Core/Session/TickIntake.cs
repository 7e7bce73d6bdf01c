using EdgeTrader.Health;
using EdgeTrader.Trading;
using EdgeTrader.Transports;

namespace EdgeTrader.Session;

/// <summary>
/// Bounded staleness under overload. Each turn drains the tick feed (up to <see cref="MaxDrain"/> payloads), taking
/// every payload in (counted; invalid ones dropped by reason), then acts:
/// <list type="bullet">
/// <item>not behind (at most <see cref="FreshWindow"/> valid ticks waited): on every tick, in order;</item>
/// <item>behind: on the last <see cref="FreshWindow"/> ticks in order and, before them, on each symbol's newest older
/// tick when that symbol has none among them. Every other tick was superseded by a newer tick of its symbol: it is
/// conflated (counted by symbol), never acted on.</item>
/// </list>
/// And while it acts: a tick that has waited in our hands longer than <see cref="HoldBudget"/> since it was read (the
/// thread was held up, or acting took long) is conflated too when a newer tick of its symbol is among those waiting.
/// So what the loop acts on is at most one window behind the feed, however fast the feed runs, a stall does not turn
/// into a stream of late orders, and a symbol's newest tick is never skipped; the loop's own age check still drops any
/// tick older than risk.maxTickAgeMs. Every payload is accounted for: acted on (accepted or dropped STALE), dropped by
/// a parse reason, or conflated.
/// Reading is lazy where it can be: a turn keeps its payloads raw, then parses them newest first. The payloads that
/// make the newest <see cref="FreshWindow"/> valid ticks are parsed in full, and so is every older payload until its
/// symbol has a valid tick; an older payload whose symbol (read by <see cref="TickParser.TryPeek"/>) already has a valid
/// newer tick is conflated unparsed. So a malformed payload never supersedes a valid tick (it is parsed, and dropped by
/// its reason, whenever it is the newest of its symbol), nothing unparsed is acted on, and seqs are followed in arrival
/// order. The one difference from parsing every payload: a malformed payload older than a valid tick of its symbol
/// counts as conflated, not as dropped by its reason. No allocation; tick thread only.
/// </summary>
public sealed class TickIntake
{
    /// <summary>Ticks acted on in order when behind: the most a tick can wait behind others in one turn.</summary>
    public const int FreshWindow = 256;

    /// <summary>
    /// Payloads taken per turn at most, so gateway replies and housekeeping are never starved. A turn that stops at
    /// this limit acts on nothing: more is waiting, so what it read is not the newest; the next turn goes on reading.
    /// </summary>
    public const int MaxDrain = 16_384;

    /// <summary>How long a read tick may wait to be acted on while a newer tick of its symbol waits behind it.</summary>
    public static readonly TimeSpan HoldBudget = TimeSpan.FromMilliseconds(2);

    const int Chunk = 256; // between chunks: a fresh receive time, and a waiting cancel_all goes out
    const int FrameRoom = TickParser.MaxFrameBytes + 1; // one more byte than a tick may have: a longer payload shows as oversize
    const int ArenaBytes = 1 << 20; // raw payloads of a turn; when full, what it holds is read before the turn goes on

    const byte Valid = 0, Invalid = 1, Superseded = 2;
    readonly byte[] _arena = new byte[ArenaBytes];
    readonly int[] _rawOff = new int[MaxDrain];
    readonly int[] _rawLen = new int[MaxDrain];
    readonly long[] _rawTs = new long[MaxDrain];    // when each was read (timestamp)
    readonly long[] _rawNowMs = new long[MaxDrain]; // the receive time a format without one (dwx) takes
    readonly Tick[] _rawTick = new Tick[MaxDrain];  // parsed; for a superseded payload only its symbol and seq
    readonly byte[] _rawFate = new byte[MaxDrain];
    readonly TickDropReason[] _rawReason = new TickDropReason[MaxDrain];
    readonly bool[] _hasValid;                      // per symbol: a valid tick newer than the payload being read
    int _raw;
    int _arenaUsed;

    readonly Tick[] _window = new Tick[FreshWindow];
    readonly long[] _windowTs = new long[FreshWindow]; // when each was read (timestamp), for tick → order latency
    readonly Tick[] _older;        // per symbol: the newest tick that fell out of the window this turn
    readonly long[] _olderTs;
    readonly long[] _olderArrival; // its arrival number, -1 when none
    readonly int[] _inWindow;      // per symbol: ticks in the window
    readonly int[] _olderOrder;    // scratch: symbols with an older tick, by arrival
    int _start;
    int _count;
    long _arrival;

    readonly LatencyHistogram _tickToOrder;
    readonly TimeProvider _time;
    long _lastFrameTs;

    /// <summary>An intake for <paramref name="symbolCount"/> symbols; orders' latency from their tick's arrival goes to <paramref name="tickToOrder"/>.</summary>
    public TickIntake(int symbolCount, LatencyHistogram tickToOrder, TimeProvider time)
    {
        _tickToOrder = tickToOrder;
        _time = time;
        _older = new Tick[symbolCount];
        _olderTs = new long[symbolCount];
        _olderArrival = new long[symbolCount];
        _inWindow = new int[symbolCount];
        _olderOrder = new int[symbolCount];
        _hasValid = new bool[symbolCount];
        Array.Fill(_olderArrival, -1);
    }

    /// <summary>
    /// Drains <paramref name="feed"/> and acts through <paramref name="loop"/>; returns the payloads taken.
    /// <paramref name="heard"/> is true when a tick was acted on and accepted (valid and fresh): life of the bridge.
    /// </summary>
    public int Drain(ITickFeed feed, TradingLoop loop, CancelAllSchedule cancels, out bool heard)
    {
        var time = _time;
        heard = false;
        int taken = 0;
        bool drained = false;
        long nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        while (taken < MaxDrain)
        {
            if (_arenaUsed > ArenaBytes - FrameRoom) TakeIn(loop);
            int len = feed.TryReceive(_arena.AsSpan(_arenaUsed, FrameRoom));
            if (len < 0) { drained = true; break; }
            taken++;
            long ts = time.GetTimestamp();
            Volatile.Write(ref _lastFrameTs, ts);
            int kept = Math.Min(len, FrameRoom);
            _rawOff[_raw] = _arenaUsed;
            _rawLen[_raw] = kept;
            _rawTs[_raw] = ts;
            _rawNowMs[_raw] = nowMs;
            _raw++;
            _arenaUsed += kept;
            if (taken % Chunk == 0)
            {
                nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
                if (cancels.Pending) cancels.Flush();
            }
        }
        TakeIn(loop);
        if (!drained) return taken; // stopped at the limit: keep what was read, act once the feed is caught up
        ActOnOlder(loop, cancels, ref heard);
        long budget = (long)(HoldBudget.TotalSeconds * time.TimestampFrequency);
        for (int i = 0; i < _count; i++)
        {
            int k = (_start + i) % FreshWindow;
            ref var t = ref _window[k];
            _inWindow[t.SymbolId]--;
            if (_inWindow[t.SymbolId] > 0 && time.GetTimestamp() - _windowTs[k] > budget)
            {
                loop.OnConflated(in t); // held too long, and a newer tick of the symbol is waiting
                continue;
            }
            Act(in t, _windowTs[k], loop, cancels, ref heard);
        }
        _start = 0;
        _count = 0;
        return taken;
    }

    /// <summary>When the last payload of any kind was read (a timestamp; 0 before the first).</summary>
    public long LastFrameTimestamp => Volatile.Read(ref _lastFrameTs);

    /// <summary>
    /// Reads the raw payloads held, newest first, then takes them in in arrival order: valid ticks into the window,
    /// the others counted (dropped by reason, or conflated unparsed). See the class summary for which are parsed.
    /// </summary>
    void TakeIn(TradingLoop loop)
    {
        int n = _raw;
        if (n == 0) return;
        var parser = loop.Parser;
        Array.Clear(_hasValid);
        int valid = 0;
        for (int i = n - 1; i >= 0; i--)
        {
            var p = _arena.AsSpan(_rawOff[i], _rawLen[i]);
            ref var t = ref _rawTick[i];
            if (valid >= FreshWindow && parser.TryPeek(p, out int sym, out long seq) && _hasValid[sym])
            {
                t.SymbolId = sym;
                t.Seq = seq;
                _rawFate[i] = Superseded;
                continue;
            }
            if (parser.TryParse(p, _rawNowMs[i], out t, out var reason))
            {
                _rawFate[i] = Valid;
                _hasValid[t.SymbolId] = true;
                valid++;
            }
            else
            {
                _rawFate[i] = Invalid;
                _rawReason[i] = reason;
            }
        }
        for (int i = 0; i < n; i++)
        {
            switch (_rawFate[i])
            {
                case Valid:
                    loop.OnTakenIn(in _rawTick[i]);
                    Push(in _rawTick[i], _rawTs[i], loop);
                    break;
                case Invalid:
                    loop.OnDropped(_rawReason[i]);
                    break;
                default:
                    loop.OnSuperseded(_rawTick[i].SymbolId, _rawTick[i].Seq);
                    break;
            }
        }
        _raw = 0;
        _arenaUsed = 0;
    }

    void Push(in Tick tick, long ts, TradingLoop loop)
    {
        if (_count == FreshWindow)
        {
            // The oldest tick leaves the window: it becomes its symbol's older tick, superseding the one before.
            ref var e = ref _window[_start];
            int s = e.SymbolId;
            _inWindow[s]--;
            if (_olderArrival[s] >= 0) loop.OnConflated(in _older[s]);
            _older[s] = e;
            _olderTs[s] = _windowTs[_start];
            _olderArrival[s] = _arrival - FreshWindow;
            _start = (_start + 1) % FreshWindow;
            _count--;
        }
        int slot = (_start + _count) % FreshWindow;
        _window[slot] = tick;
        _windowTs[slot] = ts;
        _count++;
        _inWindow[tick.SymbolId]++;
        _arrival++;
    }

    void ActOnOlder(TradingLoop loop, CancelAllSchedule cancels, ref bool heard)
    {
        int n = 0;
        for (int s = 0; s < _olderArrival.Length; s++)
        {
            if (_olderArrival[s] < 0) continue;
            // Insertion by arrival: the symbols' older ticks are acted on in the order they came.
            int i = n++;
            while (i > 0 && _olderArrival[_olderOrder[i - 1]] > _olderArrival[s]) { _olderOrder[i] = _olderOrder[i - 1]; i--; }
            _olderOrder[i] = s;
        }
        for (int i = 0; i < n; i++)
        {
            int s = _olderOrder[i];
            if (_inWindow[s] > 0) loop.OnConflated(in _older[s]); // a newer tick of the symbol is in the window
            else Act(in _older[s], _olderTs[s], loop, cancels, ref heard);
            _olderArrival[s] = -1;
        }
    }

    void Act(in Tick tick, long receivedTs, TradingLoop loop, CancelAllSchedule cancels, ref bool heard)
    {
        var outcome = loop.OnAcceptedTick(in tick);
        if (outcome != TickOutcome.Dropped) heard = true;
        if (outcome == TickOutcome.OrderSent) _tickToOrder.Record(_time.GetTimestamp() - receivedTs);
        if (cancels.Pending) cancels.Flush(); // an engagement mid-batch: cancel_all before the next tick, not after the batch
    }
}
