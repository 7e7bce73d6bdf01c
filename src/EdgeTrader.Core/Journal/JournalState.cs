using System.Globalization;
using System.Text;
using EdgeTrader.Trading;
using EdgeTrader.Trading.Risk;

namespace EdgeTrader.Journal;

/// <summary>Which part of the journal a line comes from, relative to "today".</summary>
internal enum JournalPart : byte
{
    /// <summary>Older than yesterday: only fills matter (positions, loss streak).</summary>
    Old,
    /// <summary>Yesterday's file: positions and the orders still pending.</summary>
    Recent,
    /// <summary>Today's file: also the day's trades and realised P&amp;L.</summary>
    Today,
}

/// <summary>
/// The journal's meaning so far, folded line by line: positions (net and average price per symbol), today's trades
/// and realised P&amp;L (in total and per symbol), the loss streak, the orders still pending, the highest order seq per
/// run, and whether the last run stopped cleanly. Pure: no I/O. Fed file by file at start (<see cref="JournalRestore"/>), then batch by
/// batch on the journal's writer thread (<see cref="JournalCheckpointer"/>); one thread at a time.
/// P&amp;L and the loss streak have one source: the <c>realized</c> each fill line carries, which the live book computed
/// when the fill happened. The fold sums it (per symbol too: the total is their sum, plus the fills of symbols no longer
/// configured, which have no slot) and applies the book's streak rule to it; positions move by the book's own
/// position rule (<see cref="PositionMath"/>).
/// </summary>
internal sealed class JournalState
{
    const double Epsilon = 1e-9;

    internal struct Entry
    {
        public DateOnly Day;
        public int SymbolId;
        public Side Side;
        public bool CountedToday;
        public bool Acked;
        public double Qty;
        public double Price;
        public long TimeMs;
        public double Filled;
        public double Notional;
    }

    readonly string _node;
    readonly SymbolTable _symbols;
    readonly double _contractSize;
    readonly OrderIds _ids;
    readonly JournalLineParser _parser = new();
    readonly double[] _net;
    readonly double[] _avg;
    readonly double[] _realizedBy; // today's realised P&L per configured symbol
    readonly double[] _lastPrice; // the last journaled price (an order's limit or a fill's price) per symbol; 0 = none
    readonly Dictionary<(long Run, long Seq), Entry> _pending = [];
    readonly Dictionary<long, long> _maxSeq = [];
    readonly HashSet<long> _runs = [];
    readonly Dictionary<string, double> _other = new(StringComparer.Ordinal);
    readonly List<string> _notes = [];
    DateOnly _day;
    int _trades;
    double _realized;
    int _streak;
    long _lastTime;
    bool _lastWasStop = true;
    long _foreign;

    /// <summary>An empty journal's meaning for node <paramref name="node"/> with today = <paramref name="today"/>.</summary>
    public JournalState(string node, SymbolTable symbols, double contractSize, DateOnly today)
    {
        _node = node;
        _symbols = symbols;
        _contractSize = contractSize;
        _ids = new OrderIds(node, 0);
        _net = new double[symbols.Count];
        _avg = new double[symbols.Count];
        _realizedBy = new double[symbols.Count];
        _lastPrice = new double[symbols.Count];
        _day = today;
    }

    public string Node => _node;
    public SymbolTable Symbols => _symbols;
    public double ContractSize => _contractSize;

    /// <summary>The day the counters are for.</summary>
    public DateOnly Day => _day;

    /// <summary>Adds something an operator should know.</summary>
    public void Note(string note) => _notes.Add(note);

    /// <summary>Moves "today" to <paramref name="day"/>: the day's counters start from zero, orders older than yesterday are no longer tracked.</summary>
    public void RollTo(DateOnly day)
    {
        if (day == _day) return;
        _day = day;
        _trades = 0;
        _realized = 0;
        Array.Clear(_realizedBy);
        var yesterday = day.AddDays(-1);
        foreach (var key in _pending.Keys.ToList())
        {
            var e = _pending[key];
            if (e.Day < yesterday) { _pending.Remove(key); continue; }
            e.CountedToday = e.Day == day;
            _pending[key] = e;
        }
    }

    /// <summary>The part of the journal a file of <paramref name="fileDay"/> is, relative to the current day.</summary>
    public JournalPart PartOf(DateOnly fileDay) => fileDay == _day ? JournalPart.Today : fileDay >= _day.AddDays(-1) ? JournalPart.Recent : JournalPart.Old;

