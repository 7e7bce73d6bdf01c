using EdgeTrader.Health;

namespace EdgeTrader.Tests.Health;

public class DiskProbeTests
{
    [Fact]
    public void Free_space_of_a_real_directory_is_read()
    {
        var dir = Directory.CreateTempSubdirectory("et-disk-").FullName;
        try
        {
            var s = new DiskProbe(dir, minFreeBytes: 1).Read();
            Assert.True(s.Ok);
            Assert.True(s.FreeBytes > 0);
            Assert.True(s.TotalBytes >= s.FreeBytes);
        }
        finally { Directory.Delete(dir); }
    }

    [Fact]
    public void Less_free_space_than_the_threshold_is_not_ok()
    {
        var dir = Directory.CreateTempSubdirectory("et-disk-").FullName;
        try
        {
            var s = new DiskProbe(dir, minFreeBytes: long.MaxValue).Read();
            Assert.False(s.Ok);
            Assert.Contains("below", s.Detail);
        }
        finally { Directory.Delete(dir); }
    }

    [Fact]
    public void A_missing_directory_is_not_ok_and_does_not_throw()
    {
        var s = new DiskProbe("/nonexistent/edgetrader/state").Read();
        Assert.False(s.Ok);
    }
}
