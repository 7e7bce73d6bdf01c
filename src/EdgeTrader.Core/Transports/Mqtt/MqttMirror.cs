using System.Buffers;
using EdgeTrader.Configuration;
using EdgeTrader.Health;
using EdgeTrader.Interop.Mosquitto;
using EdgeTrader.KillSwitch;
using Serilog;

namespace EdgeTrader.Transports.Mqtt;

/// <summary>
/// Mirrors the kill switch across the cluster through an MQTT broker (CONTRACT §5, docs/mqtt.md), over libmosquitto.
/// <list type="bullet">
/// <item>What a message means is decided by <see cref="KillSwitchMirrorPolicy"/> (no broker needed to test it); this
/// class is the session: connect, credentials/TLS, will, resubscribe, SUBACK-gated publish, clean offline, link
/// health and the isolation timer.</item>
/// <item>This node's state is published retained on every transition and at every (re)connect; <c>online</c> is
/// retained true on connect, and the Last Will sets it false when the node dies.</item>
/// </list>
/// Nothing here ever blocks the breaker or a gate: publishing only queues in libmosquitto, whose network thread sends.
/// Losing the broker marks the MQTT link degraded and, when <c>mqtt.engageOnIsolationMs</c> &gt; 0, engages after that long.
/// </summary>
public sealed class MqttMirror : IDisposable, IMosquittoListener
{
    const int QoS = 1;

    readonly MqttOptions _options;
    readonly string _node;
    readonly CircuitBreaker _breaker;
    readonly HealthMonitor _health;
    readonly TimeProvider _time;
    readonly ILogger _log;
    readonly string _engageTopic;
    readonly string _resetTopic;
    readonly string _statesFilter;
    readonly string _ownStateTopic;
    readonly string _ownOnlineTopic;
    readonly SignedResetVerifier? _resetVerifier;
    readonly KillSwitchMirrorPolicy _policy;

    readonly object _publishLock = new();
    readonly ArrayBufferWriter<byte> _stateBuffer = new(512);
    readonly object _timerLock = new();
    readonly ManualResetEventSlim _offlineAcked = new(false);
    readonly LogThrottle _garbageLog = new(TimeSpan.FromSeconds(10), 10);

    MosquittoClient? _client;
    ITimer? _isolationTimer;
    bool _publishEnabled;
    volatile bool _connected;
    volatile bool _disposed;
    int _lastSubscribeMid = -1;
    int _offlineMid = -1;
    int _lastAckedMid = -1;
    string _lastFailure = "";
    string _lastLibraryMessage = "";

    long _engageCommands;
    long _peerStates;
    long _resetsAccepted;
    long _resetsIgnored;
    long _ignoredMessages;
    long _connects;
    long _statePublishes;
    long _republishes;
    readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _reportsByPeer = new(StringComparer.Ordinal);

    /// <summary>Readable states received from <paramref name="peer"/> since start (tests use it as a barrier).</summary>
    internal long ReportsFrom(string peer) => _reportsByPeer.GetValueOrDefault(peer);

    /// <summary>Times this node found its own state topic holding something else and published its state again.</summary>
    internal long Republishes => Interlocked.Read(ref _republishes);

    /// <summary>Creates the mirror; nothing connects until <see cref="Start"/>. Reads the HMAC key when remote resets are
    /// allowed; an unreadable key leaves remote resets disabled (logged), never enabled without a key.</summary>
    public MqttMirror(MqttOptions options, string node, CircuitBreaker breaker, HealthMonitor health, TimeProvider time, ILogger log)
    {
        _options = options;
        _node = node;
        _breaker = breaker;
        _health = health;
        _time = time;
        _log = log.ForContext("SourceContext", "mqtt");
        var p = options.TopicPrefix;
        _engageTopic = $"{p}/killswitch/engage";
        _resetTopic = $"{p}/killswitch/reset";
        _statesFilter = $"{p}/nodes/+/state";
        _ownStateTopic = $"{p}/nodes/{node}/state";
        _ownOnlineTopic = $"{p}/nodes/{node}/online";
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

    /// <summary>True while connected to the broker (CONNACK accepted, not yet lost).</summary>
    public bool IsConnected => _connected;

    /// <summary>Counters since start, for status and tests.</summary>
    internal MqttMirrorCounters Counters => new(
        Interlocked.Read(ref _engageCommands), Interlocked.Read(ref _peerStates), Interlocked.Read(ref _resetsAccepted),
        Interlocked.Read(ref _resetsIgnored), Interlocked.Read(ref _ignoredMessages), Interlocked.Read(ref _connects),
        Interlocked.Read(ref _statePublishes));

    /// <summary>The libmosquitto client, for tests that cut its socket.</summary>
    internal MosquittoClient? Client => _client;

    /// <summary>
    /// Starts connecting in the background and returns at once; never blocks on the broker. Throws when libmosquitto is
    /// missing (naming the package to install) or when the TLS/credential files cannot be used: configuration faults
    /// that retrying would not fix.
    /// </summary>
    public void Start()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_options.Enabled)
        {
            _health.Set(Link.Mqtt, LinkState.Unused, "disabled");
            return;
        }
        if (_client is not null) throw new InvalidOperationException("already started");

