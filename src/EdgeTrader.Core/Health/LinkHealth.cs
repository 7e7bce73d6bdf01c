namespace EdgeTrader.Health;

/// <summary>The links whose health the panel's amber LED and <c>status</c> show.</summary>
public enum Link
{
    /// <summary>The tick feed from the broker bridge.</summary>
    Bridge,
    /// <summary>The execution gateway.</summary>
    Gateway,
    /// <summary>The MQTT broker that mirrors the kill switch across the cluster.</summary>
    Mqtt,
    /// <summary>The wall clock: disciplined by a time source (Trading/ClockWatch).</summary>
    Clock,
}

/// <summary>State of one link.</summary>
public enum LinkState
{
    /// <summary>Not configured (e.g. MQTT disabled, dry-run without a gateway).</summary>
    Unused,
    /// <summary>Configured but nothing heard yet.</summary>
    Connecting,
    /// <summary>Working.</summary>
    Up,
    /// <summary>Silent or disconnected longer than allowed: amber LED.</summary>
    Degraded,
}

/// <summary>
/// Shared health board: each link's state with a short detail, and the tick loop's own liveness beat. Written by the
/// transports and the loop, read by the panel, status and the systemd watchdog. Lock-free reads.
/// </summary>
public sealed class HealthMonitor(TimeProvider time)
{
    readonly TimeProvider _time = time;
    readonly LinkEntry[] _links = [.. Enum.GetValues<Link>().Select(_ => new LinkEntry())];
    long _loopBeatTimestamp = time.GetTimestamp();

    sealed class LinkEntry
    {
        public volatile LinkStatus Status = new(LinkState.Unused, "", DateTimeOffset.MinValue);
    }

    /// <summary>One link's state, with a human detail and when it changed.</summary>
    public sealed record LinkStatus(LinkState State, string Detail, DateTimeOffset Since);

    /// <summary>Raised (on the setter's thread) when a link changes state.</summary>
    public event Action<Link, LinkStatus>? LinkChanged;

    /// <summary>Sets a link's state; a no-op when state and detail are unchanged.</summary>
    public void Set(Link link, LinkState state, string detail = "")
    {
        var entry = _links[(int)link];
        var cur = entry.Status;
        if (cur.State == state && cur.Detail == detail) return;
        var next = new LinkStatus(state, detail, cur.State == state ? cur.Since : _time.GetUtcNow());
        entry.Status = next;
        if (cur.State != state) LinkChanged?.Invoke(link, next);
    }

    /// <summary>Current state of one link.</summary>
    public LinkStatus Get(Link link) => _links[(int)link].Status;

    /// <summary>True while any configured link is degraded.</summary>
    public bool AnyDegraded
    {
        get
        {
            foreach (var l in _links) if (l.Status.State == LinkState.Degraded) return true;
            return false;
        }
    }

    /// <summary>Called by the tick loop on every iteration (including idle poll timeouts): proof that it is not hung.</summary>
    public void LoopBeat() => Volatile.Write(ref _loopBeatTimestamp, _time.GetTimestamp());

    /// <summary>Time since the loop last beat.</summary>
    public TimeSpan SinceLoopBeat => _time.GetElapsedTime(Volatile.Read(ref _loopBeatTimestamp));

    /// <summary>The loop counts as alive when it beat within this window (the tick thread wakes at least every 50 ms).</summary>
    public static readonly TimeSpan LoopAliveWindow = TimeSpan.FromSeconds(1);

    /// <summary>True when the tick loop beat recently.</summary>
    public bool LoopAlive => SinceLoopBeat <= LoopAliveWindow;
}
