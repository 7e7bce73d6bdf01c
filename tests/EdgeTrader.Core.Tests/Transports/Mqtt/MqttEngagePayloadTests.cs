using System.Text;
using EdgeTrader.Transports.Mqtt;

namespace EdgeTrader.Tests.Transports.Mqtt;

/// <summary>The reason an engage command carries: whatever the payload, a bounded reason that says what was received.</summary>
public sealed class MqttEngagePayloadTests
{
    static string Describe(string payload) => MqttPayloads.DescribeEngageCommand(Encoding.UTF8.GetBytes(payload));

    [Theory]
    [InlineData(" {\"reason\":\"halt\"}")]
    [InlineData("\t{\"reason\":\"halt\"}")]
    [InlineData("\r\n{\"reason\":\"halt\"}")]
    public void Json_after_leading_whitespace_is_read_as_json(string payload)
    {
        Assert.Equal("halt", Describe(payload));
    }

    [Fact]
    public void An_origin_without_a_readable_reason_is_still_named()
    {
        Assert.Equal("MQTT engage command (no readable reason) (origin: desk)", Describe("""{"reason":"","origin":"desk"}"""));
        Assert.Equal("halt", Describe("""{"reason":"halt","origin":""}"""));
    }

    [Fact]
    public void Json_reasons_and_plain_text_are_sanitised()
    {
        Assert.Equal("a b (origin: c d)", Describe("{\"reason\":\"a\\nb\",\"origin\":\"c\\td\"}"));
        Assert.Equal("stop  now", Describe("\tstop\u0007 now\r\n"));
    }

    [Fact]
    public void A_reason_with_its_origin_is_cut_to_the_text_length_with_a_mark()
    {
        var fits = new string('r', MqttPayloads.MaxTextLength - " (origin: o)".Length);
        Assert.Equal(fits + " (origin: o)", Describe($$"""{"reason":"{{fits}}","origin":"o"}"""));
        var text = Describe($$"""{"reason":"{{fits}}r","origin":"o"}""");
        Assert.Equal(MqttPayloads.MaxTextLength + 1, text.Length);
        Assert.EndsWith(" (origin: o…", text);
    }

    [Fact]
    public void A_cut_never_splits_a_surrogate_pair()
    {
        var reason = new string('r', MqttPayloads.MaxTextLength - " (origin: ".Length - 1);
        var text = Describe($$"""{"reason":"{{reason}}","origin":"😀😀"}""");
        Assert.Equal(reason + " (origin: …", text);
    }

    [Fact]
    public void A_payload_up_to_64_KiB_is_read_and_a_larger_one_is_only_counted()
    {
        var largest = "halt" + new string(' ', MqttPayloads.MaxParsedPayload - 4);
        Assert.Equal("halt", Describe(largest));
        Assert.Equal($"MQTT engage command (unparseable payload, {MqttPayloads.MaxParsedPayload + 1} bytes)", Describe(largest + " "));
    }

    [Fact]
    public void Unreadable_payloads_say_their_size()
    {
        Assert.Equal("MQTT engage command (unparseable payload, 3 bytes)", MqttPayloads.DescribeEngageCommand([0xC3, 0x28, 0x41]));
        Assert.Equal("MQTT engage command (unparseable payload, 10 bytes)", Describe("{\"reason\":"));
        Assert.Equal("MQTT engage command (empty payload)", MqttPayloads.DescribeEngageCommand([]));
        Assert.Equal("MQTT engage command (empty payload)", Describe(" \r\n\t"));
    }
}
