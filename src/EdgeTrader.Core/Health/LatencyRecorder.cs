namespace EdgeTrader.Health;

/// <summary>A bounded ring of latency samples (microseconds) with percentiles, for status and benchmarks. Thread-safe.</summary>
public sealed class LatencyRecorder(int capacity)
{
    readonly double[] _ring = new double[capacity];
    readonly object _lock = new();
    long _count;

    /// <summary>Adds one sample (the oldest is overwritten when full).</summary>
    public void Add(double micros)
    {
        lock (_lock)
        {
            _ring[_count % _ring.Length] = micros;
            _count++;
        }
    }

    /// <summary>Samples ever added.</summary>
    public long Count { get { lock (_lock) return _count; } }

    /// <summary>The retained samples, sorted ascending.</summary>
    public double[] Sorted()
    {
        lock (_lock)
        {
            int n = (int)Math.Min(_count, _ring.Length);
            var copy = _ring.AsSpan(0, n).ToArray();
            Array.Sort(copy);
            return copy;
        }
    }

    /// <summary>Nearest-rank percentile of sorted samples; NaN when empty.</summary>
    public static double Percentile(double[] sorted, double p)
    {
        if (sorted.Length == 0) return double.NaN;
        int rank = (int)Math.Ceiling(p / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
