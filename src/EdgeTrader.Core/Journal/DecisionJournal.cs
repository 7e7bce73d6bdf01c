using System.Buffers;
using System.Text.Json;
using EdgeTrader.KillSwitch;
using EdgeTrader.Persistence;
using EdgeTrader.Trading;
using EdgeTrader.Trading.Risk;

namespace EdgeTrader.Journal;

/// <summary>
/// Append-only JSON-lines journal of every order, ack, fill, reject, denial and breaker transition, in
/// <c>stateDir/journal-YYYY-MM-DD.jsonl</c> (one file per trading day: the <see cref="TradingDay"/> current when the
/// line is appended, so a line lands in the file of the day the book counted it in). Appends only copy bytes into
/// memory under a short lock; a writer thread commits them in groups: write + fsync at most
/// <see cref="CommitInterval"/> after the append. That interval is the durability window: a power cut can lose at most
/// the lines appended within it. A write or fsync failure marks the journal failed, refuses every later record (an
/// order then does not leave: JOURNAL_UNAVAILABLE) and calls <c>onFailure</c> once (the daemon engages the breaker).
/// Line types, the durability window and the checkpoint: docs/persistence.md.
/// </summary>
public sealed class DecisionJournal : IDecisionLog, IDisposable
{
    /// <summary>Group-commit delay: the longest a record waits in memory before write + fsync.</summary>
    public static readonly TimeSpan CommitInterval = TimeSpan.FromMilliseconds(5);

    readonly string _dir;
    readonly SymbolTable _symbols;
    readonly OrderIds _ids;
    readonly TradingDay _tradingDay;
    readonly TimeProvider _time;
    readonly Action<string>? _onFailure;
    readonly object _lock = new();
    // Stryker disable once Boolean : set at first, the writer's first wait returns at once: one commit sooner, of nothing
    readonly AutoResetEvent _wake = new(false);
    readonly Thread? _writerThread;
    readonly byte[] _idBuf = new byte[160];
    ArrayBufferWriter<byte> _active = new(1 << 16);
    ArrayBufferWriter<byte> _spare = new(1 << 16);
    // Where the active batch changes trading day: (end offset, day) of each finished part; the rest is _activeDay's.
    List<(int End, DateOnly Day)> _activeParts = [];
    List<(int End, DateOnly Day)> _spareParts = [];
    DateOnly _activeDay;
    int _lineStart; // where the line being written starts in _active (its checksum covers it from there)
    readonly Utf8JsonWriter _w;
    FileStream? _file;
    DateOnly _fileDay;
    volatile bool _stopping;
    volatile string? _failure;
    long _committedLines;
    long _appendedLines;
    JournalCheckpointer? _checkpoints;

    /// <summary>
    /// Opens the journal in <paramref name="stateDir"/>; <paramref name="background"/> false is for tests (call
    /// <see cref="Commit"/>). <paramref name="checkpoints"/> (from the start-up reading) is fed every committed batch.
    /// </summary>
    public DecisionJournal(string stateDir, SymbolTable symbols, OrderIds ids, TradingDay tradingDay, TimeProvider time, Action<string>? onFailure, bool background = true, JournalCheckpointer? checkpoints = null)
    {
        _activeDay = tradingDay.Current;
        _checkpoints = checkpoints;
        _dir = stateDir;
        _symbols = symbols;
        _ids = ids;
        _tradingDay = tradingDay;
        _time = time;
        _onFailure = onFailure;
        // Stryker disable once Initializer,Boolean : validation only checks writes that are well-formed (the checksum closes each object)
        _w = new Utf8JsonWriter(_active, new JsonWriterOptions { SkipValidation = true });
        CommitLatency = new Health.LatencyHistogram(Health.LatencyHistogram.StorageBuckets, time.TimestampFrequency);
        if (background)
        {
            // Stryker disable once Initializer,Boolean,String : a thread's name and background flag; Dispose joins it
            _writerThread = new Thread(WriterLoop) { IsBackground = true, Name = "journal-commit" };
            _writerThread.Start();
        }
    }

    /// <summary>Null while healthy; otherwise why the journal stopped accepting records.</summary>
    public string? Failure => _failure;

    /// <summary>write + fsync of each group commit (recorded by the committing thread, read by scrapes).</summary>
    public Health.LatencyHistogram CommitLatency { get; }

    /// <summary>Lines made durable so far.</summary>
    public long CommittedLines => Interlocked.Read(ref _committedLines);

    /// <summary>Lines appended so far.</summary>
    public long AppendedLines => Interlocked.Read(ref _appendedLines);

