using EdgeTrader.Trading;
using EdgeTrader.Transports;

namespace EdgeTrader.Session;

/// <summary>
/// A warm start's questions to the gateway (docs/contract.md, open_orders): the orders the journal shows in flight,
/// and, after a crash, every order of this node the gateway received since shortly before the journal's last line.
/// A round is one set of request frames (256 ids each); a round not answered within ackTimeoutMs is asked again
/// (a state request only: asking again is harmless). No answer within 5 × ackTimeoutMs of the first attempt is an
/// engagement (source gateway): new orders stay held and the questions go on. Tick thread only.
/// </summary>
public sealed class Reconciliation
{
    /// <summary>Order ids per open_orders request frame.</summary>
    public const int IdsPerRequest = 256;

    /// <summary>Rounds without an answer, counted in ack timeouts, before the no-answer engagement.</summary>
    public const int NoAnswerAfterTimeouts = 5;

    readonly string[] _pendingIds;
    readonly long? _sinceMs;
    readonly OrderIds _ids;
    readonly TimeProvider _time;
    readonly TimeSpan _retry;
    readonly Dictionary<string, GatewayOrderReport> _reports = new(StringComparer.Ordinal);
    string[] _requestIds = [];
    byte[][]? _frames;
    bool[] _answered = [];
    int _sent;
    long _firstAttemptTs;
    long _roundSentTs;

    /// <summary>Questions about <paramref name="pendingIds"/> (and, with <paramref name="sinceMs"/>, orders sent since then), asked again every <paramref name="retry"/>.</summary>
    public Reconciliation(IReadOnlyList<string> pendingIds, IReadOnlyDictionary<long, long> maxSeqByRun, long? sinceMs, OrderIds ids, TimeSpan retry, TimeProvider time)
    {
        _pendingIds = [.. pendingIds];
        MaxSeqByRun = maxSeqByRun;
        _sinceMs = sinceMs;
        _ids = ids;
        _retry = retry;
        _time = time;
    }

    /// <summary>Highest seq the journal holds per run (orders above it were lost from the journal in a crash).</summary>
    public IReadOnlyDictionary<long, long> MaxSeqByRun { get; }

    /// <summary>Orders the journal shows in flight.</summary>
    public int PendingCount => _pendingIds.Length;

    /// <summary>Rounds started so far.</summary>
    public int Round { get; private set; }

    /// <summary>True once every frame of a round was answered (its last part).</summary>
    public bool Done { get; private set; }

    /// <summary>True once the no-answer engagement was made (it is made once).</summary>
    public bool GaveUpWaiting { get; private set; }

    /// <summary>What the gateway reported in the answered round.</summary>
    public IReadOnlyCollection<GatewayOrderReport> Reports => _reports.Values;

    /// <summary>
    /// Sends what is due on <paramref name="link"/> (a new round when the last one went unanswered for the retry
    /// period; frames the link refused, once it takes them). Returns true the moment the no-answer limit is reached
    /// (once): the caller engages.
    /// </summary>
    public bool Pump(long now, IGatewayLink link, out bool newRound)
    {
        newRound = false;
        if (Done) return false;
        if (_firstAttemptTs == 0) _firstAttemptTs = now;
        if (_frames is null || (_sent == _frames.Length && _time.GetElapsedTime(_roundSentTs, now) >= _retry))
        {
            NewRound();
            newRound = true;
        }
        while (_sent < _frames!.Length)
        {
            if (!link.TrySend(_frames[_sent])) break; // not connected yet: next turn
            _sent++;
            if (_sent == _frames.Length) _roundSentTs = now;
        }
        if (GaveUpWaiting || _time.GetElapsedTime(_firstAttemptTs, now) < _retry * NoAnswerAfterTimeouts) return false;
        GaveUpWaiting = true;
        return true;
    }

    /// <summary>How long since the first request.</summary>
    public TimeSpan Waited(long now) => _firstAttemptTs == 0 ? TimeSpan.Zero : _time.GetElapsedTime(_firstAttemptTs, now);

    void NewRound()
    {
        Round++;
        _reports.Clear();
        string[][] chunks = _pendingIds.Length == 0 ? [[]] : [.. _pendingIds.Chunk(IdsPerRequest)];
        long nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        _requestIds = new string[chunks.Length];
        _frames = new byte[chunks.Length][];
        for (int k = 0; k < chunks.Length; k++)
        {
            _requestIds[k] = $"{_ids.Node}-{_ids.Run}-oo{Round}.{k}";
            _frames[k] = GatewayWire.OpenOrdersRequest(_requestIds[k], _ids.Node, k == 0 ? _sinceMs : null, chunks[k], nowMs);
        }
        _answered = new bool[chunks.Length];
        _sent = 0;
    }

    /// <summary>
    /// One part of an answer. Parts of another round (late answers) or of a finished reconciliation are ignored.
    /// Returns true when this part completed the round: <see cref="Done"/>, <see cref="Reports"/> hold the answer.
    /// </summary>
    public bool OnAnswer(string requestId, bool last, IReadOnlyList<GatewayOrderReport> orders)
    {
        if (Done) return false;
        int k = Array.IndexOf(_requestIds, requestId);
        if (k < 0) return false;
        foreach (var rep in orders) _reports[rep.Id] = rep;
        if (last) _answered[k] = true;
        if (!Array.TrueForAll(_answered, a => a)) return false;
        Done = true;
        return true;
    }
}
