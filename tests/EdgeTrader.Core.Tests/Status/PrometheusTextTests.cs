using EdgeTrader.Health;
using EdgeTrader.Status;

namespace EdgeTrader.Tests.Status;

public class PrometheusTextTests
{
    [Fact]
    public void A_family_has_help_type_and_its_samples()
    {
        var m = new PrometheusText();
        m.Family("edgetrader_x_total", "counter", "Things.").Sample("edgetrader_x_total", "code", "A", 3);
        Assert.Equal("# HELP edgetrader_x_total Things.\n# TYPE edgetrader_x_total counter\nedgetrader_x_total{code=\"A\"} 3\n", m.ToString());
    }

    [Fact]
    public void Free_text_in_label_values_cannot_break_the_format()
    {
        var m = new PrometheusText();
        m.Family("edgetrader_info", "gauge", "help with \\ and\nnewline").Sample("edgetrader_info", "reason", "a \"quoted\" \\ reason\nsecond line\u0007", 1);
        var text = m.ToString();
        Assert.Contains("# HELP edgetrader_info help with \\\\ and\\nnewline\n", text);
        Assert.Contains("edgetrader_info{reason=\"a \\\"quoted\\\" \\\\ reason\\nsecond line \"} 1\n", text);
        Assert.Equal(3, text.Count(c => c == '\n')); // HELP, TYPE, one sample: nothing split a line
    }

    [Theory]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(1e-5, "1e-05")]
    [InlineData(0.25, "0.25")]
    [InlineData(1234567890123.0, "1234567890123")]
    public void Numbers_use_the_formats_prometheus_parses(double v, string expected) => Assert.Equal(expected, PrometheusText.Format(v));

    [Fact]
    public void A_family_cannot_be_written_twice_or_with_a_bad_name()
    {
        var m = new PrometheusText();
        m.Family("edgetrader_a", "gauge", "a");
        Assert.Throws<InvalidOperationException>(() => m.Family("edgetrader_a", "gauge", "a"));
        Assert.Throws<ArgumentException>(() => m.Family("edgetrader-b", "gauge", "b"));
        Assert.Throws<ArgumentException>(() => m.Family("edgetrader_c", "summary-ish", "c"));
    }

    [Fact]
    public void A_histogram_is_cumulative_and_its_count_equals_the_inf_bucket()
    {
        var h = new LatencyHistogram([1e-3, 1e-2], 1000);
        h.Record(0); h.Record(5); h.Record(5000);
        var m = new PrometheusText();
        m.Histogram("edgetrader_h_seconds", "h", h.Read());
        var text = m.ToString();
        Assert.Contains("edgetrader_h_seconds_bucket{le=\"0.001\"} 1\n", text);
        Assert.Contains("edgetrader_h_seconds_bucket{le=\"0.01\"} 2\n", text);
        Assert.Contains("edgetrader_h_seconds_bucket{le=\"+Inf\"} 3\n", text);
        Assert.Contains("edgetrader_h_seconds_count 3\n", text);
        Assert.Contains("edgetrader_h_seconds_sum 5.005\n", text);
    }
}