    /// <summary>Journal file of a trading day.</summary>
    public static string FileFor(string stateDir, DateOnly day) => JournalFiles.FileFor(stateDir, day);

    /// <summary>Records an order that passed both gates (appended before it is sent).</summary>
    public bool Order(in Order o)
    {
        lock (_lock)
        {
            if (_failure is not null) return false;
            BeginLine();
            _w.Flush(); // the '{'; the fields are the bytes the gateway frame carries
            _active.Write(OrderJson.Fields(in o, _symbols, _ids));
            EndLine();
            return true;
        }
    }

    /// <summary>Records a denied intent with its stable code.</summary>
    public void Denial(in OrderIntent i, DenialCode code, long tickSeq, long timeMs)
    {
        lock (_lock)
        {
            if (_failure is not null) return;
            BeginLine();
            _w.WriteString("type"u8, "denial"u8);
            _w.WriteString("code"u8, DenialCodes.Code(code));
            _w.WriteString("symbol"u8, _symbols.Utf8(i.SymbolId));
            _w.WriteString("side"u8, i.Side == Side.Buy ? "BUY"u8 : "SELL"u8);
            Status.JsonNumbers.OrText(_w, "qty"u8, i.Qty);
            Status.JsonNumbers.OrText(_w, "price"u8, i.Price);
            _w.WriteNumber("tickSeq"u8, tickSeq);
            _w.WriteNumber("time"u8, timeMs);
            EndLine();
        }
    }

    /// <inheritdoc/>
    public void OrderEvent(OrderEventType type, long seq, string? reason, long timeMs)
    {
        lock (_lock)
        {
            if (_failure is not null) return;
            BeginLine();
            _w.WriteString("type"u8, OrderEventTypes.Name(type));
            WriteId(seq);
            if (reason is not null) _w.WriteString("reason"u8, reason);
            _w.WriteNumber("time"u8, timeMs);
            EndLine();
        }
    }

    /// <summary>
    /// Records an event of an order identified by its full id (orders of an earlier run, restored at a warm start).
    /// <paramref name="via"/> says where the knowledge came from ("reconcile": the gateway's open_orders answer).
    /// </summary>
    public void OrderEvent(OrderEventType type, string id, string? reason, long timeMs, string? via = null)
    {
        lock (_lock)
        {
            if (_failure is not null) return;
            BeginLine();
            _w.WriteString("type"u8, OrderEventTypes.Name(type));
            _w.WriteString("id"u8, id);
            if (reason is not null) _w.WriteString("reason"u8, reason);
            if (via is not null) _w.WriteString("via"u8, via);
            _w.WriteNumber("time"u8, timeMs);
            EndLine();
        }
    }

    /// <summary>Records a fill of an order identified by its full id (a restored order).</summary>
    public void Fill(string id, int symbolId, Side side, double qty, double price, double realized, long timeMs, string? via)
    {
        lock (_lock)
        {
            if (_failure is not null) return;
            BeginLine();
            _w.WriteString("type"u8, "fill"u8);
            _w.WriteString("id"u8, id);
            _w.WriteString("symbol"u8, _symbols.Utf8(symbolId));
            _w.WriteString("side"u8, side == Side.Buy ? "BUY"u8 : "SELL"u8);
            Status.JsonNumbers.OrText(_w, "qty"u8, qty);
            Status.JsonNumbers.OrText(_w, "price"u8, price);
            Status.JsonNumbers.OrText(_w, "realized"u8, realized);
            if (via is not null) _w.WriteString("via"u8, via);
            _w.WriteNumber("time"u8, timeMs);
            EndLine();
        }
    }

    /// <summary>
    /// Records an order the gateway reported at a warm start that the journal did not hold (it was sent, but the
    /// daemon died within the durability window before its line reached the disk). Counted as a trade like any order.
    /// </summary>
    public bool RecoveredOrder(string id, int symbolId, Side side, double qty, double price, long orderTimeMs, long timeMs)
    {
        lock (_lock)
        {
            if (_failure is not null) return false;
            BeginLine();
            _w.WriteString("type"u8, "order"u8);
            _w.WriteString("id"u8, id);
            _w.WriteString("symbol"u8, _symbols.Utf8(symbolId));
            _w.WriteString("side"u8, side == Side.Buy ? "BUY"u8 : "SELL"u8);
            Status.JsonNumbers.OrText(_w, "qty"u8, qty);
            Status.JsonNumbers.OrText(_w, "price"u8, price);
            _w.WriteBoolean("recovered"u8, true);
            _w.WriteNumber("orderTime"u8, orderTimeMs);
            _w.WriteNumber("time"u8, timeMs);
            EndLine();
            return true;
        }
    }

