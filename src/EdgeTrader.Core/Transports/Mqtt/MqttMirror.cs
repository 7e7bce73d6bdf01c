using System.Buffers;
using EdgeTrader.Configuration;
using EdgeTrader.Health;
using EdgeTrader.KillSwitch;
using Serilog;

namespace EdgeTrader.Transports.Mqtt;

/// <summary>
/// Mirrors the kill switch across the cluster through an MQTT broker (CONTRACT §5, docs/mqtt.md).
/// <list type="bullet">
/// <item>What a message means is decided by <see cref="KillSwitchMirrorPolicy"/> (no broker needed to test it); this
/// class is the session: one loop that connects (credentials, TLS, Last Will, persistent session), subscribes, publishes
/// this node's state after the SUBACK, waits for the connection to end and reconnects after a
/// <see cref="ReconnectBackoff"/> pause on the injected clock; link health and the isolation timer. The bytes move
/// through an <see cref="IMqttConnector"/> (MQTTnet in the daemon).</item>
/// <item>This node's state is published retained on every transition and at every (re)connect, by one publisher that
/// reads the breaker's state when it sends: the last message the broker keeps is the latest state. <c>online</c> is
/// retained true on connect, and the Last Will sets it false when the node dies.</item>
/// </list>
/// Nothing here ever blocks the breaker or a gate: a transition only wakes the publisher. Losing the broker marks the
/// MQTT link degraded and, when <c>mqtt.engageOnIsolationMs</c> &gt; 0, engages after that long.
/// </summary>
public sealed class MqttMirror : IDisposable
{
    /// <summary>At a clean stop, the longest wait for each acknowledgement (a pending state, <c>online=false</c>, the DISCONNECT).</summary>
    internal static readonly TimeSpan StopStepTimeout = TimeSpan.FromSeconds(1);

    /// <summary>How long after the SUBACK this node must hear its own state back before the session counts as established.</summary>
    internal static readonly TimeSpan HearOwnStateTimeout = TimeSpan.FromSeconds(10);

    static readonly byte[] OnlineTrue = "true"u8.ToArray();
    static readonly byte[] OnlineFalse = "false"u8.ToArray();

    readonly MqttOptions _options;
    readonly string _node;
    readonly CircuitBreaker _breaker;
    readonly HealthMonitor _health;
    readonly TimeProvider _time;
    readonly ILogger _log;
    readonly Func<MqttConnectSettings, IMqttConnector> _connectorFactory;
    readonly string _resetTopic;
    readonly string _ownStateTopic;
    readonly string _ownOnlineTopic;
    readonly string[] _filters;
    readonly SignedResetVerifier? _resetVerifier;
    readonly KillSwitchMirrorPolicy _policy;

    readonly StateSignal _stateSignal = new();
    readonly object _timerLock = new();
    readonly CancellationTokenSource _stop = new();
    readonly LogThrottle _garbageLog;

    IMqttConnector? _connector;
    TaskCompletionSource? _heardSelf;
    Task? _loop;
    ITimer? _isolationTimer;
    volatile bool _connected;
    volatile bool _disposed;
    string _lastFailure = "";

    long _engageCommands;
    long _peerStates;
    long _resetsAccepted;
    long _resetsIgnored;
    long _ignoredMessages;
    long _connects;
    long _statePublishes;
    long _republishes;
    readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _reportsByPeer = new(StringComparer.Ordinal);

    readonly System.Collections.Concurrent.ConcurrentDictionary<string, PeerReport> _lastReportByPeer = new(StringComparer.Ordinal);

    /// <summary>Readable states received from <paramref name="peer"/> since start (tests use it as a barrier).</summary>
    internal long ReportsFrom(string peer) => _reportsByPeer.GetValueOrDefault(peer);

    /// <summary>The last readable state received from <paramref name="peer"/>, once handled (tests and the benchmark).</summary>
    internal PeerReport? LastReportFrom(string peer) => _lastReportByPeer.GetValueOrDefault(peer);

    /// <summary>Times this node found its own state topic holding something else and published its state again.</summary>
    internal long Republishes => Interlocked.Read(ref _republishes);