        var version = LibMosquitto.EnsureAvailable();
        var client = new MosquittoClient(ClientId, cleanSession: false, this);
        try
        {
            if (_options.Username.Length > 0) client.SetCredentials(_options.Username, ReadPassword());
            if (_options.CaFile.Length > 0 || _options.CertFile.Length > 0)
            {
                client.SetTls(
                    _options.CaFile.Length > 0 ? _options.CaFile : null,
                    _options.CaFile.Length > 0 ? null : "/etc/ssl/certs",
                    _options.CertFile.Length > 0 ? _options.CertFile : null,
                    _options.KeyFile.Length > 0 ? _options.KeyFile : null);
            }
            client.SetWill(_ownOnlineTopic, "false"u8, QoS, retain: true);
            client.SetReconnectDelay(1, 5, exponential: true);
        }
        catch
        {
            client.Dispose();
            throw;
        }
        _client = client;
        _breaker.Subscribe(OnTransition);
        _health.Set(Link.Mqtt, LinkState.Connecting, $"connecting to {_options.Host}:{_options.Port}");
        ArmIsolationTimer();
        _log.Information("MQTT mirror starting: libmosquitto {Version}, broker {Host}:{Port}, client id {ClientId}, prefix {Prefix}, TLS {Tls}, remote reset {RemoteReset}",
            version, _options.Host, _options.Port, ClientId, _options.TopicPrefix,
            _options.CaFile.Length > 0 || _options.CertFile.Length > 0 ? "on" : "off",
            _resetVerifier is not null ? "allowed (signed)" : "off");
        client.Start(_options.Host, _options.Port, _options.KeepAliveSeconds, "mqtt-net");
    }

    /// <summary>
    /// Publishes <c>online=false</c> (retained) when connected, then disconnects cleanly (no Last Will) and frees the
    /// client. Waits at most about a second for the broker's acknowledgement.
    /// </summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        DisarmIsolationTimer();
        var client = _client;
        if (client is null) return;
        if (_connected)
        {
            try
            {
                if (client.Publish(_ownOnlineTopic, "false"u8, QoS, retain: true, out var mid) == LibMosquitto.MOSQ_ERR_SUCCESS)
                {
                    Volatile.Write(ref _offlineMid, mid);
                    // The PUBACK may already have come before the mid was recorded.
                    if (Volatile.Read(ref _lastAckedMid) != mid) _offlineAcked.Wait(TimeSpan.FromSeconds(1));
                }
            }
            catch (ObjectDisposedException) { }
        }
        lock (_publishLock) _publishEnabled = false;
        client.Dispose();
        _connected = false;
    }

    string? ReadPassword()
    {
        if (_options.PasswordFile.Length == 0) return null;
        try
        {
            return (File.ReadLines(_options.PasswordFile).FirstOrDefault() ?? "").TrimEnd('\r', '\n');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"mqtt.passwordFile: cannot read {_options.PasswordFile}: {ex.Message}", ex);
        }
    }

    // ---- breaker → broker ----

    void OnTransition(BreakerTransition t)
    {
        if (_disposed) return;
        lock (_publishLock)
        {
            if (_publishEnabled) PublishStateLocked();
        }
    }

    /// <summary>
    /// Publishes the breaker's state as it is now, not as a transition saw it: with every publish reading the current
    /// state under one lock, the last message the broker retains is the latest state, whatever the thread interleaving.
    /// </summary>
    void PublishStateLocked()
    {
        var client = _client;
        if (client is null) return;
        _stateBuffer.ResetWrittenCount();
        BreakerStateCodec.WritePeerPayload(_stateBuffer, _breaker.State, _time.GetUtcNow());
        int rc;
        try
        {
            rc = client.Publish(_ownStateTopic, _stateBuffer.WrittenSpan, QoS, retain: true, out _);
        }
        catch (ObjectDisposedException)
        {
            return;
        }
        if (rc == LibMosquitto.MOSQ_ERR_SUCCESS) Interlocked.Increment(ref _statePublishes);
        else _log.Warning("Publishing this node's state failed: {Error}; it is published again at the next connect", LibMosquitto.Describe(rc));
    }

    // ---- libmosquitto events (network thread) ----

    void IMosquittoListener.OnConnect(int rc)
    {
        if (rc != 0)
        {
            var why = LibMosquitto.DescribeConnack(rc);
            ReportFailure($"broker refused the connection: {why}");
            return;
        }
        Interlocked.Increment(ref _connects);
        _connected = true;
        _lastFailure = "";
        DisarmIsolationTimer();
        _health.Set(Link.Mqtt, LinkState.Up, $"connected to {_options.Host}:{_options.Port}");
        _log.Information("MQTT connected to {Host}:{Port}", _options.Host, _options.Port);
        var client = _client!;
        client.Publish(_ownOnlineTopic, "true"u8, QoS, retain: true, out _);
        // Subscribed again at every connect: the broker may have lost the session, and the retained states it then
        // sends are how a node catches up on engagements it missed while away.
        client.Subscribe(_engageTopic, QoS, out _);
        client.Subscribe(_resetTopic, QoS, out _);
        client.Subscribe(_statesFilter, QoS, out var lastMid);
        Volatile.Write(ref _lastSubscribeMid, lastMid);
    }

    void IMosquittoListener.OnSubscribe(int mid)
    {
        if (mid != Volatile.Read(ref _lastSubscribeMid)) return;
        // Our state goes out only after the SUBACK: libmosquitto resends unacknowledged publishes from before the
        // outage right after CONNACK, and those must not land after (and overwrite) the current state.
        lock (_publishLock)
        {
            if (_disposed) return;
            _publishEnabled = true;
            PublishStateLocked();
        }
    }

    void IMosquittoListener.OnDisconnect(int rc)
    {
        lock (_publishLock) _publishEnabled = false;
        _connected = false;
        if (_disposed) return;
        // After a refused CONNACK the refusal ("not authorised") is the useful detail, not "connection refused".
        if (rc == LibMosquitto.MOSQ_ERR_CONN_REFUSED && _lastFailure.StartsWith("broker refused", StringComparison.Ordinal)) return;
        ReportFailure(rc == 0 ? "disconnected" : $"connection lost: {LibMosquitto.Describe(rc)}");
    }

    void IMosquittoListener.OnConnectFailed(int rc, string error)
    {
        if (_disposed) return;
        ReportFailure($"cannot connect to {_options.Host}:{_options.Port}: {error}");
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

    void IMosquittoListener.OnPublish(int mid)
    {
        Volatile.Write(ref _lastAckedMid, mid);
        if (mid == Volatile.Read(ref _offlineMid)) _offlineAcked.Set();
    }

    void IMosquittoListener.OnLog(int level, string message)
    {
        if (_disposed) return;
        // Warnings and errors (e.g. an OpenSSL verification failure) once each; a retry loop repeats them every few seconds.
        if (message != _lastLibraryMessage)
        {
            _lastLibraryMessage = message;
            _log.Warning("libmosquitto: {Message}", message);
        }
        else
        {
            _log.Debug("libmosquitto: {Message}", message);
        }
    }

    void IMosquittoListener.OnCallbackFailed(Exception exception) =>
        _log.Error(exception, "MQTT callback failed; the message was dropped");

    void IMosquittoListener.OnMessage(string topic, ReadOnlySpan<byte> payload, bool retained)
    {
        if (_disposed) return;
        var action = _policy.Decide(topic, payload);
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
                lock (_publishLock)
                {
                    if (_publishEnabled && !_disposed) PublishStateLocked();
                }
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
        _log.Warning("Engaged: cut off from the MQTT broker {Host}:{Port} for {Ms} ms (engagement {Engagement})",
            _options.Host, _options.Port, _options.EngageOnIsolationMs, state.Engagement?.ToString());
    }
}

/// <summary>What the mirror has handled since start.</summary>
internal readonly record struct MqttMirrorCounters(
    long EngageCommands, long PeerStates, long ResetsAccepted, long ResetsIgnored, long IgnoredMessages, long Connects, long StatePublishes);

/// <summary>Lets through at most <c>max</c> log lines per period, so a flood of garbage cannot flood the log.</summary>
internal sealed class LogThrottle(TimeSpan period, int max)
{
    readonly object _lock = new();
    long _windowStart = Environment.TickCount64;
    int _count;

    /// <summary>True when this line may be logged.</summary>
    public bool Allow()
    {
        lock (_lock)
        {
            long now = Environment.TickCount64;
            if (now - _windowStart > (long)period.TotalMilliseconds)
            {
                _windowStart = now;
                _count = 0;
            }
            return ++_count <= max;
        }
    }
}
