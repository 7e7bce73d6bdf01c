using System.Collections.Concurrent;
using System.Text;
using System.Threading.Channels;
using EdgeTrader.Transports.Mqtt;

namespace EdgeTrader.Tests.Transports.Mqtt.Support;

/// <summary>
/// An in-memory <see cref="IMqttConnector"/> for the session's rules without a broker: each connection attempt waits
/// for the test to accept or refuse it; an accepted connection records every operation in order (<see cref="Ops"/>)
/// and acknowledges as the test says.
/// </summary>
internal sealed class FakeMqttConnector(MqttConnectSettings settings, TimeProvider time) : IMqttConnector
{
    readonly Channel<Attempt> _attempts = Channel.CreateUnbounded<Attempt>();
    int _count;

    public MqttConnectSettings Settings { get; } = settings;

    public string Endpoint => $"{Settings.Host}:{Settings.Port}";

    /// <summary>Connection attempts so far.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Every operation on every connection, in order: "connect", "publish TOPIC PAYLOAD", "suback", "close", "drop".</summary>
    public ConcurrentQueue<string> Ops { get; } = new();

    public Task<IMqttConnection> ConnectAsync(MqttMessageHandler onMessage, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _count);
        var a = new Attempt(this, onMessage, time.GetUtcNow());
        Ops.Enqueue("connect");
        _attempts.Writer.TryWrite(a);
        return a.Result.Task.WaitAsync(cancellationToken);
    }

    /// <summary>The next connection attempt (waits for it, with a deadline).</summary>
    public async Task<Attempt> NextAttempt(int timeoutMs = 10_000)
    {
        using var cts = new CancellationTokenSource(timeoutMs);
        return await _attempts.Reader.ReadAsync(cts.Token);
    }

    /// <summary>One connection attempt, answered by the test.</summary>
    internal sealed class Attempt(FakeMqttConnector owner, MqttMessageHandler onMessage, DateTimeOffset at)
    {
        public TaskCompletionSource<IMqttConnection> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>When (on the session's clock) the attempt was made.</summary>
        public DateTimeOffset At { get; } = at;

        public void Refuse(string why, bool byBroker = true) => Result.SetException(new MqttConnectException(why, byBroker));

        /// <summary>CONNACK accepted; <paramref name="holdSubAck"/> keeps the SUBACK back until <see cref="FakeConnection.AckSubscribe"/>.</summary>
        public FakeConnection Accept(bool holdSubAck = false)
        {
            var c = new FakeConnection(owner, onMessage, holdSubAck);
            Result.SetResult(c);
            return c;
        }
    }

    /// <summary>One accepted connection.</summary>
    internal sealed class FakeConnection(FakeMqttConnector owner, MqttMessageHandler onMessage, bool holdSubAck) : IMqttConnection
    {
        readonly TaskCompletionSource _subAck = NewAck(!holdSubAck);
        readonly TaskCompletionSource<string> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        volatile TaskCompletionSource _pubAcks = NewAck(true);
        Exception? _subscribeFailure;

        public ConcurrentQueue<string> Filters { get; } = new();

        /// <summary>False: the broker does not deliver to this client what it subscribed to (an ACL without read rights).</summary>
        public bool Echo { get; set; } = true;

        static bool Matches(string filter, string topic)
        {
            var f = filter.Split('/');
            var t = topic.Split('/');
            for (int i = 0; i < f.Length; i++)
            {
                if (f[i] == "#") return true;
                if (i >= t.Length || (f[i] != "+" && f[i] != t[i])) return false;
            }
            return f.Length == t.Length;
        }

        static TaskCompletionSource NewAck(bool done)
        {
            var t = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (done) t.SetResult();
            return t;
        }

        public Task<string> Closed => _closed.Task;

        /// <summary>The broker delivers a message (on the caller's thread, as the receive task would).</summary>
        public void Deliver(string topic, string payload, bool retained = false) => onMessage(topic, Encoding.UTF8.GetBytes(payload), retained);

        public void AckSubscribe() => _subAck.TrySetResult();

        /// <summary>The SUBACK refuses a filter.</summary>
        public void RefuseSubscribe(string why)
        {
            _subscribeFailure = new MqttLinkException(why);
            _subAck.TrySetResult();
        }

        /// <summary>PUBACKs wait until <see cref="ReleasePubAcks"/>.</summary>
        public void HoldPubAcks() => _pubAcks = NewAck(false);

        public void ReleasePubAcks() => _pubAcks.TrySetResult();

        readonly ConcurrentQueue<TaskCompletionSource> _heldOnce = new();

        /// <summary>The next publish's PUBACK waits until the returned source is completed; later ones do not.</summary>
        public TaskCompletionSource HoldNextPubAck()
        {
            var t = NewAck(false);
            _heldOnce.Enqueue(t);
            return t;
        }

        /// <summary>The connection is lost (the session must notice through <see cref="Closed"/> alone).</summary>
        public void Lose(string why) => _closed.TrySetResult(why);

        public async Task SubscribeAsync(IReadOnlyList<string> filters, CancellationToken cancellationToken)
        {
            foreach (var f in filters) Filters.Enqueue(f);
            owner.Ops.Enqueue($"subscribe {string.Join(' ', filters)}");
            await _subAck.Task.WaitAsync(cancellationToken);
            if (_subscribeFailure is { } ex) throw ex;
            owner.Ops.Enqueue("suback");
        }

        public async Task PublishAsync(string topic, ReadOnlyMemory<byte> payload, bool retain, CancellationToken cancellationToken)
        {
            if (_closed.Task.IsCompleted) throw new MqttLinkException("not connected");
            owner.Ops.Enqueue($"publish {topic} {Encoding.UTF8.GetString(payload.Span)}");
            // As the broker does: a client subscribed to what it publishes gets it back.
            if (Echo && Filters.Any(f => Matches(f, topic))) onMessage(topic, payload.Span, false);
            var ack = _heldOnce.TryDequeue(out var once) ? once.Task : _pubAcks.Task;
            await Task.WhenAny(ack, _closed.Task).WaitAsync(cancellationToken);
            if (_closed.Task.IsCompleted) throw new MqttLinkException("connection lost before the PUBACK");
        }

        public Task CloseAsync(CancellationToken cancellationToken)
        {
            owner.Ops.Enqueue("close");
            _closed.TrySetResult("disconnected");
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            // "drop": disposed while open (no DISCONNECT, the will fires); "dispose": freed after it ended.
            owner.Ops.Enqueue(_closed.TrySetResult("dropped") ? "drop" : "dispose");
            return ValueTask.CompletedTask;
        }
    }
}

