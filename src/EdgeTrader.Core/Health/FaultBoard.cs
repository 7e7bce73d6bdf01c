using EdgeTrader.KillSwitch;

namespace EdgeTrader.Health;

/// <summary>One active fault: a stable code, what an operator should know, and since when.</summary>
public sealed record Fault(string Code, string Detail, DateTimeOffset Since);

/// <summary>
/// Faults: conditions under which the kill switch cannot vouch for its own safety (a stuck reset button, emergency-stop
/// channels that disagree, a relay whose feedback contradicts it, a latch that could not be saved). Anyone may raise or
/// clear one by code; while any is active the panel's amber lamp flashes, status lists them and every reset is refused
/// (this board is a reset interlock of the breaker). Thread-safe; <see cref="Changed"/> is raised outside the lock.
/// </summary>
public sealed class FaultBoard(TimeProvider time) : IResetInterlock
{
    readonly object _lock = new();
    readonly TimeProvider _time = time;
    volatile Fault[] _active = [];

    /// <summary>Raised after a fault appeared or cleared (on the thread that changed it).</summary>
    public event Action? Changed;

    /// <summary>The active faults, oldest first.</summary>
    public IReadOnlyList<Fault> Active => _active;

    /// <summary>True while any fault is active.</summary>
    public bool Any => _active.Length > 0;

    /// <summary>True while the fault <paramref name="code"/> is active.</summary>
    public bool IsActive(string code) => Array.Exists(_active, f => f.Code == code);

    /// <summary>Raises (or updates the detail of) a fault; its <see cref="Fault.Since"/> stays that of its first raise.</summary>
    public void Raise(string code, string detail)
    {
        lock (_lock)
        {
            var cur = _active;
            int i = Array.FindIndex(cur, f => f.Code == code);
            if (i >= 0 && cur[i].Detail == detail) return;
            if (i >= 0)
            {
                var next = (Fault[])cur.Clone();
                next[i] = cur[i] with { Detail = detail };
                _active = next;
            }
            else
            {
                _active = [.. cur, new Fault(code, detail, _time.GetUtcNow())];
            }
        }
        Changed?.Invoke();
    }

    /// <summary>Clears a fault; a no-op when it is not active.</summary>
    public void Clear(string code)
    {
        lock (_lock)
        {
            var cur = _active;
            if (!Array.Exists(cur, f => f.Code == code)) return;
            _active = Array.FindAll(cur, f => f.Code != code);
        }
        Changed?.Invoke();
    }

    /// <inheritdoc/>
    public string? WhyResetIsRefused()
    {
        var a = _active;
        return a.Length == 0 ? null : "fault: " + string.Join("; ", a.Select(f => $"{f.Code} ({f.Detail})")) + " - clear the cause before resetting";
    }
}
