using System.Globalization;
using EdgeTrader.Health;
using EdgeTrader.KillSwitch;

namespace EdgeTrader.Session;

/// <summary>
/// One link's silence rule. Only life counts: a valid tick (bridge) or a valid gateway message, never a frame that
/// merely arrived. The link is Up while life came within staleAfterMs and Degraded (amber) after that, or when none
/// ever came that long after the start; with engageOnSilenceMs &gt; 0 the breaker engages (source bridge or gateway)
/// after that long without life. Silence counts from the later of the last life and the last reset, so a reset is not
/// undone at once by silence that was already there. Tick thread, except <see cref="Rebase"/>.
/// </summary>
public sealed class SilenceRule
{
    readonly Link _link;
    readonly BreakerSource _source;
    readonly string _name;
    readonly string _silentDetail;
    readonly string _neverDetail;
    readonly int _staleAfterMs;
    readonly int _engageOnSilenceMs;
    long _lastLifeTs; // 0 = never
    long _baseTs;

    /// <summary>
    /// A rule for <paramref name="link"/>: <paramref name="name"/> names it in an engagement reason ("bridge"),
    /// <paramref name="silentDetail"/> is the degraded detail after life ("no tick for"), <paramref name="neverDetail"/>
    /// the one when none ever came ("no tick yet from tcp://…").
    /// </summary>
    public SilenceRule(Link link, BreakerSource source, string name, string silentDetail, string neverDetail, int staleAfterMs, int engageOnSilenceMs, long startTs)
    {
        _link = link;
        _source = source;
        _name = name;
        _silentDetail = silentDetail;
        _neverDetail = neverDetail;
        _staleAfterMs = staleAfterMs;
        _engageOnSilenceMs = engageOnSilenceMs;
        _baseTs = startTs;
    }

    /// <summary>Life at <paramref name="ts"/> (a valid tick or gateway message).</summary>
    public void Heard(long ts) => _lastLifeTs = ts;

    /// <summary>True when no life came within staleAfterMs before <paramref name="now"/> (or none ever came).</summary>
    public bool IsSilent(long now, TimeProvider time) => _lastLifeTs == 0 || time.GetElapsedTime(_lastLifeTs, now).TotalMilliseconds >= _staleAfterMs;

    /// <summary>True once any life came.</summary>
    public bool EverHeard => _lastLifeTs != 0;

    /// <summary>Silence counts again from <paramref name="ts"/> (the breaker was reset). Any thread.</summary>
    public void Rebase(long ts) => Interlocked.Exchange(ref _baseTs, ts);

    /// <summary>Applies the rule at <paramref name="now"/>: sets the link's health, engages when silent too long.</summary>
    public void Evaluate(long now, TimeProvider time, HealthMonitor health, CircuitBreaker breaker)
    {
        if (_lastLifeTs != 0)
        {
            var since = time.GetElapsedTime(_lastLifeTs, now);
            if (since.TotalMilliseconds < _staleAfterMs) health.Set(_link, LinkState.Up);
            else health.Set(_link, LinkState.Degraded, string.Create(CultureInfo.InvariantCulture, $"{_silentDetail} {since.TotalSeconds:0.0} s"));
        }
        else if (time.GetElapsedTime(Interlocked.Read(ref _baseTs), now).TotalMilliseconds >= _staleAfterMs)
        {
            health.Set(_link, LinkState.Degraded, _neverDetail);
        }
        if (_engageOnSilenceMs <= 0) return;
        var silence = time.GetElapsedTime(Math.Max(_lastLifeTs, Interlocked.Read(ref _baseTs)), now);
        if (silence.TotalMilliseconds >= _engageOnSilenceMs && !breaker.IsEngaged)
            breaker.Engage(string.Create(CultureInfo.InvariantCulture, $"{_name} silent for {silence.TotalSeconds:0.0} s"), _source);
    }
}