/// <summary>
/// A <see cref="TimeProvider"/> over a fake clock that tells the test each timer created on it, so a test can wait
/// until the session is parked in its backoff pause and then move time exactly to the end of it.
/// </summary>
internal sealed class WatchedClock(Microsoft.Extensions.Time.Testing.FakeTimeProvider inner) : TimeProvider
{
    readonly Channel<TimeSpan> _timers = Channel.CreateUnbounded<TimeSpan>();

    public Microsoft.Extensions.Time.Testing.FakeTimeProvider Fake { get; } = inner;

    public override DateTimeOffset GetUtcNow() => Fake.GetUtcNow();
    public override long GetTimestamp() => Fake.GetTimestamp();
    public override long TimestampFrequency => Fake.TimestampFrequency;
    public override TimeZoneInfo LocalTimeZone => Fake.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        // Created before it is announced: a test that advances the clock on the announcement must find it armed.
        var timer = Fake.CreateTimer(callback, state, dueTime, period);
        _timers.Writer.TryWrite(dueTime);
        return timer;
    }

    /// <summary>The due time of the next timer created (waits for it, with a deadline).</summary>
    public async Task<TimeSpan> NextTimer(int timeoutMs = 10_000)
    {
        using var cts = new CancellationTokenSource(timeoutMs);
        return await _timers.Reader.ReadAsync(cts.Token);
    }

    public void Advance(TimeSpan by) => Fake.Advance(by);
}
