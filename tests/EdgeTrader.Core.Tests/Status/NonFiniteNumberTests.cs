using System.Text.Json;
using EdgeTrader.Status;

namespace EdgeTrader.Tests.Status;

/// <summary>No number can make a surface fail: status and /metrics render NaN and infinities.</summary>
public class NonFiniteNumberTests
{
    static StatusSnapshot Poisoned() => Snapshots.Sample() with
    {
        Day = new DayBook(new DateOnly(2026, 11, 23), 6, double.NaN, double.PositiveInfinity, 1),
        Positions = [new Position("EURUSD", double.NaN, double.NegativeInfinity, double.NaN, double.NaN)],
    };

    [Fact]
    public void Status_renders_non_finite_numbers_as_null()
    {
        using var doc = JsonDocument.Parse(StatusJson.Render(Poisoned(), StatusJson.View.Control));
        var day = doc.RootElement.GetProperty("day");
        Assert.Equal(JsonValueKind.Null, day.GetProperty("realized").ValueKind);
        Assert.Equal(JsonValueKind.Null, day.GetProperty("unrealized").ValueKind);
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("positions").GetProperty("EURUSD").GetProperty("net").ValueKind);
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("positions").GetProperty("EURUSD").GetProperty("realizedToday").ValueKind);
    }

    [Fact]
    public void Metrics_render_non_finite_numbers()
    {
        var text = System.Text.Encoding.UTF8.GetString(MetricsExposition.Render(Poisoned(), trading: true));
        Assert.Contains("edgetrader_", text);
        Assert.Contains("edgetrader_pnl_realized_today_by_symbol{symbol=\"EURUSD\"} NaN", text);
    }
}