    /// <inheritdoc/>
    public void Anomaly(AnomalyCode code, string detail, long timeMs)
    {
        lock (_lock)
        {
            if (_failure is not null) return;
            BeginLine();
            _w.WriteString("type"u8, "anomaly"u8);
            _w.WriteString("code"u8, AnomalyCodes.Code(code));
            _w.WriteString("detail"u8, detail);
            _w.WriteNumber("time"u8, timeMs);
            EndLine();
        }
    }

    /// <summary>A <c>recovery</c> line (warm/cold start summary, reconciliation result); <paramref name="fields"/> writes its fields.</summary>
    public void Recovery(Action<Utf8JsonWriter> fields)
    {
        lock (_lock)
        {
            if (_failure is not null) return;
            BeginLine();
            _w.WriteString("type"u8, "recovery"u8);
            fields(_w);
            _w.WriteNumber("time"u8, _time.GetUtcNow().ToUnixTimeMilliseconds());
            EndLine();
        }
    }

    /// <summary>
    /// Records a clean stop (the last line of a run). A run whose last line is not <c>stop</c> ended in a crash, and
    /// the next start asks the gateway for orders that may have left within the durability window.
    /// </summary>
    public void Stop(string detail)
    {
        RunMarker("stop"u8, detail);
    }

    /// <summary>
    /// Keeps the records appended until the scope is disposed in one group commit (dry-run: an order and its simulated
    /// fill). The caller must not engage the breaker or take another lock inside the scope.
    /// </summary>
    public DecisionGroup Group()
    {
        Monitor.Enter(_lock);
        return new DecisionGroup(_lock);
    }

    /// <summary>
    /// Records that order <paramref name="seq"/> passed both gates but the transport refused it: a <c>reject</c> with
    /// <c>"sent":false</c>. It never left, so it is neither a trade of the day nor pending at the next start.
    /// </summary>
    public void SendFailed(long seq, string reason, long timeMs)
    {
        lock (_lock)
        {
            if (_failure is not null) return;
            BeginLine();
            _w.WriteString("type"u8, "reject"u8);
            WriteId(seq);
            _w.WriteString("reason"u8, reason);
            _w.WriteBoolean("sent"u8, false);
            _w.WriteNumber("time"u8, timeMs);
            EndLine();
        }
    }

    /// <summary>Records a fill and the P&amp;L it realised.</summary>
    public void Fill(long seq, int symbolId, Side side, double qty, double price, double realized, long timeMs)
    {
        lock (_lock)
        {
            if (_failure is not null) return;
            BeginLine();
            _w.WriteString("type"u8, "fill"u8);
            WriteId(seq);
            _w.WriteString("symbol"u8, _symbols.Utf8(symbolId));
            _w.WriteString("side"u8, side == Side.Buy ? "BUY"u8 : "SELL"u8);
            Status.JsonNumbers.OrText(_w, "qty"u8, qty);
            Status.JsonNumbers.OrText(_w, "price"u8, price);
            Status.JsonNumbers.OrText(_w, "realized"u8, realized);
            _w.WriteNumber("time"u8, timeMs);
            EndLine();
        }
    }

    /// <summary>Records a breaker transition.</summary>
    public void Breaker(BreakerTransition t)
    {
        var s = t.Current;
        lock (_lock)
        {
            if (_failure is not null) return;
            BeginLine();
            _w.WriteString("type"u8, "breaker"u8);
            BreakerStateCodec.WriteFields(_w, s);
            _w.WriteNumber("time"u8, s.Since.ToUnixTimeMilliseconds());
            EndLine();
        }
    }

    /// <summary>Records a start of the daemon (run number, node).</summary>
    public void Start(string detail)
    {
        RunMarker("start"u8, detail);
    }

    /// <summary>A run's first (start) or last (stop) line.</summary>
    void RunMarker(ReadOnlySpan<byte> type, string detail)
    {
        lock (_lock)
        {
            if (_failure is not null) return;
            BeginLine();
            _w.WriteString("type"u8, type);
            _w.WriteNumber("run"u8, _ids.Run);
            _w.WriteString("node"u8, _ids.Node);
            _w.WriteString("detail"u8, detail);
            _w.WriteNumber("time"u8, _time.GetUtcNow().ToUnixTimeMilliseconds());
            EndLine();
        }
    }

    /// <summary>Starts a line (under the lock), in the file of the trading day current now.</summary>
    void BeginLine()
    {
        var day = _tradingDay.Current;
        if (day != _activeDay)
        {
            // Stryker disable once Equality : an empty part is skipped by WritePart
            if (_active.WrittenCount > 0) _activeParts.Add((_active.WrittenCount, _activeDay));
            _activeDay = day;
        }
        _lineStart = _active.WrittenCount;
        _w.WriteStartObject();
    }

