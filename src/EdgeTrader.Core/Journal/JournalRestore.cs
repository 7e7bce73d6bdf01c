using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using EdgeTrader.Trading;
using EdgeTrader.Trading.Risk;

namespace EdgeTrader.Journal;

/// <summary>An order the journal shows as sent and not settled (no complete fill, reject or other end after it).</summary>
public sealed class PendingOrder
{
    /// <summary>The order id as sent (<c>node-run-seq</c>).</summary>
    public required string Id { get; init; }
    /// <summary>Start number the order was sent in.</summary>
    public long Run { get; init; }
    /// <summary>Order counter within its run.</summary>
    public long Seq { get; init; }
    /// <summary>Configured symbol id.</summary>
    public int SymbolId { get; init; }
    /// <summary>Side.</summary>
    public Side Side { get; init; }
    /// <summary>Ordered quantity.</summary>
    public double Qty { get; init; }
    /// <summary>Order price.</summary>
    public double Price { get; init; }
    /// <summary>When the order was stamped, epoch ms.</summary>
    public long TimeMs { get; init; }
    /// <summary>Quantity already filled per the journal.</summary>
    public double FilledQty { get; init; }
    /// <summary>Sum of qty × price of those fills.</summary>
    public double FilledNotional { get; init; }
    /// <summary>True when the journal holds an ack for it.</summary>
    public bool Acked { get; init; }
    /// <summary>Quantity not filled yet.</summary>
    public double Remaining => Math.Max(0, Qty - FilledQty);
}

/// <summary>What the journal says at start: positions, the day's counters, orders still pending, and how the reading went.</summary>
public sealed class RestoredJournal
{
    /// <summary>The trading day the daily counters are for.</summary>
    public DateOnly Day { get; init; }
    /// <summary>Orders of the day (order lines of the day's file, minus those whose send failed).</summary>
    public int TradesToday { get; init; }
    /// <summary>Realised P&amp;L of the day's fills (the <c>realized</c> field as journaled).</summary>
    public double RealizedToday { get; init; }
    /// <summary>Losing closes in a row at the end of the journal (all files).</summary>
    public int LossStreak { get; init; }
    /// <summary>Net position per configured symbol id, from every fill of every file.</summary>
    public required double[] Net { get; init; }
    /// <summary>Average open price per configured symbol id.</summary>
    public required double[] AvgPrice { get; init; }
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
    /// <summary>Lines that did not parse (skipped; a torn last line is not counted here, see <see cref="TornBytesRemoved"/>).</summary>
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
}

/// <summary>
/// Reads every journal file of the state directory once, oldest first, at start: positions from all fills, the day's
/// counters from today's file, and the orders still pending in today's and yesterday's files. A line without its
/// newline at the end of a file (a crash mid-write) is cut off, so the next append starts on a clean line; any other
/// unreadable line is skipped and counted. Lines of no interest are skipped by their type prefix without parsing.
/// </summary>
public static class JournalRestore
{
    const double Epsilon = 1e-9;

    enum Kind : byte { Old, Recent, Today }

    enum LineType : byte { Other, Order, Fill, Ack, End, SendFailed, Stop }

    struct Entry
    {
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

    /// <summary>The journal file name pattern (journal-YYYY-MM-DD.jsonl).</summary>
    public static bool TryParseFileDay(string fileName, out DateOnly day)
    {
        day = default;
        return fileName.StartsWith("journal-", StringComparison.Ordinal) && fileName.EndsWith(".jsonl", StringComparison.Ordinal)
            && DateOnly.TryParseExact(fileName["journal-".Length..^".jsonl".Length], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day);
    }

