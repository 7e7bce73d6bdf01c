using System.Globalization;
using System.Text;
using EdgeTrader.Journal;
using EdgeTrader.KillSwitch;
using EdgeTrader.Trading;

namespace EdgeTrader.Transports.Zmq;

// Warm start: what the journal says is restored before the tick thread starts; orders of the previous run that may
// still be live are reconciled with the gateway (open_orders) on the tick thread before any new order leaves.
public sealed partial class ZmqTradingEngine
{
    /// <summary>Largest gateway frame accepted (an open_orders answer part); longer answers come in several frames.</summary>
    public const int MaxGatewayFrameBytes = 1 << 16;

    /// <summary>Order ids per open_orders request frame.</summary>
    const int IdsPerRequest = 256;

    /// <summary>
    /// How far before the last journaled line the gateway is asked for orders this node sent: the journal loses at
    /// most the group-commit window at a crash; the margin covers that and a small wall-clock step.
    /// </summary>
    public static readonly TimeSpan DiscoveryMargin = TimeSpan.FromSeconds(2);

    sealed class Reconciliation
    {
        public required string[] PendingIds;
        public required IReadOnlyDictionary<long, long> MaxSeqByRun;
        public long? SinceMs;
        public int Round;
        public string[] RequestIds = [];
        public byte[][]? Frames;
        public bool[] Answered = [];
        public int Sent;
        public long FirstAttemptTs;
        public long RoundSentTs;
        public bool EngagedForNoAnswer;
        public bool Done;
        public readonly Dictionary<string, GatewayOrderReport> Reports = new(StringComparer.Ordinal);
    }

    Reconciliation? _reconciliation;
    DecisionJournal? _recoveryJournal;

    /// <summary>
    /// Applies the journal's reading before <see cref="Start"/>: positions and the day's counters; then, for orders
    /// the journal shows pending (and, after a crash, orders that may have left within the durability window):
    /// <list type="bullet">
    /// <item>live (warm start): restored as in flight, new orders held (RECONCILIATION_PENDING) until the gateway answered
    /// open_orders; nothing is resent, ever;</item>
    /// <item><paramref name="cold"/> (run --cold): no reconciliation; each pending order is journaled <c>discarded</c> and
    /// logged by id; the breaker state is not touched;</item>
    /// <item>dry-run: no gateway to ask; pending orders of an earlier live run are left for the next live start.</item>
    /// </list>
    /// An unreadable journal engages the breaker (source startup): the day's limits would be unknown.
    /// </summary>
    public void Restore(RestoredJournal j, bool cold, DecisionJournal? journal)
    {
        _recoveryJournal = journal;
        var book = _loop.Book;
        var rep = _loop.Recovery;
        rep.Journal = (j.Files, j.Lines, j.BadLines, j.TornBytesRemoved, j.Elapsed.TotalMilliseconds);
        rep.FromCheckpoint = j.FromCheckpoint;
        foreach (var note in j.Notes) _log.Warning("journal: {Note}", note);
        if (j.Problem is not null)
        {
            _log.Error("{Problem}; starting ENGAGED", j.Problem);
            _breaker.Engage(j.Problem, BreakerSource.Startup);
        }
        book.Restore(j.Day, j.TradesToday, j.RealizedToday, j.LossStreak);
        var positions = new StringBuilder();
        for (int i = 0; i < j.Net.Length; i++)
        {
            book.RestorePosition(i, j.Net[i], j.AvgPrice[i]);
            if (j.Net[i] != 0) positions.Append(CultureInfo.InvariantCulture, $"{_symbols.Name(i)} {j.Net[i]:0.########} @ {j.AvgPrice[i]:0.#####} ");
        }
        _log.Information("journal read {From}: {Files} file(s), {Lines} lines, {MiB:0.0} MiB in {Ms:0} ms; day {Day}: {Trades} trades, realised {Realized:0.00}, loss streak {Streak}; positions: {Positions}",
            j.FromCheckpoint is null ? "in full" : $"from the checkpoint ({j.FromCheckpoint})", j.Files, j.Lines, j.Bytes / 1048576.0, j.Elapsed.TotalMilliseconds, j.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), j.TradesToday, j.RealizedToday, j.LossStreak,
            positions.Length == 0 ? "flat" : positions.ToString().TrimEnd());

