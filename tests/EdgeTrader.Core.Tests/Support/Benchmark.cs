namespace EdgeTrader.Tests.Support;

/// <summary>
/// Benchmarks are xunit tests with <c>[Trait("Category", "Benchmark")]</c>: the unit suite leaves them out (the test
/// project's default filter), a focused run reports them skipped, and scripts/bench-*.sh runs them.
/// </summary>
public static class Benchmark
{
    /// <summary>Skips the calling test unless EDGETRADER_BENCH=1 (set by the bench scripts).</summary>
    public static void Require() =>
        Skip.IfNot(Environment.GetEnvironmentVariable("EDGETRADER_BENCH") == "1", "a benchmark: run it with scripts/bench-journal.sh");
}