    /// <summary>
    /// Reads the journal of <paramref name="stateDir"/> for node <paramref name="node"/>. <paramref name="repairTornTails"/>
    /// cuts a torn last line off each file (the state directory must be writable). Never throws for a bad line; an
    /// unreadable directory or file comes back as <see cref="RestoredJournal.Problem"/>.
    /// </summary>
    public static RestoredJournal Load(string stateDir, string node, SymbolTable symbols, double contractSize, DateOnly today, bool repairTornTails = true)
    {
        var sw = Stopwatch.StartNew();
        var reader = new Reader(node, symbols, contractSize, today);
        string? problem = null;
        try
        {
            var files = new List<(DateOnly Day, string Path)>();
            if (Directory.Exists(stateDir))
            {
                foreach (var path in Directory.EnumerateFiles(stateDir, "journal-*.jsonl"))
                {
                    if (TryParseFileDay(Path.GetFileName(path), out var d)) files.Add((d, path));
                }
            }
            files.Sort((a, b) => a.Day.CompareTo(b.Day));
            var yesterday = today.AddDays(-1);
            for (int i = 0; i < files.Count; i++)
            {
                var (d, path) = files[i];
                var kind = d == today ? Kind.Today : d >= yesterday ? Kind.Recent : Kind.Old;
                reader.ReadFile(path, kind, repairTornTails, isNewest: i == files.Count - 1);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problem = $"the journal in {stateDir} cannot be read ({ex.Message}): the day's limits are unknown";
        }
        return reader.Result(problem, sw.Elapsed);
    }

    sealed class Reader(string node, SymbolTable symbols, double contractSize, DateOnly today)
    {
        readonly OrderIds _ids = new(node, 0);
        readonly PositionBook _book = new(symbols.Count, contractSize);
        readonly Dictionary<(long Run, long Seq), Entry> _pending = [];
        readonly Dictionary<long, long> _maxSeq = [];
        readonly Dictionary<string, double> _other = new(StringComparer.Ordinal);
        readonly List<string> _notes = [];
        readonly byte[] _idScratch = new byte[256];
        readonly byte[] _symScratch = new byte[256];
        int _trades;
        double _realized;
        int _streak;
        long _lastTime;
        bool _lastWasStop = true;
        int _files;
        long _bytes, _lines, _bad, _torn, _foreign;

        public void ReadFile(string path, Kind kind, bool repair, bool isNewest)
        {
            _files++;
            long fileBad = 0, lineNo = 0, goodEnd = 0;
            int carry = 0;
            byte[] buf = ArrayPool<byte>.Shared.Rent(1 << 20);
            LineType last = LineType.Other;
            try
            {
                using (var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan))
                {
                    while (true)
                    {
                        if (carry == buf.Length)
                        {
                            // One line longer than the buffer: grow (never happens with our own records).
                            var bigger = ArrayPool<byte>.Shared.Rent(buf.Length * 2);
                            Buffer.BlockCopy(buf, 0, bigger, 0, carry);
                            ArrayPool<byte>.Shared.Return(buf);
                            buf = bigger;
                        }
                        int n = fs.Read(buf, carry, buf.Length - carry);
                        if (n <= 0) break;
                        _bytes += n;
                        int len = carry + n, start = 0;
                        while (true)
                        {
                            int nl = buf.AsSpan(start, len - start).IndexOf((byte)'\n');
                            if (nl < 0) break;
                            lineNo++;
                            var line = buf.AsSpan(start, nl);
                            goodEnd += nl + 1;
                            if (line.Length > 0)
                            {
                                var t = Process(line, kind);
                                if (t is null)
                                {
                                    fileBad++;
                                    if (fileBad <= 3) _notes.Add($"{Path.GetFileName(path)} line {lineNo}: unreadable, skipped");
                                }
                                else last = t.Value;
                            }
                            start += nl + 1;
                        }
                        carry = len - start;
                        if (carry > 0 && start > 0) Buffer.BlockCopy(buf, start, buf, 0, carry);
                    }
                }
                _lines += lineNo;
                _bad += fileBad;
                if (fileBad > 3) _notes.Add($"{Path.GetFileName(path)}: {fileBad} unreadable lines skipped in all");
                if (carry > 0)
                {
                    // A line without its newline: the write was cut by a crash. It is incomplete by definition.
                    _torn += carry;
                    string text = Encoding.UTF8.GetString(buf, 0, Math.Min(carry, 200)).Replace('\0', '.');
                    if (repair)
                    {
                        using var w = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
                        w.SetLength(goodEnd);
                        w.Flush(flushToDisk: true);
                        _notes.Add($"{Path.GetFileName(path)}: cut a torn last line of {carry} bytes (a crash mid-write): {text}");
                    }
                    else
                    {
                        _notes.Add($"{Path.GetFileName(path)}: torn last line of {carry} bytes left in place (read-only): {text}");
                    }
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buf);
            }
            if (isNewest) _lastWasStop = last == LineType.Stop;
        }

        /// <summary>Applies one line; null when it is unreadable.</summary>
        LineType? Process(ReadOnlySpan<byte> line, Kind kind)
        {
            // Fast path: our writer always puts the type first, unescaped. Skip what this file kind does not need.
            var type = PeekType(line);
            if (type is { } known)
            {
                bool needed = known == LineType.Fill || (kind != Kind.Old && known != LineType.Other && known != LineType.Stop);
                if (!needed) return known;
            }
            var rec = new Record();
            if (!Parse(line, ref rec)) return null;
            switch (rec.Type)
            {
                case LineType.Order: OnOrder(ref rec, kind); break;
                case LineType.Fill: OnFill(ref rec, kind); break;
                case LineType.Ack:
                    if (kind != Kind.Old && Key(ref rec, out var ak) && _pending.TryGetValue(ak, out var ae)) { ae.Acked = true; _pending[ak] = ae; }
                    break;
                case LineType.End:
                case LineType.SendFailed:
                    if (kind != Kind.Old && Key(ref rec, out var ek) && _pending.Remove(ek, out var ee) && rec.Type == LineType.SendFailed && ee.CountedToday)
                        _trades--; // never left: not a trade
                    break;
            }
            if (kind != Kind.Old && rec.TimeMs > _lastTime) _lastTime = rec.TimeMs;
            return rec.Type;
        }

        void OnOrder(ref Record rec, Kind kind)
        {
            if (kind == Kind.Old) return;
            if (kind == Kind.Today) _trades++;
            if (!Key(ref rec, out var key)) return;
            if (!_maxSeq.TryGetValue(key.Run, out long m) || key.Seq > m) _maxSeq[key.Run] = key.Seq;
            int sym = symbols.Find(rec.Symbol);
            if (sym < 0)
            {
                _notes.Add($"order {Encoding.UTF8.GetString(rec.Id)}: symbol {Encoding.UTF8.GetString(rec.Symbol)} is not configured; not restored");
                return;
            }
            _pending[key] = new Entry
            {
                SymbolId = sym, Side = rec.Side, CountedToday = kind == Kind.Today, Qty = rec.Qty, Price = rec.Price,
                TimeMs = rec.OrderTimeMs > 0 ? rec.OrderTimeMs : rec.TimeMs,
            };
        }

        void OnFill(ref Record rec, Kind kind)
        {
            if (!(rec.Qty > 0) || !double.IsFinite(rec.Price)) return;
            int sym = symbols.Find(rec.Symbol);
            if (sym >= 0) _book.OnFill(sym, rec.Side, rec.Qty, rec.Price);
            else
            {
                string name = Encoding.UTF8.GetString(rec.Symbol);
                _other[name] = _other.GetValueOrDefault(name) + (rec.Side == Side.Buy ? rec.Qty : -rec.Qty);
            }
            if (rec.Realized < 0) _streak++;
            else if (rec.Realized > 0) _streak = 0;
            if (kind == Kind.Today) _realized += rec.Realized;
            if (kind != Kind.Old && Key(ref rec, out var key) && _pending.TryGetValue(key, out var e))
            {
                e.Filled += rec.Qty;
                e.Notional += rec.Qty * rec.Price;
                if (e.Filled >= e.Qty - Epsilon) _pending.Remove(key);
                else _pending[key] = e;
            }
        }

        bool Key(ref Record rec, out (long Run, long Seq) key)
        {
            key = default;
            if (rec.Id.IsEmpty) return false;
            if (!_ids.TryParseAnyRun(rec.Id, out long run, out long seq))
            {
                if (rec.Type == LineType.Order) _foreign++;
                return false;
            }
            key = (run, seq);
            return true;
        }

        static LineType? PeekType(ReadOnlySpan<byte> line)
        {
            ReadOnlySpan<byte> prefix = "{\"type\":\""u8;
            if (!line.StartsWith(prefix)) return null;
            var rest = line[prefix.Length..];
            int q = rest.IndexOf((byte)'"');
            if (q < 0) return null;
            return Classify(rest[..q]);
        }

        static LineType Classify(ReadOnlySpan<byte> t) =>
            t.SequenceEqual("order"u8) ? LineType.Order
            : t.SequenceEqual("fill"u8) ? LineType.Fill
            : t.SequenceEqual("ack"u8) ? LineType.Ack
            : t.SequenceEqual("send_failed"u8) ? LineType.SendFailed
            : t.SequenceEqual("reject"u8) || t.SequenceEqual("given_up"u8) || t.SequenceEqual("unknown_at_gateway"u8) || t.SequenceEqual("discarded"u8) ? LineType.End
            : t.SequenceEqual("stop"u8) ? LineType.Stop
            : LineType.Other;

        ref struct Record
        {
            public LineType Type;
            public ReadOnlySpan<byte> Id;
            public ReadOnlySpan<byte> Symbol;
            public Side Side;
            public double Qty;
            public double Price;
            public double Realized;
            public long TimeMs;
            public long OrderTimeMs;
        }

        bool Parse(ReadOnlySpan<byte> line, ref Record rec)
        {
            try
            {
                var r = new Utf8JsonReader(line, new JsonReaderOptions { MaxDepth = 4 });
                if (!r.Read() || r.TokenType != JsonTokenType.StartObject) return false;
                bool haveType = false;
                while (r.Read())
                {
                    if (r.TokenType == JsonTokenType.EndObject) return haveType && r.CurrentDepth == 0 && !r.Read();
                    if (r.TokenType != JsonTokenType.PropertyName) return false;
                    if (r.ValueTextEquals("type"u8))
                    {
                        if (!r.Read() || r.TokenType != JsonTokenType.String) return false;
                        rec.Type = Classify(r.ValueIsEscaped ? Encoding.UTF8.GetBytes(r.GetString()!) : r.ValueSpan);
                        haveType = true;
                    }
                    else if (r.ValueTextEquals("id"u8))
                    {
                        if (!r.Read() || r.TokenType != JsonTokenType.String || r.ValueSpan.Length > _idScratch.Length) return false;
                        rec.Id = r.ValueIsEscaped ? _idScratch.AsSpan(0, r.CopyString(_idScratch)) : r.ValueSpan;
                    }
                    else if (r.ValueTextEquals("symbol"u8))
                    {
                        if (!r.Read() || r.TokenType != JsonTokenType.String || r.ValueSpan.Length > _symScratch.Length) return false;
                        rec.Symbol = r.ValueIsEscaped ? _symScratch.AsSpan(0, r.CopyString(_symScratch)) : r.ValueSpan;
                    }
                    else if (r.ValueTextEquals("side"u8))
                    {
                        if (!r.Read() || r.TokenType != JsonTokenType.String) return false;
                        rec.Side = r.ValueTextEquals("SELL"u8) ? Side.Sell : Side.Buy;
                    }
                    else if (r.ValueTextEquals("qty"u8)) { if (!ReadDouble(ref r, out rec.Qty)) return false; }
                    else if (r.ValueTextEquals("price"u8)) { if (!ReadDouble(ref r, out rec.Price)) return false; }
                    else if (r.ValueTextEquals("realized"u8)) { if (!ReadDouble(ref r, out rec.Realized)) return false; }
                    else if (r.ValueTextEquals("time"u8)) { if (!r.Read() || r.TokenType != JsonTokenType.Number || !r.TryGetInt64(out rec.TimeMs)) return false; }
                    else if (r.ValueTextEquals("orderTime"u8)) { if (!r.Read() || r.TokenType != JsonTokenType.Number || !r.TryGetInt64(out rec.OrderTimeMs)) return false; }
                    else
                    {
                        if (!r.Read()) return false;
                        r.Skip();
                    }
                }
                return false; // no closing brace
            }
            catch (JsonException)
            {
                return false;
            }
        }

        static bool ReadDouble(ref Utf8JsonReader r, out double v)
        {
            v = 0;
            return r.Read() && r.TokenType == JsonTokenType.Number && r.TryGetDouble(out v);
        }

        public RestoredJournal Result(string? problem, TimeSpan elapsed)
        {
            int n = symbols.Count;
            var net = new double[n];
            var avg = new double[n];
            for (int i = 0; i < n; i++)
            {
                net[i] = Math.Abs(_book.Net(i)) < Epsilon ? 0 : _book.Net(i);
                avg[i] = net[i] == 0 ? 0 : _book.AvgPrice(i);
            }
            var pending = new List<PendingOrder>(_pending.Count);
            foreach (var ((run, seq), e) in _pending.OrderBy(p => p.Key.Run).ThenBy(p => p.Key.Seq))
            {
                pending.Add(new PendingOrder
                {
                    Id = $"{node}-{run}-{seq.ToString("D6", CultureInfo.InvariantCulture)}",
                    Run = run, Seq = seq, SymbolId = e.SymbolId, Side = e.Side, Qty = e.Qty, Price = e.Price, TimeMs = e.TimeMs,
                    FilledQty = e.Filled, FilledNotional = e.Notional, Acked = e.Acked,
                });
            }
            if (_foreign > 0) _notes.Add($"{_foreign} order line(s) carry an id of another node than '{node}': not restored");
            foreach (var (sym, q) in _other)
            {
                if (Math.Abs(q) > Epsilon) _notes.Add($"symbol {sym} is not configured but the journal holds a net position of {q.ToString(CultureInfo.InvariantCulture)} in it");
            }
            return new RestoredJournal
            {
                Day = today,
                TradesToday = Math.Max(0, _trades),
                RealizedToday = _realized,
                LossStreak = _streak,
                Net = net,
                AvgPrice = avg,
                OtherSymbols = _other,
                Pending = pending,
                MaxSeqByRun = _maxSeq,
                LastTimeMs = _lastTime,
                LastRunStoppedCleanly = _lastWasStop,
                Files = _files,
                Bytes = _bytes,
                Lines = _lines,
                BadLines = _bad,
                TornBytesRemoved = _torn,
                ForeignIds = _foreign,
                Notes = _notes,
                Problem = problem,
                Elapsed = elapsed,
            };
        }
    }
}