    /// <summary>Creates the mirror over MQTTnet; nothing connects until <see cref="Start"/>. Reads the HMAC key when
    /// remote resets are allowed; an unreadable key leaves remote resets disabled (logged), never enabled without a key.</summary>
    public MqttMirror(MqttOptions options, string node, CircuitBreaker breaker, HealthMonitor health, TimeProvider time, ILogger log)
        : this(options, node, breaker, health, time, log, s => new MqttNetConnector(s))
    {
    }

    /// <summary>The same over another transport (tests: an in-memory connector on fake time).</summary>
    internal MqttMirror(MqttOptions options, string node, CircuitBreaker breaker, HealthMonitor health, TimeProvider time, ILogger log,
        Func<MqttConnectSettings, IMqttConnector> connectorFactory)
    {
        _options = options;
        _node = node;
        _breaker = breaker;
        _health = health;
        _time = time;
        _garbageLog = new LogThrottle(TimeSpan.FromSeconds(10), 10, time);
        _log = log.ForContext("SourceContext", "mqtt");
        _connectorFactory = connectorFactory;
        var p = options.TopicPrefix;
        _resetTopic = $"{p}/killswitch/reset";
        _ownStateTopic = $"{p}/nodes/{node}/state";
        _ownOnlineTopic = $"{p}/nodes/{node}/online";
        _filters = [$"{p}/killswitch/engage", _resetTopic, $"{p}/nodes/+/state"];
        ClientId = string.IsNullOrEmpty(options.ClientId) ? $"edgetrader-{node}" : options.ClientId;

        string resetDisabledBecause = "";
        if (!options.AllowRemoteReset)
        {
            resetDisabledBecause = "mqtt.allowRemoteReset is false";
        }
        else
        {
            try
            {
                var key = SignedResetVerifier.ReadKeyFile(options.HmacKeyFile);
                _resetVerifier = new SignedResetVerifier(key, p, node, TimeSpan.FromMilliseconds(options.ReplayWindowMs), time);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or ArgumentException)
            {
                resetDisabledBecause = $"mqtt.hmacKeyFile unusable: {ex.Message}";
                _log.Error("Remote resets stay disabled: {Why}", resetDisabledBecause);
            }
        }
        _policy = new KillSwitchMirrorPolicy(p, node, _resetVerifier, resetDisabledBecause);
    }

    /// <summary>The MQTT client id (stable, so the broker keeps this node's session across reconnects).</summary>
    public string ClientId { get; }

    /// <summary>True while a session is established: the broker accepted the connection and the subscriptions, and
    /// this node heard its own state back through them, so it hears its peers; false from the moment it is lost.</summary>
    public bool IsConnected => _connected;

    /// <summary>Counters since start, for status and tests.</summary>
    internal MqttMirrorCounters Counters => new(
        Interlocked.Read(ref _engageCommands), Interlocked.Read(ref _peerStates), Interlocked.Read(ref _resetsAccepted),
        Interlocked.Read(ref _resetsIgnored), Interlocked.Read(ref _ignoredMessages), Interlocked.Read(ref _connects),
        Interlocked.Read(ref _statePublishes));

