using System.Collections.Concurrent;
using System.Text;

namespace EdgeTrader.Transports.InMemory;

/// <summary>
/// The transports in memory, for unit tests and in-process runs: a <see cref="InMemoryTickFeed"/> a test publishes
/// into, a <see cref="InMemoryGatewayLink"/> whose far end a test plays, and a wait on one event. Same contract as the
/// ZeroMQ transport (the contract tests run against both).
/// </summary>
public sealed class InMemoryTransport : ITradingTransport
{
    readonly AutoResetEvent _signal = new(false);
    volatile bool _woken;
    volatile bool _closed;

    /// <summary>A transport with a gateway link, or without one (<paramref name="withGateway"/> false: dry-run).</summary>
    public InMemoryTransport(bool withGateway = true)
    {
        Feed = new InMemoryTickFeed(_signal);
        Link = withGateway ? new InMemoryGatewayLink(_signal) : null;
    }

    /// <summary>The feed (publish ticks here).</summary>
    public InMemoryTickFeed Feed { get; }

    /// <summary>The link (the gateway's end: <see cref="InMemoryGatewayLink.Reply(string)"/>, <see cref="InMemoryGatewayLink.Sent"/>), or null in dry-run.</summary>
    public InMemoryGatewayLink? Link { get; }

    /// <summary>Times <see cref="Open"/> ran.</summary>
    public int Opened { get; private set; }

    /// <inheritdoc/>
    public ITickFeed Ticks => Feed;

    /// <inheritdoc/>
    public IGatewayLink? Gateway => Link;

    /// <inheritdoc/>
    public (string Ticks, string? Gateway) Endpoints => ("inmemory://ticks", Link is null ? null : "inmemory://gateway");

    /// <inheritdoc/>
    public void Open() => Opened++;

    /// <inheritdoc/>
    public Readiness Wait(int timeoutMs)
    {
        var r = Look();
        if (r == Readiness.None && timeoutMs > 0)
        {
            _signal.WaitOne(timeoutMs);
            r = Look();
        }
        return r;
    }

    Readiness Look()
    {
        if (_closed) return Readiness.Closed;
        var r = Readiness.None;
        if (Feed.Waiting > 0) r |= Readiness.Ticks;
        if (Link is { Waiting: > 0 }) r |= Readiness.Gateway;
        if (_woken)
        {
            _woken = false;
            r |= Readiness.Woken;
        }
        return r;
    }

    /// <inheritdoc/>
    public void Wake()
    {
        _woken = true;
        _signal.Set();
    }

    /// <inheritdoc/>
    public void Shutdown()
    {
        _closed = true;
        _signal.Set();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Shutdown();
    }
}

/// <summary>Ticks in memory: a test publishes payloads; the tick thread takes them in order.</summary>
public sealed class InMemoryTickFeed : ITickFeed
{
    readonly ConcurrentQueue<byte[]> _queue = new();
    readonly AutoResetEvent _signal;

    internal InMemoryTickFeed(AutoResetEvent signal) => _signal = signal;

    /// <summary>Payloads waiting.</summary>
    public int Waiting => _queue.Count;

    /// <summary>Publishes one message; its payload is the last frame (a leading topic frame is allowed).</summary>
    public void Publish(params byte[][] frames)
    {
        if (frames.Length == 0) throw new ArgumentException("a message has at least one frame", nameof(frames));
        _queue.Enqueue(frames[^1]);
        _signal.Set();
    }

    /// <summary>Publishes one UTF-8 payload.</summary>
    public void Publish(string payload) => Publish(Encoding.UTF8.GetBytes(payload));

    /// <inheritdoc/>
    public int TryReceive(Span<byte> buffer)
    {
        if (!_queue.TryDequeue(out var p)) return -1;
        p.AsSpan(0, Math.Min(p.Length, buffer.Length)).CopyTo(buffer);
        return p.Length;
    }
}

/// <summary>
/// The gateway link in memory. The test plays the gateway: it reads what was sent (<see cref="Sent"/>,
/// <see cref="TryTakeSent"/>) and answers (<see cref="Reply(string)"/>). While <see cref="Connected"/> is false, or
/// <see cref="Capacity"/> frames are waiting unread, a send is refused, as ZeroMQ refuses one with no peer or a full queue.
/// </summary>
public sealed class InMemoryGatewayLink : IGatewayLink
{
    readonly ConcurrentQueue<byte[]> _inbound = new();
    readonly BlockingCollection<byte[]> _outbound = new(new ConcurrentQueue<byte[]>());
    readonly List<byte[]> _sent = [];
    readonly AutoResetEvent _signal;

    internal InMemoryGatewayLink(AutoResetEvent signal) => _signal = signal;

    volatile bool _connected = true;

    /// <summary>False: no gateway is connected, every send is refused.</summary>
    public bool Connected { get => _connected; set => _connected = value; }

    /// <summary>Frames that may wait unread at the gateway before sends are refused (0 = no limit).</summary>
    public int Capacity { get; set; }

    /// <summary>Frames from the gateway waiting to be read.</summary>
    public int Waiting => _inbound.Count;

    /// <summary>Every frame handed to the gateway, oldest first (as UTF-8 text).</summary>
    public IReadOnlyList<string> Sent
    {
        get
        {
            lock (_sent) return [.. _sent.Select(f => Encoding.UTF8.GetString(f))];
        }
    }

    /// <summary>The gateway reads the next frame sent to it, waiting up to <paramref name="timeout"/>; null when none came.</summary>
    public byte[]? TryTakeSent(TimeSpan timeout) => _outbound.TryTake(out var f, timeout) ? f : null;

    /// <summary>The gateway sends a frame.</summary>
    public void Reply(byte[] frame)
    {
        _inbound.Enqueue(frame);
        _signal.Set();
    }

    /// <summary>The gateway sends a UTF-8 frame.</summary>
    public void Reply(string frame) => Reply(Encoding.UTF8.GetBytes(frame));

    /// <inheritdoc/>
    public bool TrySend(ReadOnlySpan<byte> frame)
    {
        if (!_connected || (Capacity > 0 && _outbound.Count >= Capacity)) return false;
        var copy = frame.ToArray();
        lock (_sent) _sent.Add(copy);
        _outbound.Add(copy);
        return true;
    }

    /// <inheritdoc/>
    public int TryReceive(Span<byte> buffer)
    {
        if (!_inbound.TryDequeue(out var f)) return -1;
        f.AsSpan(0, Math.Min(f.Length, buffer.Length)).CopyTo(buffer);
        return f.Length;
    }
}
