using System.Globalization;
using System.Text.Json;
using EdgeTrader.Session;
using EdgeTrader.Status;

namespace EdgeTrader.Tests.Status;

/// <summary>The latest cancel_all and its confirmation, as status and metrics show them.</summary>
public class CancelAllStatusTests
{
    static readonly CancelAllReading Rejected = new("pi-1-12-ca2", 4, "e-stop", CancelAllState.Rejected, 3, 0, "throttled", 2, 5, 1, 1) { FillsAfter = 1 };

    [Fact]
    public void Status_shows_the_cancel_all_state_its_request_and_the_orders_still_unresolved()
    {
        var s = Snapshots.Sample() with { CancelAll = Rejected };
        using var doc = JsonDocument.Parse(StatusJson.Render(s, StatusJson.View.Control));
        var c = doc.RootElement.GetProperty("cancelAll");
        Assert.Equal("rejected", c.GetProperty("state").GetString());
        Assert.Equal("pi-1-12-ca2", c.GetProperty("requestId").GetString());
        Assert.Equal("throttled", c.GetProperty("rejectReason").GetString());
        Assert.Equal((4L, 3L, 5L, 1L, 1L), (c.GetProperty("generation").GetInt64(), c.GetProperty("tries").GetInt64(), c.GetProperty("attempts").GetInt64(),
            c.GetProperty("rejections").GetInt64(), c.GetProperty("fillsAfter").GetInt64()));
        Assert.Equal(s.Counters.InFlight, c.GetProperty("unresolved").GetInt64());
        Assert.True(doc.RootElement.GetProperty("counters").TryGetProperty("fillsAfterCancel", out _));
    }

    [Fact]
    public void Metrics_flag_an_unconfirmed_cancel_all_and_count_its_attempts_and_rejections()
    {
        string Render(StatusSnapshot s) => System.Text.Encoding.UTF8.GetString(MetricsExposition.Render(s, trading: false));
        double Value(string text, string name) => double.Parse(text.Split('\n').Single(l => l.StartsWith(name + " ", StringComparison.Ordinal))[(name.Length + 1)..], CultureInfo.InvariantCulture);
        var text = Render(Snapshots.Sample() with { CancelAll = Rejected });
        Assert.Equal(1, Value(text, "edgetrader_cancel_all_unconfirmed"));
        Assert.Equal(5, Value(text, "edgetrader_cancel_all_attempts_total"));
        Assert.Equal(1, Value(text, "edgetrader_cancel_all_rejections_total"));
        var accepted = Render(Snapshots.Sample() with { CancelAll = Rejected with { State = CancelAllState.Accepted } });
        Assert.Equal(0, Value(accepted, "edgetrader_cancel_all_unconfirmed"));
    }
}
