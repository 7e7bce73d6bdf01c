using System.Globalization;
using System.Text;
using EdgeTrader.Journal;
using EdgeTrader.KillSwitch;
using EdgeTrader.Trading;
using EdgeTrader.Transports;

namespace EdgeTrader.Session;

// Warm start: what the journal says is restored before the tick thread starts; orders of the previous run that may
// still be live are reconciled with the gateway (open_orders) on the tick thread before any new order leaves.
public sealed partial class TradingSession
{
    /// <summary>
    /// How far before the last journaled line the gateway is asked for orders this node sent: the journal loses at
    /// most the group-commit window at a crash; the margin covers that and a small wall-clock step.
    /// </summary>
    public static readonly TimeSpan DiscoveryMargin = TimeSpan.FromSeconds(2);

    Reconciliation? _reconciliation;
    long[] _journaledRuns = []; // runs the journal shows this node had: the only runs a warm start adopts orders of

    /// <summary>The warm start's reconciliation, while there is one (status, tests).</summary>
    public Reconciliation? Reconciliation => _reconciliation;

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
    public void Restore(RestoredJournal j, bool cold)
    {
        var book = Loop.Book;
        var rep = Loop.Recovery;
        rep.Journal = (j.Files, j.Lines, j.BadLines, j.TornBytesRemoved, j.Elapsed.TotalMilliseconds);
        rep.FromCheckpoint = j.FromCheckpoint;
        foreach (var note in j.Notes) _logger.Warning("journal: {Note}", note);
        if (j.Problem is not null)
        {
            _logger.Error("{Problem}; starting ENGAGED", j.Problem);
            _breaker.Engage(j.Problem, BreakerSource.Startup);
        }
        book.Restore(j.Day, j.TradesToday, j.RealizedToday, j.LossStreak, j.RealizedTodayBySymbol);
        Loop.SeedJournalPrices(j.LastPrice);
        var positions = new StringBuilder();
        for (int i = 0; i < j.Net.Length; i++)
        {
            book.RestorePosition(i, j.Net[i], j.AvgPrice[i]);
            if (j.Net[i] != 0) positions.Append(CultureInfo.InvariantCulture, $"{_symbols.Name(i)} {j.Net[i]:0.########} @ {j.AvgPrice[i]:0.#####} ");
        }
        _logger.Information("journal read {From}: {Files} file(s), {Lines} lines, {MiB:0.0} MiB in {Ms:0} ms; day {Day}: {Trades} trades, realised {Realized:0.00}, loss streak {Streak}; positions: {Positions}",
            j.FromCheckpoint is null ? "in full" : $"from the checkpoint ({j.FromCheckpoint})", j.Files, j.Lines, j.Bytes / 1048576.0, j.Elapsed.TotalMilliseconds, j.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), j.TradesToday, j.RealizedToday, j.LossStreak,
            positions.Length == 0 ? "flat" : positions.ToString().TrimEnd());

