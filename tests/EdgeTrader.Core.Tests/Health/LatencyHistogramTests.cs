using EdgeTrader.Health;

namespace EdgeTrader.Tests.Health;

public class LatencyHistogramTests
{
    const long Freq = 1_000_000_000; // ns ticks

    [Fact]
    public void Samples_land_in_the_first_bucket_whose_bound_they_do_not_exceed()
    {
        var h = new LatencyHistogram([1e-6, 1e-5, 1e-4], Freq);
        h.Record(1_000);     // exactly 1 µs: le="1e-06" is inclusive
        h.Record(1_001);     // just above
        h.Record(50_000);    // 50 µs
        h.Record(5_000_000); // 5 ms: above every bound
        var r = h.Read();
        Assert.Equal([1, 1, 1, 1], r.Counts);
        Assert.Equal(4, r.Count);
        Assert.Equal((1_000 + 1_001 + 50_000 + 5_000_000) / 1e9, r.SumSeconds, 12);
    }

    [Fact]
    public void Negative_differences_count_as_zero()
    {
        var h = new LatencyHistogram([1e-6], Freq);
        h.Record(-5);
        var r = h.Read();
        Assert.Equal(1, r.Counts[0]);
        Assert.Equal(0, r.SumSeconds);
    }

    [Fact]
    public void Quantile_bounds_are_the_bucket_bounds_that_hold_them()
    {
        var h = new LatencyHistogram([1e-6, 1e-5, 1e-4], Freq);
        for (int i = 0; i < 98; i++) h.Record(500);
        h.Record(5_000);
        h.Record(1_000_000_000);
        var r = h.Read();
        Assert.Equal(1e-6, r.QuantileUpperBound(0.5));
        Assert.Equal(1e-5, r.QuantileUpperBound(0.99));
        Assert.Equal(double.PositiveInfinity, r.QuantileUpperBound(1.0));
        Assert.True(double.IsNaN(new LatencyHistogram([1e-6], Freq).Read().QuantileUpperBound(0.5)));
    }

    [Fact]
    public void Bounds_must_ascend()
    {
        Assert.Throws<ArgumentException>(() => new LatencyHistogram([1e-3, 1e-4], Freq));
    }

    [Fact]
    public void Recording_allocates_nothing()
    {
        var h = new LatencyHistogram(LatencyHistogram.TickPathBuckets, Freq);
        h.Record(1); // first call: nothing lazy left
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100_000; i++) h.Record(i * 37L);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void A_reader_during_recording_always_sees_a_count_equal_to_its_buckets()
    {
        var h = new LatencyHistogram(LatencyHistogram.TickPathBuckets, Freq);
        using var stop = new ManualResetEventSlim();
        var writer = new Thread(() => { long i = 0; while (!stop.IsSet) h.Record(i++ % 3_000_000); });
        writer.Start();
        long last = 0;
        for (int i = 0; i < 2_000; i++)
        {
            var r = h.Read();
            Assert.Equal(r.Count, r.Counts.Sum());
            Assert.True(r.Count >= last);
            last = r.Count;
        }
        stop.Set();
        writer.Join();
    }
}
