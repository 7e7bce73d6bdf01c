using System.Text;
using System.Text.Json.Nodes;
using EdgeTrader.KillSwitch;
using EdgeTrader.Tests.Support;
using EdgeTrader.Transports.Mqtt;
using Microsoft.Extensions.Time.Testing;

namespace EdgeTrader.Tests.Transports.Mqtt;

/// <summary>The edges of a signed reset: sizes, field rules, the replay window and the nonce memory.</summary>
public sealed class SignedResetVerifierRuleTests
{
    static readonly byte[] Key = Convert.FromHexString("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
    const string Prefix = "edgetrader/test";
    const string E = "pi-1:0123456789abcdef:7";
    static readonly TimeSpan Window = TimeSpan.FromSeconds(30);
    readonly FakeTimeProvider _time = TestClock.New();

    SignedResetVerifier Verifier() => new(Key, Prefix, "pi-1", Window, _time);
    long Now => _time.GetUtcNow().ToUnixTimeMilliseconds();

    byte[] Signed(string node = "pi-1", string nonce = "nonce-0001", string reason = "desk", long? time = null, string engagement = E) =>
        SignedResetVerifier.CreatePayload(Key, Prefix, node, engagement, time ?? Now, nonce, reason);

    [Fact]
    public void An_accepted_reset_gives_the_sanitised_reason_and_the_engagement_it_clears()
    {
        var v = Verifier();
        Assert.Equal(ResetVerdict.Accepted, v.Verify(Signed(reason: "desk\nchecked "), out var reason, out var engagement));
        Assert.Equal("desk checked", reason);
        Assert.Equal(new EngagementId("pi-1", "0123456789abcdef", 7), engagement);
    }

    [Fact]
    public void A_refused_reset_gives_no_reason_and_no_engagement()
    {
        Assert.Equal(ResetVerdict.BadSignature, Verifier().Verify(SignedResetVerifier.CreatePayload(Key, "other", "pi-1", E, Now, "nonce-0001", "x"), out var reason, out var engagement));
        Assert.Equal("", reason);
        Assert.Equal(default, engagement);
    }

    [Fact]
    public void The_signed_text_is_the_documented_canonical_form()
    {
        Assert.Equal("edgetrader-reset-v2\nP\n*\npi-1:0123456789abcdef:7\n1700000000000\nnonce-0001\nr",
            SignedResetVerifier.Canonical("P", "*", E, 1_700_000_000_000, "nonce-0001", "r"));
    }

    [Theory]
    [InlineData("node")]
    [InlineData("nonce")]
    [InlineData("reason")]
    [InlineData("hmac")]
    [InlineData("time")]
    public void A_reset_missing_a_field_is_malformed(string field)
    {
        var o = JsonNode.Parse(Signed())!.AsObject();
        o.Remove(field);
        Assert.Equal(ResetVerdict.Malformed, Verifier().Verify(Encoding.UTF8.GetBytes(o.ToJsonString()), out _, out _));
    }

    [Theory]
    [InlineData("node", "7")]
    [InlineData("nonce", "7")]
    [InlineData("reason", "null")]
    [InlineData("hmac", "[]")]
    [InlineData("time", "\"1\"")]
    [InlineData("time", "1.0")]
    [InlineData("time", "1e3")]
    [InlineData("time", "1E3")]
    [InlineData("time", "99999999999999999999")]
    [InlineData("engagement", "\"pi-1:0123456789abcdef:0\"")]
    public void A_reset_with_a_field_of_the_wrong_kind_is_malformed(string field, string json)
    {
        var o = JsonNode.Parse(Signed())!.AsObject();
        o[field] = JsonNode.Parse(json);
        Assert.Equal(ResetVerdict.Malformed, Verifier().Verify(Encoding.UTF8.GetBytes(o.ToJsonString()), out _, out _));
    }

    [Theory]
    [InlineData("n0nce-_.", true)]
    [InlineData("nonce-7", false)]
    [InlineData("nonce/01", false)]
    [InlineData("nonce:01", false)]
    [InlineData("noncé-01", false)]
    public void A_nonce_is_8_to_128_letters_digits_dashes_underscores_or_dots(string nonce, bool valid)
    {
        Assert.Equal(valid ? ResetVerdict.Accepted : ResetVerdict.Malformed, Verifier().Verify(Signed(nonce: nonce), out _, out _));
    }

    [Fact]
    public void A_nonce_of_128_characters_is_accepted_and_of_129_is_malformed()
    {
        Assert.Equal(ResetVerdict.Accepted, Verifier().Verify(Signed(nonce: new string('n', 128)), out _, out _));
        Assert.Equal(ResetVerdict.Malformed, Verifier().Verify(Signed(nonce: new string('n', 129)), out _, out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData("pi-1\n")]
    public void A_reset_for_an_empty_or_multi_line_node_is_malformed(string node)
    {
        Assert.Equal(ResetVerdict.Malformed, Verifier().Verify(Signed(node: node), out _, out _));
    }

    [Fact]
    public void A_signed_reason_of_1024_characters_is_accepted_and_a_longer_one_is_malformed()
    {
        Assert.Equal(ResetVerdict.Accepted, Verifier().Verify(Signed(reason: new string('r', 1024)), out var reason, out _));
        Assert.Equal(BreakerStateCodec.MaxReasonLength + 1, reason.Length); // cut, with the mark
        Assert.Equal(ResetVerdict.Malformed, Verifier().Verify(Signed(nonce: "nonce-0002", reason: new string('r', 1025)), out _, out _));
    }

    [Theory]
    [InlineData(63)]
    [InlineData(65)]
    public void An_hmac_that_is_not_64_hex_digits_is_malformed(int length)
    {
        var o = JsonNode.Parse(Signed())!.AsObject();
        var hmac = o["hmac"]!.GetValue<string>();
        o["hmac"] = length < 64 ? hmac[..length] : hmac + "0";
        Assert.Equal(ResetVerdict.Malformed, Verifier().Verify(Encoding.UTF8.GetBytes(o.ToJsonString()), out _, out _));
    }

    [Fact]
    public void An_hmac_in_upper_case_hex_is_the_same_signature()
    {
        var o = JsonNode.Parse(Signed())!.AsObject();
        o["hmac"] = o["hmac"]!.GetValue<string>().ToUpperInvariant();
        Assert.Equal(ResetVerdict.Accepted, Verifier().Verify(Encoding.UTF8.GetBytes(o.ToJsonString()), out _, out _));
    }

    [Fact]
    public void A_reset_for_another_node_is_not_for_us_before_its_signature_is_checked()
    {
        var forged = JsonNode.Parse(Signed(node: "pi-2"))!.AsObject();
        forged["hmac"] = new string('0', 64);
        Assert.Equal(ResetVerdict.NotForThisNode, Verifier().Verify(Encoding.UTF8.GetBytes(forged.ToJsonString()), out _, out _));
    }

    [Fact]
    public void A_payload_of_up_to_64_KiB_is_read_and_a_larger_one_is_not()
    {
        var body = Encoding.UTF8.GetString(Signed());
        var largest = body + new string(' ', MqttPayloads.MaxParsedPayload - body.Length);
        Assert.Equal(ResetVerdict.Accepted, Verifier().Verify(Encoding.UTF8.GetBytes(largest), out _, out _));
        Assert.Equal(ResetVerdict.Malformed, Verifier().Verify(Encoding.UTF8.GetBytes(largest + " "), out _, out _));
    }

    [Theory]
    [InlineData(-30_000)]
    [InlineData(30_000)]
    public void A_reset_at_the_edge_of_the_replay_window_is_accepted(long offsetMs)
    {
        Assert.Equal(ResetVerdict.Accepted, Verifier().Verify(Signed(time: Now + offsetMs), out _, out _));
    }

    [Fact]
    public void A_nonce_is_remembered_for_as_long_as_its_message_is_inside_the_window()
    {
        var v = Verifier();
        var first = Signed();
        Assert.Equal(ResetVerdict.Accepted, v.Verify(first, out _, out _));
        _time.Advance(Window); // the message is exactly at the window's edge: still valid, so still a replay
        Assert.Equal(ResetVerdict.Replayed, v.Verify(first, out _, out _));
        Assert.Equal(ResetVerdict.Replayed, v.Verify(Signed(), out _, out _)); // same nonce, fresh time
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(ResetVerdict.OutsideWindow, v.Verify(first, out _, out _));
        Assert.Equal(ResetVerdict.Accepted, v.Verify(Signed(), out _, out _)); // forgotten once its first use expired
    }

    [Fact]
    public void At_most_4096_nonces_are_remembered_and_resets_are_refused_beyond_until_old_ones_expire()
    {
        var v = Verifier();
        for (int i = 0; i < SignedResetVerifier.MaxRemembered; i++)
            Assert.Equal(ResetVerdict.Accepted, v.Verify(Signed(nonce: $"nonce-{i:D6}"), out _, out _));
        Assert.Equal(ResetVerdict.Replayed, v.Verify(Signed(nonce: "nonce-new-one"), out _, out _));
        _time.Advance(Window + TimeSpan.FromMilliseconds(1));
        Assert.Equal(ResetVerdict.Accepted, v.Verify(Signed(nonce: "nonce-new-one"), out _, out _));
    }

    [Theory]
    [InlineData("00112233445566778899aabbccddeeff", 16)]
    [InlineData("  00112233445566778899AABBCCDDEEFF00  \r\nsecond line ignored", 17)]
    public void A_key_file_gives_the_hex_key_of_its_first_line(string content, int bytes)
    {
        var keyFile = Path.GetTempFileName();
        try
        {
            File.WriteAllText(keyFile, content);
            var key = SignedResetVerifier.ReadKeyFile(keyFile);
            Assert.Equal(bytes, key.Length);
            Assert.Equal(0x00, key[0]);
            Assert.Equal(0xff, key[15]);
        }
        finally
        {
            File.Delete(keyFile);
        }
    }

    [Theory]
    [InlineData("00112233445566778899aabbccddeef")] // 31 digits
    [InlineData("00112233445566778899aabbccddeeff0")] // odd
    [InlineData("00112233445566778899aabbccddeefg")]
    [InlineData("\n00112233445566778899aabbccddeeff")] // the key is on the first line
    public void A_key_file_without_a_whole_hex_key_of_16_bytes_on_its_first_line_is_refused(string content)
    {
        var keyFile = Path.GetTempFileName();
        try
        {
            File.WriteAllText(keyFile, content);
            var ex = Assert.Throws<FormatException>(() => SignedResetVerifier.ReadKeyFile(keyFile));
            Assert.Contains(keyFile, ex.Message);
            Assert.Contains("at least 16 bytes", ex.Message);
        }
        finally
        {
            File.Delete(keyFile);
        }
    }
}
