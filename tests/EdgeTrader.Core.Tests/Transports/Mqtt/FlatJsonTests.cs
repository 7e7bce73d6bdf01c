using System.Text;
using EdgeTrader.Transports.Mqtt;

namespace EdgeTrader.Tests.Transports.Mqtt;

/// <summary>The flat JSON of MQTT commands: one object, its top-level strings and plain integers; anything doubtful is refused.</summary>
public sealed class FlatJsonTests
{
    static FlatJson Parsed(string json)
    {
        Assert.True(FlatJson.TryParse(Encoding.UTF8.GetBytes(json), out var f), json);
        return f;
    }

    [Fact]
    public void Top_level_strings_are_read_raw_and_sanitised_and_nested_values_are_skipped()
    {
        var f = Parsed("""{"a":{"reason":"nested","x":[1,{"y":2}]},"reason":"line\nbreak ","b":[1,2],"n":42}""");
        Assert.Equal("line break", f.String("reason"));
        Assert.Equal("line\nbreak ", f.RawString("reason"));
        Assert.Null(f.String("a"));
        Assert.Null(f.RawString("b"));
        Assert.Null(f.String("missing"));
        Assert.Null(f.RawString("missing"));
        Assert.True(f.TryInt64("n", out var n));
        Assert.Equal(42, n);
    }

    [Theory]
    [InlineData("1.0")]
    [InlineData("1e3")]
    [InlineData("1E3")]
    [InlineData("99999999999999999999")]
    [InlineData("\"7\"")]
    [InlineData("true")]
    [InlineData("null")]
    public void Only_a_plain_integer_that_fits_is_an_integer(string value)
    {
        var f = Parsed($$"""{"n":{{value}}}""");
        Assert.False(f.TryInt64("n", out _));
        if (value[0] != '"') Assert.Null(f.String("n"));
    }

    [Fact]
    public void Negative_and_largest_integers_are_read()
    {
        var f = Parsed("""{"a":-5,"b":9223372036854775807}""");
        Assert.True(f.TryInt64("a", out var a));
        Assert.Equal(-5, a);
        Assert.True(f.TryInt64("b", out var b));
        Assert.Equal(long.MaxValue, b);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("[]")]
    [InlineData("\"text\"")]
    [InlineData("42")]
    [InlineData("{")]
    [InlineData("{\"a\":")]
    [InlineData("{\"a\":1")]
    [InlineData("{\"a\":1,\"a\":2}")]
    [InlineData("{\"a\":1,\"a\":\"x\"}")]
    [InlineData("{} {}")]
    [InlineData("{} x")]
    [InlineData("{\"a\":1}}")]
    public void Anything_but_one_object_with_distinct_names_is_refused(string json)
    {
        Assert.False(FlatJson.TryParse(Encoding.UTF8.GetBytes(json), out _));
    }

    [Fact]
    public void Nesting_deeper_than_16_is_refused_and_up_to_16_is_skipped()
    {
        string Nested(int depth) => "{\"a\":" + new string('[', depth - 1) + new string(']', depth - 1) + ",\"r\":\"ok\"}";
        Assert.Equal("ok", Parsed(Nested(16)).String("r"));
        Assert.False(FlatJson.TryParse(Encoding.UTF8.GetBytes(Nested(17)), out _));
    }

    [Fact]
    public void Invalid_utf8_is_refused()
    {
        Assert.False(FlatJson.TryParse([.. "{\"a\":\""u8, 0xC3, 0x28, .. "\"}"u8], out _));
    }

    [Fact]
    public void Whitespace_around_the_object_is_allowed()
    {
        Assert.Equal("x", Parsed(" \t\r\n{\"r\":\"x\"} \n").String("r"));
    }
}
