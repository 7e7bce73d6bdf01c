using EdgeTrader.KillSwitch;

namespace EdgeTrader.Status;

/// <summary>
/// How an engagement is named on every surface (page, metrics, status --watch): the one place that turns the
/// breaker's identity fields into text, so a change of identity scheme changes every surface at once.
/// </summary>
public static class EngagementIdentity
{
    /// <summary>"generation 7" (SAFE: the last engagement's).</summary>
    public static string Describe(BreakerState s) => $"generation {s.Generation}";
}
