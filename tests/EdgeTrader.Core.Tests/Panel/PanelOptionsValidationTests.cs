using EdgeTrader.Configuration;

namespace EdgeTrader.Tests.Panel;

// The panel's keys are checked at start-up; each message names the key.
public sealed class PanelOptionsValidationTests
{
    static IReadOnlyList<ConfigError> Errors(PanelOptions p) => OptionsValidator.Validate(new EdgeTraderOptions { Panel = p });

    [Theory]
    [InlineData("panel.resetHoldMs")]
    [InlineData("panel.resetMaxHoldMs")]
    [InlineData("panel.discrepancyMs")]
    [InlineData("panel.edmSettleMs")]
    [InlineData("panel.edmLine")]
    [InlineData("panel.tripLine")]
    [InlineData("panel.driver")]
    public void A_wrong_panel_value_is_named_by_its_key(string key)
    {
        var p = new PanelOptions { Driver = PanelDriverKind.Gpio };
        p = key switch
        {
            "panel.resetHoldMs" => p with { ResetHoldMs = 50 },
            "panel.resetMaxHoldMs" => p with { ResetHoldMs = 2000, ResetMaxHoldMs = 1000 },
            "panel.discrepancyMs" => p with { EmergencyStopLineB = "GPIO5", DiscrepancyMs = 0 },
            "panel.edmSettleMs" => p with { EdmSettleMs = 5 },
            "panel.edmLine" => p with { EdmLine = "GPIO26" },
            "panel.tripLine" => p with { TripLine = "GPIO22" },
            _ => p with { Driver = (PanelDriverKind)42 },
        };
        var e = Assert.Single(Errors(p), e => e.Key == key);
        Assert.False(string.IsNullOrWhiteSpace(e.Reason));
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(9, false)]
    [InlineData(10, true)]
    [InlineData(20, true)]
    public void A_debounce_under_10_ms_is_refused_because_the_reset_acts_on_the_buttons_release(int debounceMs, bool valid)
    {
        var errors = Errors(new PanelOptions { Driver = PanelDriverKind.Gpio, DebounceMs = debounceMs });
        if (valid) { Assert.Empty(errors); return; }
        var e = Assert.Single(errors);
        Assert.Equal("panel.debounceMs", e.Key);
        Assert.Contains("panel.resetLine", e.Reason);
        Assert.Contains("release", e.Reason);
    }

    [Fact]
    public void Numbered_drivers_need_line_numbers()
    {
        var e = Assert.Single(Errors(new PanelOptions { Driver = PanelDriverKind.Libgpiod, ResetLine = "RESET_BTN" }));
        Assert.Equal("panel.resetLine", e.Key);
        Assert.Empty(Errors(new PanelOptions { Driver = PanelDriverKind.Sysfs, EmergencyStopLine = "17", TripLine = "GPIO16" }));
    }

    [Fact]
    public void A_fully_fitted_panel_is_valid() =>
        Assert.Empty(Errors(new PanelOptions { Driver = PanelDriverKind.Gpio, EmergencyStopLineB = "GPIO5", TripLine = "GPIO16", EdmLine = "GPIO26", BuzzerLine = "GPIO12" }));
}
