using System.Buffers;
using System.Text;
using System.Text.Json;
using EdgeTrader.KillSwitch;
using EdgeTrader.Transports.Mqtt;

namespace EdgeTrader.Tests.Transports.Mqtt;

public sealed class MqttPayloadsTests
{
    [Fact]
    public void State_payload_carries_every_contract_field()
    {
        var since = new DateTimeOffset(2026, 11, 21, 10, 0, 0, 123, TimeSpan.Zero);
        var state = new BreakerState(BreakerPosition.Engaged, 7, "loss \"limit\"", BreakerSource.Risk, since, 7, 3);
        var buffer = new ArrayBufferWriter<byte>();

        MqttPayloads.WriteState(buffer, "pi-1", state, since.AddSeconds(1));

        var j = JsonDocument.Parse(buffer.WrittenMemory).RootElement;
        Assert.Equal("pi-1", j.GetProperty("node").GetString());
        Assert.Equal("ENGAGED", j.GetProperty("state").GetString());
        Assert.Equal(7, j.GetProperty("generation").GetInt64());
        Assert.Equal("loss \"limit\"", j.GetProperty("reason").GetString());
        Assert.Equal("risk", j.GetProperty("source").GetString());
        Assert.Equal("2026-11-21T10:00:00.123Z", j.GetProperty("since").GetString());
        Assert.Equal(since.AddSeconds(1).ToUnixTimeMilliseconds(), j.GetProperty("time").GetInt64());
        Assert.Equal(7, j.EnumerateObject().Count());
    }

    [Fact]
    public void State_payload_written_by_a_node_is_read_back_by_its_peers()
    {
        var state = new BreakerState(BreakerPosition.Safe, 12, "reset", BreakerSource.Cli, DateTimeOffset.UnixEpoch, 12, 12);
        var buffer = new ArrayBufferWriter<byte>();
        MqttPayloads.WriteState(buffer, "n", state, DateTimeOffset.UnixEpoch);

        Assert.True(MqttPayloads.TryParsePeerState(buffer.WrittenSpan, out var peer));
        Assert.Equal(new PeerState(BreakerPosition.Safe, 12, "reset"), peer);
    }

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

    [Theory]
    [InlineData("")]
    [InlineData("ENGAGED")]
    [InlineData("""{"state":"ENGAGED"}""")]
    [InlineData("""{"state":"ENGAGED","generation":"7"}""")]
    [InlineData("""{"state":"ENGAGED","generation":7.5}""")]
    [InlineData("""{"state":"ENGAGED","generation":1e3}""")]
    [InlineData("""{"state":"ENGAGED","generation":-1}""")]
    [InlineData("""{"state":"ENGAGED","generation":9007199254740992}""")]
    [InlineData("""{"state":"ENGAGED","generation":99999999999999999999999}""")]
    [InlineData("""{"state":"engaged","generation":7}""")]
    [InlineData("""{"state":true,"generation":7}""")]
    [InlineData("""[{"state":"ENGAGED","generation":7}]""")]
    [InlineData("""{"state":"ENGAGED","generation":7,"state":"SAFE"}""")]
    public void Malformed_peer_state_is_rejected(string payload)
    {
        Assert.False(MqttPayloads.TryParsePeerState(Encoding.UTF8.GetBytes(payload), out _));
    }

    [Fact]
    public void Peer_state_with_invalid_utf8_is_rejected()
    {
        byte[] payload = [.. """{"state":"ENGAGED","generation":7,"reason":" """u8, 0xFF, .. "\"}"u8];
        Assert.False(MqttPayloads.TryParsePeerState(payload, out _));
    }
}