    void WriteId(long seq)
    {
        int n = _ids.Write(seq, _idBuf);
        _w.WriteString("id"u8, _idBuf.AsSpan(0, n));
    }

    void EndLine()
    {
        _w.Flush();
        JournalLineCrc.Close(_active, _lineStart); // the line's checksum, and its closing brace
        _active.GetSpan(1)[0] = (byte)'\n';
        _active.Advance(1);
        _w.Reset(_active);
        _appendedLines++;
        // Stryker disable once all : timing only: without the early wake a large burst is committed within CommitInterval (5 ms) anyway
        if (_active.WrittenCount > 1 << 20) _wake.Set(); // large burst: commit early
    }

    void WriterLoop()
    {
        while (!_stopping)
        {
            _wake.WaitOne(CommitInterval);
            Commit();
        }
        Commit();
    }

    /// <summary>Writes and fsyncs what has been appended (the writer thread calls this every <see cref="CommitInterval"/>).</summary>
    public void Commit()
    {
        ArrayBufferWriter<byte> batch;
        List<(int End, DateOnly Day)> parts;
        DateOnly lastDay;
        long lines;
        lock (_lock)
        {
            if (_active.WrittenCount == 0 || _failure is not null) return;
            batch = _active;
            parts = _activeParts;
            lastDay = _activeDay;
            _active = _spare;
            _activeParts = _spareParts;
            _spare = batch;
            _spareParts = parts;
            _active.ResetWrittenCount();
            _activeParts.Clear();
            _w.Reset(_active);
            lines = _appendedLines;
        }
        try
        {
            int from = 0;
            foreach (var (end, day) in parts)
            {
                WritePart(batch.WrittenSpan[from..end], day);
                from = end;
            }
            WritePart(batch.WrittenSpan[from..], lastDay);
            Interlocked.Exchange(ref _committedLines, lines);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _failure = $"journal write failed: {ex.Message}";
            _onFailure?.Invoke(_failure);
        }
    }

    /// <summary>Writes and fsyncs the lines of one trading day into that day's file.</summary>
    void WritePart(ReadOnlySpan<byte> lines, DateOnly day)
    {
        // Stryker disable once Statement : no part is empty (a part ends where a later day's line begins; Commit returns on an empty batch)
        if (lines.IsEmpty) return;
        if (_file is null || day != _fileDay)
        {
            // Stryker disable once Statement : the old day's handle is closed by its finalizer; every batch in it is already fsynced
            _file?.Dispose();
            _file = null;
            _file = AppendOnlyFile.OpenForAppend(FileFor(_dir, day)); // never after a torn line
            _fileDay = day;
            _checkpoints?.OnNewFile();
        }
        AppendOnlyFile.EnsureStillLinked(_file, FileFor(_dir, _fileDay)); // an unlinked, renamed or replaced file, or a removed directory, is a failure
        long t0 = _time.GetTimestamp();
        _file.Write(lines);
        _file.Flush(flushToDisk: true);
        CommitLatency.Record(_time.GetTimestamp() - t0);
        Checkpoint(lines, day, _file.Position);
    }

    void Checkpoint(ReadOnlySpan<byte> batch, DateOnly day, long endOffset)
    {
        // Stryker disable once Statement : without it the NullReferenceException is caught below, which leaves the checkpointer null: the same
        if (_checkpoints is null) return;
        try
        {
            _checkpoints.OnCommitted(FileFor(_dir, day), day, endOffset, batch, _time);
        }
        // Stryker disable once Equality,Block : unreachable without a fault: OnCommitted reports its own save failures (LastError)
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Checkpoints only shorten the next start; a fault in them must never stop the journal.
            _checkpoints = null;
        }
    }

    /// <summary>Checkpoints written so far (0 without a checkpointer).</summary>
    public long CheckpointsSaved => _checkpoints?.Saved ?? 0;

    /// <summary>Commits what is pending, saves a last checkpoint and closes the file.</summary>
    public void Dispose()
    {
        _stopping = true;
        // Stryker disable once Statement : timing only: the writer wakes within CommitInterval (5 ms) anyway
        _wake.Set();
        _writerThread?.Join();
        if (_writerThread is null) Commit();
        if (_failure is null) _checkpoints?.Save(_time);
        // Stryker disable once Statement : a handle left open is closed by its finalizer; every batch is already fsynced
        _file?.Dispose();
        // Stryker disable once Statement : an event left undisposed is collected; nothing observable
        _wake.Dispose();
    }
}