    /// <summary>Whole lines just written to the file of <paramref name="fileDay"/> (the writer thread): a later day rolls the state to it first.</summary>
    public void Feed(ReadOnlySpan<byte> lines, DateOnly fileDay)
    {
        // Stryker disable once Equality : rolling to the same day returns at once
        if (fileDay > _day) RollTo(fileDay);
        var part = fileDay == _day ? JournalPart.Today : JournalPart.Recent;
        while (!lines.IsEmpty)
        {
            int nl = lines.IndexOf((byte)'\n');
            if (nl < 0) nl = lines.Length;
            // Stryker disable once Equality : an empty span is no line: Apply refuses it and changes nothing
            if (nl > 0) Apply(lines[..nl], part, fileDay);
            lines = nl < lines.Length ? lines[(nl + 1)..] : default;
        }
    }

    /// <summary>Applies one line (no newline); null when it is unreadable (the caller counts it). Lines a part does not need are skipped by their prefix.</summary>
    public JournalLineType? Apply(ReadOnlySpan<byte> line, JournalPart part, DateOnly fileDay)
    {
        var peeked = JournalLineParser.PeekType(line);
        if (peeked is { } known)
        {
            bool needed = known == JournalLineType.Fill || (part != JournalPart.Old && known != JournalLineType.Other && known != JournalLineType.Stop);
            if (!needed)
            {
                _lastWasStop = known == JournalLineType.Stop;
                return known;
            }
        }
        var rec = new JournalRecord();
        if (!_parser.TryParse(line, ref rec)) return null;
        _lastWasStop = rec.Type == JournalLineType.Stop;
        switch (rec.Type)
        {
            case JournalLineType.Order: OnOrder(ref rec, part, fileDay); break;
            case JournalLineType.Fill: OnFill(ref rec, part); break;
            case JournalLineType.Ack:
                if (part != JournalPart.Old && Key(ref rec, out var ak) && _pending.TryGetValue(ak, out var ae)) { ae.Acked = true; _pending[ak] = ae; }
                break;
            case JournalLineType.End:
            case JournalLineType.SendFailed:
                if (part != JournalPart.Old && Key(ref rec, out var ek) && _pending.Remove(ek, out var ee) && rec.Type == JournalLineType.SendFailed && ee.CountedToday)
                    _trades--; // never left: not a trade
                break;
            case JournalLineType.Start:
                if (part != JournalPart.Old && rec.Run > 0) _runs.Add(rec.Run);
                break;
            case JournalLineType.Other:
            case JournalLineType.Stop:
                break;
            default:
                // Stryker disable once String : every line type has a case above; this is unreachable
                throw new InvalidOperationException($"journal line type {rec.Type} has no rule");
        }
        // Stryker disable once Equality : taking an equal time changes nothing
        if (part != JournalPart.Old && rec.TimeMs > _lastTime) _lastTime = rec.TimeMs;
        return rec.Type;
    }

    void OnOrder(ref JournalRecord rec, JournalPart part, DateOnly fileDay)
    {
        if (part == JournalPart.Old) return;
        if (part == JournalPart.Today) _trades++;
        if (!Key(ref rec, out var key)) return;
        // Stryker disable once Equality : storing an equal seq changes nothing
        if (!_maxSeq.TryGetValue(key.Run, out long m) || key.Seq > m) _maxSeq[key.Run] = key.Seq;
        int sym = _symbols.Find(rec.Symbol);
        if (sym < 0)
        {
            _notes.Add($"order {Encoding.UTF8.GetString(rec.Id)}: symbol {Encoding.UTF8.GetString(rec.Symbol)} is not configured; not restored");
            return;
        }
        if (rec.Price > 0 && double.IsFinite(rec.Price)) _lastPrice[sym] = rec.Price;
        _pending[key] = new Entry
        {
            Day = fileDay,
            SymbolId = sym, Side = rec.Side, CountedToday = part == JournalPart.Today, Qty = rec.Qty, Price = rec.Price,
            TimeMs = rec.OrderTimeMs > 0 ? rec.OrderTimeMs : rec.TimeMs,
        };
    }

