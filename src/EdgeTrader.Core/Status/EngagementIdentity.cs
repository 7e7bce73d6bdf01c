using EdgeTrader.KillSwitch;

namespace EdgeTrader.Status;

/// <summary>
/// How an engagement is named on every surface (page, metrics, status --watch): the one place that turns the
/// breaker's identity into text, so a change of identity scheme changes every surface at once.
/// </summary>
public static class EngagementIdentity
{
    /// <summary>"edge-1 #7" (origin node and its counter; SAFE: the last engagement's), "none" before any.</summary>
    public static string Describe(BreakerState s) => s.Engagement is { } e ? $"{e.Origin} #{e.Seq}" : "none";

    /// <summary>The full identity (origin:incarnation:seq), or "" before any engagement.</summary>
    public static string Full(BreakerState s) => s.Engagement?.ToString() ?? "";
}