        var pending = j.Pending;
        bool crashed = !j.LastRunStoppedCleanly;
        if (cold)
        {
            rep.Mode = "cold";
            rep.State = "none";
            if (pending.Count == 0) _log.Information("cold start: no order was in flight");
            else
            {
                long now = _time.GetUtcNow().ToUnixTimeMilliseconds();
                _log.Warning("cold start (--cold): discarding {Count} order(s) restored as in flight, without asking the gateway; they are not resent", pending.Count);
                foreach (var chunk in pending.Select(p => p.Id).Chunk(100)) _log.Warning("cold start: discarded {Ids}", string.Join(' ', chunk));
                foreach (var p in pending) journal?.OrderEvent("discarded", p.Id, "run --cold: in-flight state discarded without reconciliation", now);
                Interlocked.Exchange(ref rep.Discarded, pending.Count);
            }
            if (crashed) _log.Warning("cold start: the previous run did not stop cleanly; orders it sent within the journal's durability window are not looked for");
            journal?.Recovery(w =>
            {
                w.WriteString("mode", "cold");
                w.WriteNumber("discarded", pending.Count);
                w.WriteBoolean("previousRunCrashed", crashed);
            });
            return;
        }
        if (_dryRun is not null)
        {
            rep.Mode = "dry-run";
            rep.State = "none";
            // Dry-run journals an order and its simulated fill in one group commit: it leaves nothing pending itself.
            if (pending.Count > 0)
            {
                _log.Warning("dry-run: {Count} order(s) of an earlier live run are pending in the journal; dry-run has no gateway to reconcile them with, so they are left for the next live start: {Ids}",
                    pending.Count, string.Join(' ', pending.Select(p => p.Id).Take(100)));
                Interlocked.Exchange(ref rep.LeftForLive, pending.Count);
            }
            journal?.Recovery(w =>
            {
                w.WriteString("mode", "dry-run");
                w.WriteNumber("leftForLiveStart", pending.Count);
            });
            return;
        }