    void OnFill(ref JournalRecord rec, JournalPart part)
    {
        if (!(rec.Qty > 0) || !double.IsFinite(rec.Price)) return;
        int sym = _symbols.Find(rec.Symbol);
        if (sym >= 0)
        {
            PositionMath.Apply(ref _net[sym], ref _avg[sym], rec.Side, rec.Qty, rec.Price, _contractSize);
            if (rec.Price > 0) _lastPrice[sym] = rec.Price;
        }
        else
        {
            string name = Encoding.UTF8.GetString(rec.Symbol);
            _other[name] = _other.GetValueOrDefault(name) + (rec.Side == Side.Buy ? rec.Qty : -rec.Qty);
        }
        _streak = PositionMath.LossStreakAfter(_streak, rec.Realized);
        if (part == JournalPart.Today)
        {
            _realized += rec.Realized;
            if (sym >= 0) _realizedBy[sym] += rec.Realized;
        }
        if (part != JournalPart.Old && Key(ref rec, out var key) && _pending.TryGetValue(key, out var e))
        {
            e.Filled += rec.Qty;
            e.Notional += rec.Qty * rec.Price;
            if (e.Filled >= e.Qty - Epsilon) _pending.Remove(key);
            else _pending[key] = e;
        }
    }

    bool Key(ref JournalRecord rec, out (long Run, long Seq) key)
    {
        key = default;
        if (rec.Id.IsEmpty) return false;
        if (!_ids.TryParseAnyRun(rec.Id, out long run, out long seq))
        {
            if (rec.Type == JournalLineType.Order) _foreign++;
            return false;
        }
        key = (run, seq);
        return true;
    }

    /// <summary>The state as a checkpoint DTO (not the file position: the checkpoint adds it).</summary>
    public JournalStateDto ToDto()
    {
        var inv = CultureInfo.InvariantCulture;
        var positions = new List<JournalPositionDto>();
        for (int i = 0; i < _symbols.Count; i++)
        {
            if (_net[i] != 0) positions.Add(new JournalPositionDto { Symbol = _symbols.Name(i), Net = _net[i], Avg = _avg[i] });
        }
        foreach (var (sym, q) in _other) positions.Add(new JournalPositionDto { Symbol = sym, Net = q, Avg = 0 });
        var pending = new List<JournalPendingDto>(_pending.Count);
        foreach (var ((run, seq), e) in _pending)
        {
            pending.Add(new JournalPendingDto
            {
                Run = run, Seq = seq, Day = e.Day.ToString("yyyy-MM-dd", inv), Symbol = _symbols.Name(e.SymbolId),
                Side = e.Side == Side.Buy ? "BUY" : "SELL", Qty = e.Qty, Price = e.Price, Time = e.TimeMs,
                Filled = e.Filled, Notional = e.Notional, Acked = e.Acked, CountedToday = e.CountedToday,
            });
        }
        return new JournalStateDto
        {
            Node = _node,
            Day = _day.ToString("yyyy-MM-dd", inv),
            Trades = _trades,
            Realized = _realized,
            Streak = _streak,
            LastTime = _lastTime,
            LastWasStop = _lastWasStop,
            Positions = positions,
            Pending = pending,
            MaxSeq = [.. _maxSeq.Select(kv => new long[] { kv.Key, kv.Value })],
            Runs = [.. _runs],
            LastPrices = [.. Enumerable.Range(0, _symbols.Count).Where(i => _lastPrice[i] > 0).Select(i => new JournalPriceDto { Symbol = _symbols.Name(i), Price = _lastPrice[i] })],
            RealizedBySymbol = [.. Enumerable.Range(0, _symbols.Count).Where(i => _realizedBy[i] != 0).Select(i => new JournalRealizedDto { Symbol = _symbols.Name(i), Realized = _realizedBy[i] })],
        };
    }