        var pending = j.Pending;
        bool crashed = !j.LastRunStoppedCleanly;
        if (cold)
        {
            rep.Mode = "cold";
            rep.State = "none";
            if (pending.Count == 0) _logger.Information("cold start: no order was in flight");
            else
            {
                long now = _time.GetUtcNow().ToUnixTimeMilliseconds();
                _logger.Warning("cold start (--cold): discarding {Count} order(s) restored as in flight, without asking the gateway; they are not resent", pending.Count);
                foreach (var chunk in pending.Select(p => p.Id).Chunk(100)) _logger.Warning("cold start: discarded {Ids}", string.Join(' ', chunk));
                foreach (var p in pending) _log.OrderEvent(OrderEventType.Discarded, p.Id, "run --cold: in-flight state discarded without reconciliation", now);
                Interlocked.Exchange(ref rep.Discarded, pending.Count);
            }
            if (crashed) _logger.Warning("cold start: the previous run did not stop cleanly; orders it sent within the journal's durability window are not looked for");
            _log.Recovery(w =>
            {
                w.WriteString("mode", "cold");
                w.WriteNumber("discarded", pending.Count);
                w.WriteBoolean("previousRunCrashed", crashed);
            });
            return;
        }
        if (_link is null)
        {
            rep.Mode = "dry-run";
            rep.State = "none";
            // Dry-run journals an order and its simulated fill in one group commit: it leaves nothing pending itself.
            if (pending.Count > 0)
            {
                _logger.Warning("dry-run: {Count} order(s) of an earlier live run are pending in the journal; dry-run has no gateway to reconcile them with, so they are left for the next live start: {Ids}",
                    pending.Count, string.Join(' ', pending.Select(p => p.Id).Take(100)));
                Interlocked.Exchange(ref rep.LeftForLive, pending.Count);
            }
            _log.Recovery(w =>
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
            _log.Recovery(w =>
            {
                w.WriteString("mode", "warm");
                w.WriteNumber("pending", 0);
                w.WriteBoolean("previousRunCrashed", crashed);
            });
            return;
        }
        Loop.RestoreInFlight(pending, holdOrders: true);
        _journaledRuns = [.. j.Runs.Union(j.MaxSeqByRun.Keys)];
        _reconciliation = new Reconciliation([.. pending.Select(p => p.Id)], j.MaxSeqByRun, since, _ids, TimeSpan.FromMilliseconds(_gateway.AckTimeoutMs), _time);
        rep.State = "reconciling";
        _logger.Warning("warm start: {Count} order(s) restored in flight{Crash}; new orders are held until the gateway answers open_orders; nothing is resent",
            pending.Count, crashed ? "; the previous run crashed, so the gateway is also asked for orders it sent within the durability window" : "");
        foreach (var chunk in pending.Select(p => p.Id).Chunk(100)) _logger.Information("warm start: in flight {Ids}", string.Join(' ', chunk));
        _log.Recovery(w =>
        {
            w.WriteString("mode", "warm");
            w.WriteNumber("pending", pending.Count);
            w.WriteBoolean("previousRunCrashed", crashed);
            if (since is { } s) w.WriteNumber("since", s);
        });
    }

    /// <summary>Sends the open_orders requests (again, each ackTimeoutMs, until answered); engages after 5 × ackTimeoutMs without an answer.</summary>
    void PumpReconciliation(long now, IGatewayLink link)
    {
        var r = _reconciliation;
        if (r is null || r.Done) return;
        bool engage = r.Pump(now, link, out bool newRound);
        if (newRound)
        {
            Interlocked.Increment(ref Loop.Recovery.Rounds);
            if (r.Round > 1) _logger.Warning("warm start: open_orders not answered yet; asking again (round {Round})", r.Round);
        }
        if (!engage) return;
        Loop.Recovery.State = "no-answer";
        string reason = $"warm start: no answer to open_orders from {_transport.Endpoints.Gateway} in {r.Waited(now).TotalSeconds:0} s; "
            + $"{r.PendingCount} order(s) of the previous run unreconciled, new orders held (still asking; or restart with --cold to give them up)";
        _logger.Error("{Reason}", reason);
        _breaker.Engage(reason, BreakerSource.Gateway);
    }

    /// <summary>One open_orders answer frame; true when it is a well-formed answer (life of the gateway), whatever round it belongs to.</summary>
    bool OnOpenOrdersFrame(ReadOnlySpan<byte> frame)
    {
        _reportScratch.Clear();
        if (!GatewayWire.ParseOpenOrders(frame, out var requestId, out bool last, _reportScratch))
        {
            Loop.OnUnknownGatewayMessage();
            return false;
        }
        var r = _reconciliation;
        if (r is not null && r.OnAnswer(requestId!, last, _reportScratch)) Finish(r);
        return true; // a late answer (earlier round, finished reconciliation) is still a gateway that answers
    }

    void Finish(Reconciliation r)
    {
        var s = Loop.Reconcile(r.Reports, _ids, r.MaxSeqByRun, _symbols, _journaledRuns);
        Loop.Recovery.State = "done";
        _logger.Warning("warm start reconciled with the gateway: {Filled} filled, {Open} still open (kept in flight), {GivenUp} cancelled/rejected (given up), {Unknown} unknown at the gateway (not resent), {Recovered} recovered from the gateway (lost from the journal in the crash); new orders released",
            s.Filled, s.StillOpen, s.GivenUp, s.UnknownIds.Count, s.RecoveredIds.Count);
        foreach (var chunk in s.UnknownIds.Chunk(100)) _logger.Warning("unknown_at_gateway: {Ids}", string.Join(' ', chunk));
        foreach (var chunk in s.RecoveredIds.Chunk(100)) _logger.Warning("recovered from the gateway: {Ids}", string.Join(' ', chunk));
        _log.Recovery(w =>
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
}
