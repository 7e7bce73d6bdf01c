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
    /// <summary>Orders of the day (order lines of the day's file, minus rejects with "sent":false: they never left).</summary>
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
    /// <summary>Where the reading started: null for a full reading, else the checkpoint's file and offset.</summary>
    public string? FromCheckpoint { get; init; }

    internal JournalRestore.Reader? Continuation { get; init; }

    /// <summary>
    /// A checkpointer that carries this reading on from the journal's writer thread (every committed batch), and
    /// saves it to <c>stateDir/journal.checkpoint</c> every <paramref name="interval"/> and at a clean stop. The next
    /// start then reads only what was written after the last checkpoint. Once per reading; null when the journal could
    /// not be read.
    /// </summary>
    public JournalCheckpointer? CreateCheckpointer(string stateDir, TimeSpan interval) =>
        Problem is null && Continuation is not null ? new JournalCheckpointer(stateDir, Continuation, interval) : null;
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

    internal enum Kind : byte { Old, Recent, Today }

    internal enum LineType : byte { Other, Order, Fill, Ack, End, SendFailed, Stop }

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
        string? problem = null, from = null;
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
            // A valid checkpoint stands for everything before its offset; only what follows it is read.
            var cp = Checkpoint.TryLoad(stateDir, reader, today, out string? cpNote);
            if (cp is null) reader = new Reader(node, symbols, contractSize, today); // nothing half-imported survives
            if (cpNote is not null) reader.Note(cpNote);
            if (cp is { } c) from = $"{c.File} @ {c.Offset}";
            reader.Rebase(today);
            var yesterday = today.AddDays(-1);
            foreach (var (d, path) in files)
            {
                long start = 0;
                if (cp is { } k)
                {
                    if (d < k.Day) continue;
                    if (Path.GetFileName(path) == k.File) start = k.Offset;
                }
                var kind = d == today ? Kind.Today : d >= yesterday ? Kind.Recent : Kind.Old;
                reader.ReadFile(path, kind, repairTornTails, d, start);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problem = $"the journal in {stateDir} cannot be read ({ex.Message}): the day's limits are unknown";
        }
        return reader.Result(problem, sw.Elapsed, from);
    }

    /// <summary>
    /// The journal's meaning so far: positions, the day's counters, pending orders. Fed file by file at start, then
    /// batch by batch by the writer thread (<see cref="JournalCheckpointer"/>); one thread at a time.
    /// </summary>
    internal sealed class Reader(string node, SymbolTable symbols, double contractSize, DateOnly today)
    {
        DateOnly _day = today;
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

        public string Node => node;
        public SymbolTable Symbols => symbols;
        public DateOnly Day => _day;
        public void Note(string note) => _notes.Add(note);

        /// <summary>Moves "today" to <paramref name="day"/>: the day's counters start from zero, orders older than yesterday are no longer tracked.</summary>
        public void Rebase(DateOnly day)
        {
            if (day == _day) return;
            _day = day;
            _trades = 0;
            _realized = 0;
            var yesterday = day.AddDays(-1);
            foreach (var key in _pending.Keys.ToList())
            {
                var e = _pending[key];
                if (e.Day < yesterday) { _pending.Remove(key); continue; }
                e.CountedToday = e.Day == day;
                _pending[key] = e;
            }
        }

        /// <summary>Whole lines just written to the file of <paramref name="fileDay"/> (the writer thread).</summary>
        public void Feed(ReadOnlySpan<byte> lines, DateOnly fileDay)
        {
            if (fileDay > _day) Rebase(fileDay);
            var kind = fileDay == _day ? Kind.Today : Kind.Recent;
            while (!lines.IsEmpty)
            {
                int nl = lines.IndexOf((byte)'\n');
                if (nl < 0) nl = lines.Length;
                if (nl > 0) Process(lines[..nl], kind, fileDay);
                lines = nl < lines.Length ? lines[(nl + 1)..] : default;
            }
        }

        public void ReadFile(string path, Kind kind, bool repair, DateOnly fileDay, long startOffset)
        {
            _files++;
            long fileBad = 0, lineNo = 0, goodEnd = startOffset;
            int carry = 0;
            byte[] buf = ArrayPool<byte>.Shared.Rent(1 << 20);
            try
            {
                using (var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan))
                {
                    if (startOffset > 0) fs.Seek(startOffset, SeekOrigin.Begin);
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
                            if (line.Length > 0 && Process(line, kind, fileDay) is null)
                            {
                                fileBad++;
                                if (fileBad <= 3) _notes.Add($"{Path.GetFileName(path)}{(startOffset > 0 ? " after the checkpoint" : "")} line {lineNo}: unreadable, skipped");
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
        }

        /// <summary>Applies one line; null when it is unreadable.</summary>
        LineType? Process(ReadOnlySpan<byte> line, Kind kind, DateOnly fileDay)
        {
            // Fast path: our writer always puts the type first, unescaped. Skip what this file kind does not need.
            var type = PeekType(line);
            if (type is { } known)
            {
                bool needed = known == LineType.Fill || (kind != Kind.Old && known != LineType.Other && known != LineType.Stop);
                if (!needed)
                {
                    _lastWasStop = known == LineType.Stop;
                    return known;
                }
            }
            var rec = new Record();
            if (!Parse(line, ref rec)) return null;
            if (rec.Type == LineType.End && rec.NotSent) rec.Type = LineType.SendFailed; // a reject with "sent":false
            _lastWasStop = rec.Type == LineType.Stop;
            switch (rec.Type)
            {
                case LineType.Order: OnOrder(ref rec, kind, fileDay); break;
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

        void OnOrder(ref Record rec, Kind kind, DateOnly fileDay)
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
                Day = fileDay,
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
            public bool NotSent;
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
                    else if (r.ValueTextEquals("sent"u8)) { if (!r.Read()) return false; rec.NotSent = r.TokenType == JsonTokenType.False; }
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

        /// <summary>Writes the state (not the file position: the caller does) as checkpoint fields.</summary>
        public void Export(Utf8JsonWriter w)
        {
            var inv = CultureInfo.InvariantCulture;
            w.WriteString("node", node);
            w.WriteString("day", _day.ToString("yyyy-MM-dd", inv));
            w.WriteNumber("trades", _trades);
            w.WriteNumber("realized", _realized);
            w.WriteNumber("streak", _streak);
            w.WriteNumber("lastTime", _lastTime);
            w.WriteBoolean("lastWasStop", _lastWasStop);
            w.WriteStartArray("positions");
            for (int i = 0; i < symbols.Count; i++)
            {
                if (_book.Net(i) == 0) continue;
                w.WriteStartObject();
                w.WriteString("symbol", symbols.Name(i));
                w.WriteNumber("net", _book.Net(i));
                w.WriteNumber("avg", _book.AvgPrice(i));
                w.WriteEndObject();
            }
            foreach (var (sym, q) in _other)
            {
                w.WriteStartObject();
                w.WriteString("symbol", sym);
                w.WriteNumber("net", q);
                w.WriteNumber("avg", 0);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("pending");
            foreach (var ((run, seq), e) in _pending)
            {
                w.WriteStartObject();
                w.WriteNumber("run", run);
                w.WriteNumber("seq", seq);
                w.WriteString("day", e.Day.ToString("yyyy-MM-dd", inv));
                w.WriteString("symbol", symbols.Name(e.SymbolId));
                w.WriteString("side", e.Side == Side.Buy ? "BUY" : "SELL");
                w.WriteNumber("qty", e.Qty);
                w.WriteNumber("price", e.Price);
                w.WriteNumber("time", e.TimeMs);
                w.WriteNumber("filled", e.Filled);
                w.WriteNumber("notional", e.Notional);
                w.WriteBoolean("acked", e.Acked);
                w.WriteBoolean("countedToday", e.CountedToday);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("maxSeq");
            foreach (var (run, seq) in _maxSeq)
            {
                w.WriteStartArray();
                w.WriteNumberValue(run);
                w.WriteNumberValue(seq);
                w.WriteEndArray();
            }
            w.WriteEndArray();
        }

        /// <summary>Takes the state of a checkpoint (into a fresh reader). Throws on a malformed one (the caller falls back to a full reading).</summary>
        public void Import(JsonElement c)
        {
            _day = ParseDay(c.GetProperty("day").GetString());
            _trades = c.GetProperty("trades").GetInt32();
            _realized = c.GetProperty("realized").GetDouble();
            _streak = c.GetProperty("streak").GetInt32();
            _lastTime = c.GetProperty("lastTime").GetInt64();
            _lastWasStop = c.GetProperty("lastWasStop").GetBoolean();
            foreach (var p in c.GetProperty("positions").EnumerateArray())
            {
                string sym = p.GetProperty("symbol").GetString() ?? throw new FormatException("symbol");
                int id = symbols.Find(sym);
                if (id >= 0) _book.RestorePosition(id, p.GetProperty("net").GetDouble(), p.GetProperty("avg").GetDouble());
                else _other[sym] = p.GetProperty("net").GetDouble();
            }
            foreach (var e in c.GetProperty("pending").EnumerateArray())
            {
                int id = symbols.Find(e.GetProperty("symbol").GetString() ?? "");
                if (id < 0) { _notes.Add($"checkpoint: pending order {node}-{e.GetProperty("run").GetInt64()}-{e.GetProperty("seq").GetInt64():D6} of a symbol no longer configured: not restored"); continue; }
                _pending[(e.GetProperty("run").GetInt64(), e.GetProperty("seq").GetInt64())] = new Entry
                {
                    Day = ParseDay(e.GetProperty("day").GetString()),
                    SymbolId = id,
                    Side = e.GetProperty("side").GetString() == "SELL" ? Side.Sell : Side.Buy,
                    Qty = e.GetProperty("qty").GetDouble(),
                    Price = e.GetProperty("price").GetDouble(),
                    TimeMs = e.GetProperty("time").GetInt64(),
                    Filled = e.GetProperty("filled").GetDouble(),
                    Notional = e.GetProperty("notional").GetDouble(),
                    Acked = e.GetProperty("acked").GetBoolean(),
                    CountedToday = e.GetProperty("countedToday").GetBoolean(),
                };
            }
            foreach (var m in c.GetProperty("maxSeq").EnumerateArray()) _maxSeq[m[0].GetInt64()] = m[1].GetInt64();
        }

        static DateOnly ParseDay(string? text) =>
            DateOnly.ParseExact(text ?? throw new FormatException("day"), "yyyy-MM-dd", CultureInfo.InvariantCulture);

        public RestoredJournal Result(string? problem, TimeSpan elapsed, string? fromCheckpoint)
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
                Day = _day,
                TradesToday = Math.Max(0, _trades),
                RealizedToday = _realized,
                LossStreak = _streak,
                Net = net,
                AvgPrice = avg,
                OtherSymbols = new Dictionary<string, double>(_other, StringComparer.Ordinal),
                Pending = pending,
                MaxSeqByRun = new Dictionary<long, long>(_maxSeq),
                LastTimeMs = _lastTime,
                LastRunStoppedCleanly = _lastWasStop,
                Files = _files,
                Bytes = _bytes,
                Lines = _lines,
                BadLines = _bad,
                TornBytesRemoved = _torn,
                ForeignIds = _foreign,
                Notes = [.. _notes],
                Problem = problem,
                Elapsed = elapsed,
                FromCheckpoint = fromCheckpoint,
                Continuation = problem is null ? this : null,
            };
        }
    }
}

/// <summary>
/// <c>stateDir/journal.checkpoint</c>: the journal's meaning (positions, day counters, pending orders) up to a byte
/// offset of one journal file, written atomically (temp, fsync, rename, fsync of the directory). It is trusted only
/// when that file still holds, just before the offset, the very bytes the checkpoint recorded; otherwise the journal
/// is read in full. Losing it costs time at start, never correctness.
/// </summary>
internal static class Checkpoint
{
    public const string FileName = "journal.checkpoint";
    const int Version = 1;
    const int TailBytes = 64;

    public readonly record struct Position(string File, DateOnly Day, long Offset);

    public static Position? TryLoad(string stateDir, JournalRestore.Reader reader, DateOnly today, out string? note)
    {
        note = null;
        string path = Path.Combine(stateDir, FileName);
        if (!File.Exists(path)) return null;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            var c = doc.RootElement;
            if (c.GetProperty("version").GetInt32() != Version) { note = "journal checkpoint of another version ignored; reading the journal in full"; return null; }
            if (c.GetProperty("node").GetString() != reader.Node) { note = "journal checkpoint of another node ignored; reading the journal in full"; return null; }
            string file = c.GetProperty("file").GetString() ?? "";
            long offset = c.GetProperty("offset").GetInt64();
            byte[] tail = Convert.FromBase64String(c.GetProperty("tail").GetString() ?? "");
            if (!JournalRestore.TryParseFileDay(file, out var day) || Path.GetFileName(file) != file || offset < tail.Length || day > today)
            {
                note = "journal checkpoint does not fit this journal; reading the journal in full";
                return null;
            }
            string journal = Path.Combine(stateDir, file);
            if (!File.Exists(journal) || new FileInfo(journal).Length < offset || !TailMatches(journal, offset, tail))
            {
                note = $"journal checkpoint does not match {file} any more; reading the journal in full";
                return null;
            }
            reader.Import(c);
            if (reader.Day > today) { note = "journal checkpoint is from a later day than today; reading the journal in full"; return null; }
            return new Position(file, day, offset);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or KeyNotFoundException or InvalidOperationException or IOException or UnauthorizedAccessException or IndexOutOfRangeException)
        {
            note = $"journal checkpoint unreadable ({ex.Message}); reading the journal in full";
            return null;
        }
    }

    static bool TailMatches(string journal, long offset, byte[] tail)
    {
        using var fs = new FileStream(journal, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        fs.Seek(offset - tail.Length, SeekOrigin.Begin);
        var buf = new byte[tail.Length];
        fs.ReadExactly(buf);
        return buf.AsSpan().SequenceEqual(tail) && (offset == 0 || tail.Length > 0 && tail[^1] == (byte)'\n');
    }

    public static void Save(string stateDir, JournalRestore.Reader reader, string file, long offset, ReadOnlySpan<byte> tail, long timeMs)
    {
        var buf = new ArrayBufferWriter<byte>(4096);
        using (var w = new Utf8JsonWriter(buf))
        {
            w.WriteStartObject();
            w.WriteNumber("version", Version);
            w.WriteString("file", file);
            w.WriteNumber("offset", offset);
            w.WriteString("tail", Convert.ToBase64String(tail.Length > TailBytes ? tail[^TailBytes..] : tail));
            reader.Export(w);
            w.WriteNumber("time", timeMs);
            w.WriteEndObject();
        }
        string path = Path.Combine(stateDir, FileName), tmp = path + ".tmp";
        using (var fs = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None, 1))
        {
            fs.Write(buf.WrittenSpan);
            fs.Flush(flushToDisk: true);
        }
        File.Move(tmp, path, overwrite: true);
        Interop.Posix.PosixFile.FsyncDirectory(stateDir);
    }
}

/// <summary>
/// Carries the start-up reading of the journal on with every batch the journal commits (on its writer thread, after
/// the fsync), and saves it as <c>journal.checkpoint</c> every interval and at a clean stop. Restore time then depends
/// on the journal written since the last checkpoint, not on the journal's size. A failed checkpoint write is ignored:
/// the previous checkpoint (or none) stays valid.
/// </summary>
public sealed class JournalCheckpointer
{
    readonly string _stateDir;
    readonly JournalRestore.Reader _reader;
    readonly TimeSpan _interval;
    readonly byte[] _tail = new byte[64];
    int _tailLength;
    string? _file;
    long _offset;
    long _lastSaveTs;
    bool _dirty;

    internal JournalCheckpointer(string stateDir, JournalRestore.Reader reader, TimeSpan interval)
    {
        _stateDir = stateDir;
        _reader = reader;
        _interval = interval;
    }

    /// <summary>Checkpoints written.</summary>
    public long Saved { get; private set; }

    /// <summary>The last checkpoint failure, if any (for status and the log).</summary>
    public string? LastError { get; private set; }

    /// <summary>A batch of whole lines was written and fsync'd to <paramref name="path"/>, ending at <paramref name="endOffset"/>.</summary>
    internal void OnCommitted(string path, DateOnly day, long endOffset, ReadOnlySpan<byte> batch, TimeProvider time)
    {
        _reader.Feed(batch, day);
        _file = Path.GetFileName(path);
        _offset = endOffset;
        int keep = Math.Min(batch.Length, _tail.Length);
        if (keep == _tail.Length) batch[^keep..].CopyTo(_tail);
        else
        {
            // A short batch: shift the previous tail left and append.
            int old = Math.Min(_tailLength, _tail.Length - keep);
            Buffer.BlockCopy(_tail, _tailLength - old, _tail, 0, old);
            batch.CopyTo(_tail.AsSpan(old));
            keep += old;
        }
        _tailLength = keep;
        _dirty = true;
        long now = time.GetTimestamp();
        if (_lastSaveTs == 0) _lastSaveTs = now;
        if (time.GetElapsedTime(_lastSaveTs, now) >= _interval) Save(time);
    }

    /// <summary>A new file was opened (day roll): the tail restarts.</summary>
    internal void OnNewFile() => _tailLength = 0;

    /// <summary>Saves now (clean stop), when anything was committed since the last save.</summary>
    internal void Save(TimeProvider time)
    {
        _lastSaveTs = time.GetTimestamp();
        if (!_dirty || _file is null) return;
        try
        {
            Checkpoint.Save(_stateDir, _reader, _file, _offset, _tail.AsSpan(0, _tailLength), time.GetUtcNow().ToUnixTimeMilliseconds());
            Saved++;
            _dirty = false;
            LastError = null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LastError = ex.Message;
        }
    }
}
