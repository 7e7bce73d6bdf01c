using EdgeTrader.Configuration;

namespace EdgeTrader.Tests.Configuration;

/// <summary>The price band's and the clock's keys are validated at start, naming the key.</summary>
public sealed class RuleOptionsTests
{
    static IReadOnlyList<ConfigError> Errors(Func<EdgeTraderOptions, EdgeTraderOptions> change) => OptionsValidator.Validate(change(new EdgeTraderOptions()));

    [Fact]
    public void The_defaults_are_valid() => Assert.Empty(Errors(o => o));

    [Theory]
    [InlineData(1e13, "risk.priceBand.maxPrice")]  // price x qty x contract size could leave the finite numbers
    [InlineData(0.0, "risk.priceBand.maxPrice")]   // below minPrice
    public void A_max_price_that_cannot_bound_every_product_is_refused(double max, string key) =>
        Assert.Contains(Errors(o => o with { Risk = o.Risk with { PriceBand = o.Risk.PriceBand with { MaxPrice = max } } }), e => e.Key == key);

    [Theory]
    [InlineData(-1.0)]
    [InlineData(101.0)]
    [InlineData(double.NaN)]
    public void A_band_that_is_not_a_percentage_is_refused(double pct) =>
        Assert.Contains(Errors(o => o with { Risk = o.Risk with { PriceBand = o.Risk.PriceBand with { MaxDeviationPct = pct } } }), e => e.Key == "risk.priceBand.maxDeviationPct");

    [Fact]
    public void A_future_skew_check_timeout_and_step_tolerance_must_be_positive()
    {
        var keys = Errors(o => o with { Risk = o.Risk with { MaxTickFutureMs = 0, CheckTimeoutMs = 0 }, Clock = new ClockOptions { StepToleranceMs = 0 } }).Select(e => e.Key).ToList();
        Assert.Contains("risk.maxTickFutureMs", keys);
        Assert.Contains("risk.checkTimeoutMs", keys);
        Assert.Contains("clock.stepToleranceMs", keys);
    }
}
