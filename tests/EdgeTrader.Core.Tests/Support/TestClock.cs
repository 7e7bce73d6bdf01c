using Microsoft.Extensions.Time.Testing;

namespace EdgeTrader.Tests.Support;

/// <summary>
/// Fake time for unit tests (<see cref="FakeTimeProvider"/>): the clock moves only when a test advances it, and timers
/// created through it fire synchronously inside <c>Advance</c>, in due order.
/// </summary>
public static class TestClock
{
    /// <summary>A Monday morning in a trading session: 2026-11-23 09:00 UTC.</summary>
    public static readonly DateTimeOffset Start = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    /// <summary>A fake clock at <paramref name="start"/> (default <see cref="Start"/>).</summary>
    public static FakeTimeProvider New(DateTimeOffset? start = null) => new(start ?? Start);
}
