namespace EdgeTrader.Health;

/// <summary>
/// A fixed-bucket latency histogram in the Prometheus sense (cumulative <c>le</c> buckets, sum, count) for one writer
/// thread and any number of readers. <see cref="Record"/> is a bucket search and two plain increments: no lock, no
/// allocation, nothing a reader can make it wait for. Readers see each bucket atomically (64-bit reads); a reading
/// taken during a record may miss that one sample, and its count is the sum of its buckets, so it is always coherent.
/// </summary>
public sealed class LatencyHistogram
{
    /// <summary>Upper bounds (seconds) for the tick → order path: 1 µs to 2.5 s.</summary>
    public static readonly double[] TickPathBuckets =
        [1e-6, 2.5e-6, 5e-6, 1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 5e-3, 1e-2, 2.5e-2, 5e-2, 0.1, 0.25, 0.5, 1, 2.5];

    /// <summary>Upper bounds (seconds) for a storage commit (write + fsync): 50 µs to 10 s.</summary>
    public static readonly double[] StorageBuckets =
        [5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 5e-3, 1e-2, 2.5e-2, 5e-2, 0.1, 0.25, 0.5, 1, 2.5, 10];

    readonly long[] _boundTicks;
    readonly double[] _boundSeconds;
    readonly long[] _counts; // one per bound, plus +Inf
    readonly double _secondsPerTick;
    long _sumTicks;

    /// <summary>A histogram over ascending upper bounds in seconds, fed with timestamp differences of <paramref name="timestampFrequency"/>.</summary>
    public LatencyHistogram(double[] upperBoundsSeconds, long timestampFrequency)
    {
        ArgumentNullException.ThrowIfNull(upperBoundsSeconds);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(timestampFrequency);
        for (int i = 1; i < upperBoundsSeconds.Length; i++)
            if (!(upperBoundsSeconds[i] > upperBoundsSeconds[i - 1])) throw new ArgumentException("bucket bounds must ascend", nameof(upperBoundsSeconds));
        _boundSeconds = (double[])upperBoundsSeconds.Clone();
        _boundTicks = new long[_boundSeconds.Length];
        for (int i = 0; i < _boundSeconds.Length; i++) _boundTicks[i] = (long)Math.Floor(_boundSeconds[i] * timestampFrequency);
        _counts = new long[_boundSeconds.Length + 1];
        _secondsPerTick = 1.0 / timestampFrequency;
    }

    /// <summary>Adds one sample (a timestamp difference). Only one thread may call this.</summary>
    public void Record(long elapsedTimestampTicks)
    {
        if (elapsedTimestampTicks < 0) elapsedTimestampTicks = 0;
        var bounds = _boundTicks;
        int i = 0;
        while (i < bounds.Length && elapsedTimestampTicks > bounds[i]) i++;
        _counts[i]++;
        _sumTicks += elapsedTimestampTicks;
    }

    /// <summary>Upper bounds in seconds (without +Inf).</summary>
    public ReadOnlySpan<double> UpperBounds => _boundSeconds;

    /// <summary>A coherent reading: per-bucket (non-cumulative) counts, their total, and the sum in seconds.</summary>
    public Reading Read()
    {
        var counts = new long[_counts.Length];
        long total = 0;
        for (int i = 0; i < counts.Length; i++)
        {
            counts[i] = Volatile.Read(ref _counts[i]);
            total += counts[i];
        }
        return new Reading(_boundSeconds, counts, total, Volatile.Read(ref _sumTicks) * _secondsPerTick);
    }

    /// <summary>One reading of a histogram.</summary>
    /// <param name="UpperBounds">Bucket bounds in seconds (without +Inf).</param>
    /// <param name="Counts">Samples per bucket, not cumulative; the last is above every bound.</param>
    /// <param name="Count">All samples.</param>
    /// <param name="SumSeconds">Sum of the samples in seconds.</param>
    public sealed record Reading(double[] UpperBounds, long[] Counts, long Count, double SumSeconds)
    {
        /// <summary>
        /// The upper bound of the bucket that holds the <paramref name="q"/> quantile (0..1): an over-estimate of at
        /// most one bucket; +Inf when it falls above every bound, NaN without samples.
        /// </summary>
        public double QuantileUpperBound(double q)
        {
            if (Count == 0) return double.NaN;
            long rank = Math.Max(1, (long)Math.Ceiling(q * Count));
            long seen = 0;
            for (int i = 0; i < Counts.Length; i++)
            {
                seen += Counts[i];
                if (seen >= rank) return i < UpperBounds.Length ? UpperBounds[i] : double.PositiveInfinity;
            }
            return double.PositiveInfinity;
        }
    }
}