        rep.Mode = "warm";
        long? since = crashed && j.LastTimeMs > 0 ? j.LastTimeMs - (long)DiscoveryMargin.TotalMilliseconds : null;
        if (pending.Count == 0 && since is null)
        {
            rep.State = "none";
            journal?.Recovery(w =>
            {
                w.WriteString("mode", "warm");
                w.WriteNumber("pending", 0);
                w.WriteBoolean("previousRunCrashed", crashed);
            });
            return;
        }
        _loop.RestoreInFlight(pending, holdOrders: true);
        _reconciliation = new Reconciliation { PendingIds = [.. pending.Select(p => p.Id)], MaxSeqByRun = j.MaxSeqByRun, SinceMs = since };
        rep.State = "reconciling";
        _log.Warning("warm start: {Count} order(s) restored in flight{Crash}; new orders are held until the gateway answers open_orders; nothing is resent",
            pending.Count, crashed ? "; the previous run crashed, so the gateway is also asked for orders it sent within the durability window" : "");
        foreach (var chunk in pending.Select(p => p.Id).Chunk(100)) _log.Information("warm start: in flight {Ids}", string.Join(' ', chunk));
        journal?.Recovery(w =>
        {
            w.WriteString("mode", "warm");
            w.WriteNumber("pending", pending.Count);
            w.WriteBoolean("previousRunCrashed", crashed);
            if (since is { } s) w.WriteNumber("since", s);
        });
    }

    /// <summary>Sends the open_orders requests (again, each ackTimeoutMs, until answered); engages after 5 × ackTimeoutMs without an answer.</summary>
    void PumpReconciliation(long now)
    {
        var r = _reconciliation;
        if (r is null || r.Done || _dealer is null) return;
        if (r.FirstAttemptTs == 0) r.FirstAttemptTs = now;
        var retry = TimeSpan.FromMilliseconds(_o.Gateway.AckTimeoutMs);
        if (r.Frames is null || (r.Sent == r.Frames.Length && _time.GetElapsedTime(r.RoundSentTs, now) >= retry)) NewRound(r);
        while (r.Sent < r.Frames!.Length)
        {
            if (!_dealer.Send(r.Frames[r.Sent])) break; // not connected yet: next housekeeping
            r.Sent++;
            if (r.Sent == r.Frames.Length) r.RoundSentTs = now;
        }
        var waited = _time.GetElapsedTime(r.FirstAttemptTs, now);
        if (!r.EngagedForNoAnswer && waited >= retry * 5)
        {
            r.EngagedForNoAnswer = true;
            _loop.Recovery.State = "no-answer";
            string reason = $"warm start: no answer to open_orders from {_o.Gateway.Endpoint} in {waited.TotalSeconds:0} s; "
                + $"{r.PendingIds.Length} order(s) of the previous run unreconciled, new orders held (still asking; or restart with --cold to give them up)";
            _log.Error("{Reason}", reason);
            _breaker.Engage(reason, BreakerSource.Gateway);
        }
    }

    void NewRound(Reconciliation r)
    {
        r.Round++;
        Interlocked.Increment(ref _loop.Recovery.Rounds);
        r.Reports.Clear();
        string[][] chunks = r.PendingIds.Length == 0 ? [[]] : [.. r.PendingIds.Chunk(IdsPerRequest)];
        long now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        r.RequestIds = new string[chunks.Length];
        r.Frames = new byte[chunks.Length][];
        for (int k = 0; k < chunks.Length; k++)
        {
            r.RequestIds[k] = $"{_ids.Node}-{_ids.Run}-oo{r.Round}.{k}";
            r.Frames[k] = GatewayWire.OpenOrdersRequest(r.RequestIds[k], _ids.Node, k == 0 ? r.SinceMs : null, chunks[k], now);
        }
        r.Answered = new bool[chunks.Length];
        r.Sent = 0;
        if (r.Round > 1) _log.Warning("warm start: open_orders not answered yet; asking again (round {Round})", r.Round);
    }

    void OnOpenOrdersFrame(ReadOnlySpan<byte> frame)
    {
        var list = new List<GatewayOrderReport>();
        if (!GatewayWire.ParseOpenOrders(frame, out var requestId, out bool last, list))
        {
            _loop.OnUnknownGatewayMessage();
            return;
        }
        var r = _reconciliation;
        if (r is null || r.Done) return; // a late answer to a finished reconciliation
        int k = Array.IndexOf(r.RequestIds, requestId);
        if (k < 0) return; // an answer to an earlier round
        foreach (var rep in list) r.Reports[rep.Id] = rep;
        if (last) r.Answered[k] = true;
        if (Array.TrueForAll(r.Answered, a => a)) Finish(r);
    }

    void Finish(Reconciliation r)
    {
        r.Done = true;
        var s = _loop.Reconcile(r.Reports.Values, _ids, r.MaxSeqByRun, _symbols);
        _loop.Recovery.State = "done";
        _log.Warning("warm start reconciled with the gateway: {Filled} filled, {Open} still open (kept in flight), {GivenUp} cancelled/rejected (given up), {Unknown} unknown at the gateway (not resent), {Recovered} recovered from the gateway (lost from the journal in the crash); new orders released",
            s.Filled, s.StillOpen, s.GivenUp, s.UnknownIds.Count, s.RecoveredIds.Count);
        foreach (var chunk in s.UnknownIds.Chunk(100)) _log.Warning("unknown_at_gateway: {Ids}", string.Join(' ', chunk));
        foreach (var chunk in s.RecoveredIds.Chunk(100)) _log.Warning("recovered from the gateway: {Ids}", string.Join(' ', chunk));
        _recoveryJournal?.Recovery(w =>
        {
            w.WriteString("mode", "warm");
            w.WriteString("result", "reconciled");
            w.WriteNumber("filled", s.Filled);
            w.WriteNumber("open", s.StillOpen);
            w.WriteNumber("givenUp", s.GivenUp);
            w.WriteNumber("unknownAtGateway", s.UnknownIds.Count);
            w.WriteNumber("recovered", s.RecoveredIds.Count);
            w.WriteNumber("rounds", r.Round);
        });
    }

    bool OnRestoredOrderMessage(ref GatewayMessage m)
    {
        if (_loop.InFlightCount == 0 || m.Id.IsEmpty) return false;
        string id = Encoding.UTF8.GetString(m.Id);
        return m.Type switch
        {
            GatewayMessageType.Ack => _loop.OnRestoredAck(id),
            GatewayMessageType.Fill => _loop.OnRestoredFill(id, m.Qty, m.Price),
            GatewayMessageType.Reject => _loop.OnRestoredReject(id, m.Reason ?? "(no reason)"),
            _ => false,
        };
    }
}