    /// <summary>
    /// Starts the session loop in the background and returns at once; never waits for the broker. Throws when the
    /// password or TLS files cannot be used: configuration faults that retrying would not fix.
    /// </summary>
    public void Start()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_options.Enabled)
        {
            _health.Set(Link.Mqtt, LinkState.Unused, "disabled");
            return;
        }
        if (_loop is not null) throw new InvalidOperationException("already started");

        var settings = MqttConnectSettings.FromOptions(_options, ClientId, new MqttWill(_ownOnlineTopic, OnlineFalse, Retain: true));
        _connector = _connectorFactory(settings);
        _breaker.Subscribe(OnTransition);
        _health.Set(Link.Mqtt, LinkState.Connecting, $"connecting to {_connector.Endpoint}");
        ArmIsolationTimer();
        _log.Information("MQTT mirror starting: MQTTnet {Version}, broker {Endpoint}, client id {ClientId}, prefix {Prefix}, TLS {Tls}, remote reset {RemoteReset}",
            typeof(MQTTnet.MqttClient).Assembly.GetName().Version?.ToString(3), _connector.Endpoint, ClientId, _options.TopicPrefix,
            settings.Tls is null ? "off" : "on", _resetVerifier is not null ? "allowed (signed)" : "off");
        _loop = Task.Run(() => RunAsync(_stop.Token));
    }

    /// <summary>
    /// Clean stop: a state not yet out is sent, then <c>online=false</c> (retained), each waiting at most
    /// <see cref="StopStepTimeout"/> for its acknowledgement; then DISCONNECT, so the broker discards the Last Will.
    /// </summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        DisarmIsolationTimer();
        _stop.Cancel();
        try
        {
            _loop?.Wait(StopStepTimeout * 5);
        }
        catch (AggregateException)
        {
            // The loop reports its own failures; at stop there is nobody left to tell.
        }
        _connected = false;
    }

    // ---- the session loop: the only place that connects ----

    async Task RunAsync(CancellationToken stop)
    {
        var backoff = new ReconnectBackoff();
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await SessionAsync(_connector!, backoff, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is MqttConnectException or MqttLinkException)
            {
                ReportFailure(ex.Message);
            }
            catch (Exception ex)
            {
                // The loop must outlive anything: a dead loop would leave the node deaf without a word.
                _log.Error(ex, "MQTT session failed unexpectedly; retrying");
                ReportFailure($"session failed: {ex.Message}");
            }
            if (stop.IsCancellationRequested) break;
            try
            {
                await Task.Delay(backoff.Next(), _time, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>One connection, from CONNECT to its end (lost, failed publish, or the clean stop).</summary>
    async Task SessionAsync(IMqttConnector connector, ReconnectBackoff backoff, CancellationToken stop)
    {
        await using var c = await connector.ConnectAsync(OnMessage, stop).ConfigureAwait(false);
        Interlocked.Increment(ref _connects);
        _log.Information("MQTT connected to {Endpoint}", connector.Endpoint);
        var online = c.PublishAsync(_ownOnlineTopic, OnlineTrue, retain: true, stop);
        try
        {
            // Subscribed again at every connect even though the session persists: the broker may have lost it, and the
            // retained states it sends after the SUBACK are how a node catches up on engagements it missed while away.
            await c.SubscribeAsync(_filters, stop).ConfigureAwait(false);
        }
        catch
        {
            _ = online.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            throw;
        }
        await online.ConfigureAwait(false);

        // This node's state goes out only now, after the SUBACK: the state published at every connect is the current
        // one, and the retained states that follow the SUBACK are judged against it.
        var heardSelf = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _heardSelf, heardSelf);
        using var idle = new CancellationTokenSource();
        _stateSignal.Set();
        var publisher = PublishStatesAsync(c, idle.Token);
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (stop.Register(() => stopped.TrySetResult()))
        {
            // Established once this node hears its own state back through its subscription: the broker accepted the
            // connection and the SUBSCRIBE, and lets it read the state topics. Mosquitto grants a subscription its ACL
            // does not allow to be read and then delivers nothing: such a node would look connected and be deaf.
            using var deaf = new CancellationTokenSource();
            var hearing = Task.Delay(HearOwnStateTimeout, _time, deaf.Token);
            await Task.WhenAny(heardSelf.Task, hearing, c.Closed, publisher, stopped.Task).ConfigureAwait(false);
            deaf.Cancel();
            if (heardSelf.Task.IsCompleted && !c.Closed.IsCompleted && !publisher.IsCompleted && !stop.IsCancellationRequested)
            {
                lock (_timerLock) _connected = true;
                DisarmIsolationTimer();
                backoff.Reset();
                _lastFailure = "";
                _health.Set(Link.Mqtt, LinkState.Up, $"connected to {connector.Endpoint}");
                await Task.WhenAny(c.Closed, publisher, stopped.Task).ConfigureAwait(false);
            }
        }

        if (stop.IsCancellationRequested)
        {
            await StopCleanlyAsync(c, publisher, idle).ConfigureAwait(false);
            return;
        }
        lock (_timerLock) _connected = false;
        idle.Cancel();
        string why = c.Closed.IsCompleted ? c.Closed.Result
            : publisher.IsFaulted ? publisher.Exception?.InnerException?.Message ?? "the state publisher failed"
            : $"connected to {connector.Endpoint}, but this node does not hear its own state back within {HearOwnStateTimeout.TotalSeconds:0} s: " +
              $"the broker does not let it read {_filters[2]} (ACL)";
        await c.DisposeAsync().ConfigureAwait(false); // fails a publish still waiting for its PUBACK
        try
        {
            await publisher.ConfigureAwait(false);
        }
        catch (MqttLinkException)
        {
            // Its failure is the reason reported below (or the connection's loss is).
        }
        ReportFailure(why);
    }

    /// <summary>Each step is bounded and tried even when the one before failed: a broker that stopped acknowledging
    /// still gets the last state and <c>online=false</c> sent.</summary>
    async Task StopCleanlyAsync(IMqttConnection c, Task publisher, CancellationTokenSource idle)
    {
        idle.Cancel();
        await StopStep("the state being sent", _ => publisher.WaitAsync(StopStepTimeout)).ConfigureAwait(false);
        // A transition that came after the publisher's last send (or while that send hangs) still goes out.
        if (_stateSignal.TryTake()) await StopStep("the last state", t => PublishStateAsync(c, t)).ConfigureAwait(false);
        await StopStep("online=false", t => c.PublishAsync(_ownOnlineTopic, OnlineFalse, retain: true, t)).ConfigureAwait(false);
        lock (_timerLock) _connected = false;
        using var d = new CancellationTokenSource(StopStepTimeout);
        await c.CloseAsync(d.Token).ConfigureAwait(false);
    }

    async Task StopStep(string what, Func<CancellationToken, Task> step)
    {
        using var t = new CancellationTokenSource(StopStepTimeout);
        try
        {
            await step(t.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is MqttLinkException or TimeoutException or OperationCanceledException)
        {
            _log.Warning("MQTT clean stop: {What} not acknowledged: {Why}", what, ex.Message);
        }
    }

    // ---- breaker → broker ----

    void OnTransition(BreakerTransition t)
    {
        if (!_disposed) _stateSignal.Set();
    }

    async Task PublishStatesAsync(IMqttConnection c, CancellationToken idle)
    {
        // Not cancelled by the stop: a state being sent is let finish (the connection's own timeout bounds it).
        while (await _stateSignal.TakeAsync(idle).ConfigureAwait(false))
        {
            await PublishStateAsync(c, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Publishes the breaker's state as it is now, not as a transition saw it: with one publisher that reads the current
    /// state for every send, the last message the broker retains is the latest state, whatever the thread interleaving.
    /// A failed send leaves the mark set for the next connection (which publishes at its SUBACK anyway).
    /// </summary>
    async Task PublishStateAsync(IMqttConnection c, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        BreakerStateCodec.WritePeerPayload(buffer, _breaker.State, _time.GetUtcNow());
        try
        {
            await c.PublishAsync(_ownStateTopic, buffer.WrittenMemory, retain: true, cancellationToken).ConfigureAwait(false);
        }
        catch (MqttLinkException ex)
        {
            _stateSignal.Set();
            throw new MqttLinkException($"publishing this node's state failed: {ex.Message}", ex);
        }
        Interlocked.Increment(ref _statePublishes);
    }

    void ReportFailure(string detail)
    {
        ArmIsolationTimer(); // first: whoever sees the link degraded sees the isolation countdown already running
        _health.Set(Link.Mqtt, LinkState.Degraded, detail);
        if (detail != _lastFailure)
        {
            _lastFailure = detail; // retries repeat the same failure every few seconds: log each kind once
            _log.Warning("MQTT link degraded: {Detail}", detail);
        }
    }

    // ---- broker → breaker (the connection's receive task, one message at a time) ----

    void OnMessage(string topic, ReadOnlySpan<byte> payload, bool retained)
    {
        if (_disposed) return;
        try
        {
            Handle(topic, payload, retained);
        }
        catch (Exception ex)
        {
            _log.Error(ex, "MQTT message on {Topic} could not be handled; it was dropped", topic);
        }
    }

    void Handle(string topic, ReadOnlySpan<byte> payload, bool retained)
    {
        var action = _policy.Decide(topic, payload);
        // Heard back only as a live message (retain flag 0: MQTT 3.1.1 §3.3.1.3): a retained copy delivered at the SUBACK
        // may predate a lost write right, and proves the node can read, not that its publishes reach the cluster.
        if (action is MirrorAction.OwnState && !retained) Volatile.Read(ref _heardSelf)?.TrySetResult();
        if (action is MirrorAction.Ignore { Quiet: true } quiet && !quiet.Counted) return;
        switch (action)
        {
            case MirrorAction.EngageCommand: Interlocked.Increment(ref _engageCommands); break;
            case MirrorAction.PeerState ps:
                Interlocked.Increment(ref _peerStates);
                _reportsByPeer.AddOrUpdate(ps.Report.Publisher, 1, (_, n) => n + 1);
                break;
        }
        var before = _breaker.State;
        var outcome = KillSwitchMirrorPolicy.Apply(action, _breaker, out var detail);
        var after = _breaker.State;
        if (action is MirrorAction.PeerState handled) _lastReportByPeer[handled.Report.Publisher] = handled.Report;
        switch (outcome)
        {
            case MirrorOutcome.Engaged:
            case MirrorOutcome.Renewed:
                _log.Warning("{What} by MQTT command: {Reason} (engagement {Engagement})",
                    outcome == MirrorOutcome.Renewed ? "Engagement renewed" : "Engaged", after.Reason, after.Engagement?.ToString());
                break;
            case MirrorOutcome.PeerEngaged:
                _log.Warning("Engaged by a peer: {Reason} (engagement {Engagement})", after.Reason, after.Engagement?.ToString());
                break;
            case MirrorOutcome.Republish:
                Interlocked.Increment(ref _republishes);
                if (_garbageLog.Allow()) _log.Warning("This node's state topic holds a state it did not publish last; publishing the current one again");
                _stateSignal.Set();
                break;
            case MirrorOutcome.ResetDone:
                Interlocked.Increment(ref _resetsAccepted);
                if (before.IsEngaged) _log.Warning("Reset by a signed MQTT command: {Reason}", after.Reason);
                break;
            case MirrorOutcome.ResetRefused:
                Interlocked.Increment(ref _resetsIgnored);
                _log.Warning("Signed remote reset refused: {Why}", detail);
                break;
            case MirrorOutcome.Ignored:
                if (topic == _resetTopic) Interlocked.Increment(ref _resetsIgnored);
                else Interlocked.Increment(ref _ignoredMessages);
                if (action is MirrorAction.Ignore { Quiet: false } && _garbageLog.Allow()) _log.Warning("Ignored: {Detail}", detail);
                break;
        }
    }

    // ---- isolation ----

    void ArmIsolationTimer()
    {
        if (_options.EngageOnIsolationMs <= 0) return;
        lock (_timerLock)
        {
            if (_disposed || _connected || _isolationTimer is not null) return;
            _isolationTimer = _time.CreateTimer(OnIsolated, null, TimeSpan.FromMilliseconds(_options.EngageOnIsolationMs), Timeout.InfiniteTimeSpan);
        }
    }

    void DisarmIsolationTimer()
    {
        lock (_timerLock)
        {
            _isolationTimer?.Dispose();
            _isolationTimer = null;
        }
    }

    void OnIsolated(object? _)
    {
        lock (_timerLock)
        {
            if (_disposed || _connected || _isolationTimer is null) return;
        }
        var state = _breaker.Engage($"cut off from the MQTT broker for {_options.EngageOnIsolationMs} ms", BreakerSource.Mqtt);
        _log.Warning("Engaged: cut off from the MQTT broker {Endpoint} for {Ms} ms (engagement {Engagement})",
            _connector?.Endpoint, _options.EngageOnIsolationMs, state.Engagement?.ToString());
    }
}

/// <summary>What the mirror has handled since start.</summary>
internal readonly record struct MqttMirrorCounters(
    long EngageCommands, long PeerStates, long ResetsAccepted, long ResetsIgnored, long IgnoredMessages, long Connects, long StatePublishes);
