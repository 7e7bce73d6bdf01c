using System.Buffers;
using System.Text;
using System.Text.Json;
using EdgeTrader.KillSwitch;
using EdgeTrader.Transports.Mqtt;

namespace EdgeTrader.Tests.Transports.Mqtt;

public sealed class MqttPayloadsTests
{
    [Fact]
    public void Engage_reason_comes_from_json_reason_and_origin()
    {
        Assert.Equal("halt (origin: desk)", MqttPayloads.DescribeEngageCommand("""{"reason":"halt","origin":"desk"}"""u8));
        Assert.Equal("halt", MqttPayloads.DescribeEngageCommand("""{"reason":"halt"}"""u8));
    }

    [Fact]
    public void Engage_plain_text_is_the_reason()
    {
        Assert.Equal("market halted", MqttPayloads.DescribeEngageCommand("market halted\n"u8));
    }

    public static TheoryData<byte[], string> UnreadableEngagePayloads => new()
    {
        { [], "empty payload" },
        { "   \n"u8.ToArray(), "empty payload" },
        { [0xC3, 0x28, 0xFF, 0xFE], "unparseable payload" },
        { [0x00, 0x01, 0x02, 0x9F, 0x80], "unparseable payload" },
        { "{\"reason\":"u8.ToArray(), "unparseable payload" },
        { """{"reason":42,"origin":[1,2]}"""u8.ToArray(), "no readable reason" },
        { """{"reason":"a","reason":"b"}"""u8.ToArray(), "unparseable payload" },
        { """{"reason":"x"} trailing"""u8.ToArray(), "unparseable payload" },
        { Encoding.ASCII.GetBytes(new string('[', 10_000)), "[[[[" },
        { Encoding.ASCII.GetBytes("{" + new string('x', 100_000)), "unparseable payload" },
    };

    [Theory]
    [MemberData(nameof(UnreadableEngagePayloads))]
    public void Engage_payload_that_cannot_be_read_still_gives_a_reason_that_says_so(byte[] payload, string expected)
    {
        var reason = MqttPayloads.DescribeEngageCommand(payload);
        Assert.Contains(expected, reason);
        Assert.True(reason.Length <= MqttPayloads.MaxTextLength + 1);
    }
}
