using System.Text;
using EdgeTrader.Trading;

namespace EdgeTrader.Tests.Trading;

/// <summary>Order ids are <c>{node}-{run}-{seq:D6}</c>, and only the text this class writes names an order of this node.</summary>
public sealed class OrderIdsTests
{
    readonly OrderIds _ids = new("pi-1", 7);

    string Written(long seq)
    {
        var buf = new byte[160];
        return Encoding.UTF8.GetString(buf, 0, _ids.Write(seq, buf));
    }

    [Fact]
    public void An_id_is_node_run_and_seq_with_at_least_six_digits()
    {
        Assert.Equal("pi-1-7-000042", Written(42));
        Assert.Equal("pi-1-7-1234567", Written(1234567));
        Assert.Equal("pi-1-7-000042", _ids.Format(42));
        Assert.Equal("pi-1-3-000042", _ids.Format(3, 42));
        Assert.Equal(("pi-1", 7L), (_ids.Node, _ids.Run));
    }

    [Theory]
    [InlineData("pi-1-7-000042", true, 42)]
    [InlineData("pi-1-7-1234567", true, 1234567)]
    [InlineData("pi-1-7-000000", true, 0)]
    [InlineData("pi-1-7-42", false, 0)]
    [InlineData("pi-1-7-0000042", false, 0)]
    [InlineData("pi-1-7-0000420", false, 0)]
    [InlineData("pi-1-7-+00042", false, 0)]
    [InlineData("pi-1-7- 00042", false, 0)]
    [InlineData("pi-1-7-00004a", false, 0)]
    [InlineData("pi-1-7-", false, 0)]
    [InlineData("pi-1-8-000042", false, 0)]
    [InlineData("pi-2-7-000042", false, 0)]
    [InlineData("pi-1-7-99999999999999999999", false, 0)]
    public void Only_the_text_this_run_writes_parses_back_to_its_seq(string id, bool ok, long seq)
    {
        Assert.Equal(ok, _ids.TryParse(Encoding.UTF8.GetBytes(id), out long got));
        if (ok) Assert.Equal(seq, got);
    }

    [Theory]
    [InlineData("pi-1-3-000005", true, 3, 5)]
    [InlineData("pi-1-0-000005", true, 0, 5)]
    [InlineData("pi-1-12-1234567", true, 12, 1234567)]
    [InlineData("pi-1-03-000005", false, 0, 0)]
    [InlineData("pi-1--000005", false, 0, 0)]
    [InlineData("pi-1-+3-000005", false, 0, 0)]
    [InlineData("pi-1-x-000005", false, 0, 0)]
    [InlineData("pi-1-3-5", false, 0, 0)]
    [InlineData("pi-1-3-0000005", false, 0, 0)]
    [InlineData("pi-1-3-00000a", false, 0, 0)]
    [InlineData("pi-1-3-+00005", false, 0, 0)]
    [InlineData("pi-1-3", false, 0, 0)]
    [InlineData("pi-1-3-", false, 0, 0)]
    [InlineData("pi-2-3-000005", false, 0, 0)]
    [InlineData("pi-1-99999999999999999999-000005", false, 0, 0)]
    public void Only_the_text_this_node_writes_in_any_run_parses_back_to_its_run_and_seq(string id, bool ok, long run, long seq)
    {
        Assert.Equal(ok, _ids.TryParseAnyRun(Encoding.UTF8.GetBytes(id), out long r, out long s));
        Assert.Equal(ok, _ids.TryParseAnyRun(id, out long r2, out long s2));
        if (ok) Assert.Equal((run, seq, run, seq), (r, s, r2, s2));
        if (ok) Assert.Equal(id, _ids.Format(r, s));
    }

    [Theory]
    [InlineData("pi-1-3-000000", 3, 0)]
    [InlineData("pi-1-3-1000000", 3, 1000000)]
    [InlineData("pi-1-3-10000000", 3, 10000000)]
    public void A_seq_of_zero_or_of_a_power_of_ten_beyond_six_digits_parses_in_any_run(string id, long run, long seq)
    {
        Assert.True(_ids.TryParseAnyRun(id, out long r, out long s));
        Assert.Equal((run, seq), (r, s));
    }

    [Theory]
    [InlineData("pi-1-7-1000000", 1000000)]
    [InlineData("pi-1-7-10000000", 10000000)]
    public void A_seq_of_a_power_of_ten_beyond_six_digits_parses_in_this_run(string id, long seq)
    {
        Assert.True(_ids.TryParse(Encoding.UTF8.GetBytes(id), out long s));
        Assert.Equal(seq, s);
    }
}
