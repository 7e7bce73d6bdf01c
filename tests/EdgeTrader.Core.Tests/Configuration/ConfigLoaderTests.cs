using EdgeTrader.Configuration;

namespace EdgeTrader.Tests.Configuration;

public class ConfigLoaderTests
{
    static ConfigException Fails(string json) => Assert.Throws<ConfigException>(() => ConfigLoader.Parse(json));

    [Fact]
    public void Empty_object_gives_safe_defaults()
    {
        var o = ConfigLoader.Parse("{}");
        Assert.True(o.Execution.DryRun);
        Assert.False(o.Mqtt.AllowRemoteReset);
        Assert.Equal(PanelDriverKind.None, o.Panel.Driver);
    }

    [Fact]
    public void Comments_and_trailing_commas_are_allowed()
    {
        var o = ConfigLoader.Parse("{ // node name\n \"node\": \"pi-1\", }");
        Assert.Equal("pi-1", o.Node);
    }

    [Fact]
    public void Unknown_key_is_rejected_naming_the_key()
    {
        var ex = Fails("{\"risk\":{\"maxQtyy\":1}}");
        Assert.Contains(ex.Errors, e => e.Key == "risk.maxQtyy" && e.Reason.Contains("unknown key"));
    }

    [Fact]
    public void Unknown_top_level_key_is_rejected_naming_the_key()
    {
        var ex = Fails("{\"nodee\":\"x\"}");
        Assert.Equal("nodee", Assert.Single(ex.Errors).Key);
    }

    [Fact]
    public void Wrong_type_names_the_key()
    {
        var ex = Fails("{\"risk\":{\"maxQty\":\"lots\"}}");
        Assert.Equal("risk.maxQty", Assert.Single(ex.Errors).Key);
    }

    [Theory]
    [InlineData("{\"strategy\":{\"kind\":\"martingale\"}}", "strategy.kind")]
    [InlineData("{\"bridge\":{\"format\":\"xml\"}}", "bridge.format")]
    [InlineData("{\"bridge\":{\"ticks\":\"http://x\"}}", "bridge.ticks")]
    [InlineData("{\"risk\":{\"maxQty\":-1}}", "risk.maxQty")]
    [InlineData("{\"risk\":{\"timeZone\":\"Mars/Olympus\"}}", "risk.timeZone")]
    [InlineData("{\"risk\":{\"sessions\":[{\"start\":\"25:00\"}]}}", "risk.sessions[0].start")]
    [InlineData("{\"strategy\":{\"fast\":10,\"slow\":5}}", "strategy.slow")]
    [InlineData("{\"strategy\":{\"qty\":2},\"risk\":{\"maxQty\":1}}", "strategy.qty")]
    [InlineData("{\"panel\":{\"driver\":\"gpio\",\"redLedLine\":\"GPIO17\"}}", "panel.redLedLine")]
    [InlineData("{\"node\":\"a b\"}", "node")]
    [InlineData("{\"mqtt\":{\"enabled\":true,\"allowRemoteReset\":true}}", "mqtt.hmacKeyFile")]
    [InlineData("{\"risk\":null}", "risk")]
    public void Invalid_values_name_the_key_and_why(string json, string key)
    {
        var ex = Fails(json);
        var e = Assert.Single(ex.Errors, e => e.Key == key);
        Assert.False(string.IsNullOrWhiteSpace(e.Reason));
    }

    [Theory]
    [InlineData("{\"strategy\":{\"kind\":\"ema-cross, every-tick\"}}", "strategy.kind", "'ema-cross, every-tick' is not one of \"ema-cross\", \"every-tick\"")]
    [InlineData("{\"strategy\":{\"kind\":\"EMA-CROSS\"}}", "strategy.kind", "\"ema-cross\", \"every-tick\"")]
    [InlineData("{\"strategy\":{\"kind\":1}}", "strategy.kind", "a string, not a number")]
    [InlineData("{\"bridge\":{\"format\":\" json\"}}", "bridge.format", "\"json\", \"dwx\"")]
    [InlineData("{\"panel\":{\"driver\":\"GPIO\"}}", "panel.driver", "\"none\", \"gpio\", \"sim\"")]
    [InlineData("{\"panel\":{\"bias\":\"pullup\"}}", "panel.bias", "\"as-is\", \"pull-up\"")]
    [InlineData("{\"logLevel\":\"info\"}", "logLevel", "\"information\"")]
    [InlineData("{\"risk\":{\"sessions\":[{\"days\":[\"mon\",\"funday\"]}]}}", "risk.sessions[0].days[1]", "'funday' is not one of \"sun\"")]
    public void An_option_with_a_closed_set_takes_exactly_one_of_its_names(string json, string key, string reason)
    {
        var e = Assert.Single(Fails(json).Errors);
        Assert.Equal(key, e.Key);
        Assert.Contains(reason, e.Reason);
    }

    [Fact]
    public void Options_bind_to_their_enums_and_print_by_their_names()
    {
        var o = ConfigLoader.Parse("""
            { "logLevel": "debug", "bridge": { "format": "dwx" }, "strategy": { "kind": "every-tick" },
              "panel": { "driver": "sim", "bias": "pull-up" }, "risk": { "sessions": [{ "days": ["sat", "sun"] }] } }
            """);
        Assert.Equal(LogLevel.Debug, o.LogLevel);
        Assert.Equal(BridgeFormat.Dwx, o.Bridge.Format);
        Assert.Equal(StrategyKind.EveryTick, o.Strategy.Kind);
        Assert.Equal(PanelDriverKind.Sim, o.Panel.Driver);
        Assert.Equal(PanelBias.PullUp, o.Panel.Bias);
        Assert.Equal([SessionDay.Sat, SessionDay.Sun], o.Risk.Sessions[0].Days);
        string json = ConfigLoader.ToJson(o);
        foreach (var shown in new[] { "\"debug\"", "\"dwx\"", "\"every-tick\"", "\"sim\"", "\"pull-up\"", "\"sat\"" })
            Assert.Contains(shown, json);
    }

    [Fact]
    public void Options_built_in_code_with_a_value_outside_the_enum_are_refused()
    {
        var o = new EdgeTraderOptions();
        o.Strategy.Kind = (StrategyKind)7;
        o.Panel.Bias = (PanelBias)7;
        var keys = OptionsValidator.Validate(o).Select(e => e.Key).ToArray();
        Assert.Contains("strategy.kind", keys);
        Assert.Contains("panel.bias", keys);
        Assert.ThrowsAny<ArgumentException>(() => OptionNames.Of((StrategyKind)7));
    }

    [Fact]
    public void Effective_configuration_round_trips()
    {
        var o = ConfigLoader.Parse("{\"node\":\"pi-7\",\"strategy\":{\"symbols\":[\"EURUSD\",\"GBPUSD\"]}}");
        var again = ConfigLoader.Parse(ConfigLoader.ToJson(o));
        Assert.Equal("pi-7", again.Node);
        Assert.Equal(["EURUSD", "GBPUSD"], again.Strategy.Symbols);
    }
}