    /// <summary>A state from a checkpoint DTO; throws <see cref="FormatException"/> when a field does not fit (the caller reads in full).</summary>
    public static JournalState FromDto(JournalStateDto d, SymbolTable symbols, double contractSize)
    {
        var s = new JournalState(d.Node, symbols, contractSize, ParseDay(d.Day))
        {
            _trades = d.Trades,
            _realized = d.Realized,
            _streak = d.Streak,
            _lastTime = d.LastTime,
            _lastWasStop = d.LastWasStop,
        };
        foreach (var p in d.Positions)
        {
            int id = symbols.Find(p.Symbol);
            if (id >= 0)
            {
                s._net[id] = p.Net;
                // Stryker disable once Conditional : a flat position's average is never read (Result zeroes it, ToDto skips it, a fill opens at its price; JSON carries no NaN)
                s._avg[id] = p.Net == 0 ? 0 : p.Avg;
            }
            else s._other[p.Symbol] = p.Net;
        }
        foreach (var e in d.Pending)
        {
            int id = symbols.Find(e.Symbol);
            if (id < 0) { s._notes.Add($"checkpoint: pending order {d.Node}-{e.Run}-{e.Seq:D6} of a symbol no longer configured: not restored"); continue; }
            s._pending[(e.Run, e.Seq)] = new Entry
            {
                Day = ParseDay(e.Day),
                SymbolId = id,
                Side = e.Side switch { "BUY" => Side.Buy, "SELL" => Side.Sell, _ => throw new FormatException($"side '{e.Side}'") },
                Qty = e.Qty, Price = e.Price, TimeMs = e.Time, Filled = e.Filled, Notional = e.Notional, Acked = e.Acked, CountedToday = e.CountedToday,
            };
        }
        foreach (long run in d.Runs) s._runs.Add(run);
        foreach (var p in d.LastPrices ?? [])
        {
            int id = symbols.Find(p.Symbol);
            if (id >= 0 && p.Price > 0 && double.IsFinite(p.Price)) s._lastPrice[id] = p.Price;
        }
        // A symbol no longer configured drops out here; its share stays in the total.
        foreach (var p in d.RealizedBySymbol ?? [])
        {
            int id = symbols.Find(p.Symbol);
            if (id >= 0) s._realizedBy[id] = p.Realized;
        }
        foreach (var m in d.MaxSeq)
        {
            if (m.Length != 2) throw new FormatException("maxSeq entries are [run, seq]");
            s._maxSeq[m[0]] = m[1];
        }
        return s;
    }

    static DateOnly ParseDay(string text) => DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The reading's result: what the journal says, with how the reading went (<paramref name="stats"/>).</summary>
    public RestoredJournal Result(JournalReadStats stats, string? problem, TimeSpan elapsed, string? fromCheckpoint, bool clockBehind = false, bool? readInFull = null)
    {
        int n = _symbols.Count;
        var net = new double[n];
        var avg = new double[n];
        for (int i = 0; i < n; i++)
        {
            net[i] = Math.Abs(_net[i]) < Epsilon ? 0 : _net[i];
            avg[i] = net[i] == 0 ? 0 : _avg[i];
        }
        var pending = new List<PendingOrder>(_pending.Count);
        foreach (var ((run, seq), e) in _pending.OrderBy(p => p.Key.Run).ThenBy(p => p.Key.Seq))
        {
            pending.Add(new PendingOrder
            {
                Id = $"{_node}-{run}-{seq.ToString("D6", CultureInfo.InvariantCulture)}",
                Run = run, Seq = seq, SymbolId = e.SymbolId, Side = e.Side, Qty = e.Qty, Price = e.Price, TimeMs = e.TimeMs,
                FilledQty = e.Filled, FilledNotional = e.Notional, Acked = e.Acked,
            });
        }
        var notes = new List<string>(_notes);
        notes.AddRange(stats.Notes);
        if (_foreign > 0) notes.Add($"{_foreign} order line(s) carry an id of another node than '{_node}': not restored");
        foreach (var (sym, q) in _other)
        {
            if (Math.Abs(q) >= Epsilon) notes.Add($"symbol {sym} is not configured but the journal holds a net position of {q.ToString(CultureInfo.InvariantCulture)} in it");
        }
        return new RestoredJournal
        {
            Day = _day,
            TradesToday = Math.Max(0, _trades),
            RealizedToday = _realized,
            RealizedTodayBySymbol = (double[])_realizedBy.Clone(),
            LossStreak = _streak,
            Net = net,
            AvgPrice = avg,
            LastPrice = (double[])_lastPrice.Clone(),
            OtherSymbols = new Dictionary<string, double>(_other, StringComparer.Ordinal),
            Pending = pending,
            MaxSeqByRun = new Dictionary<long, long>(_maxSeq),
            LastTimeMs = _lastTime,
            LastRunStoppedCleanly = _lastWasStop,
            Files = stats.Files,
            Bytes = stats.Bytes,
            Lines = stats.Lines,
            BadLines = stats.DamagedLines,
            TornBytesRemoved = stats.TornBytes,
            ForeignIds = _foreign,
            Notes = notes,
            Problem = problem,
            Elapsed = elapsed,
            FromCheckpoint = fromCheckpoint,
            Continuation = readInFull ?? problem is null ? this : null,
            ClockBehindJournal = clockBehind,
            Runs = [.. _runs],
        };
    }
}
