using Microsoft.Extensions.Time.Testing;
using System.Text;
using System.Text.Json;
using EdgeTrader.Tests.Support;
using EdgeTrader.Tests.Transports.Mqtt.Support;
using EdgeTrader.Transports.Mqtt;

namespace EdgeTrader.Tests.Transports.Mqtt;

public sealed class SignedResetVerifierTests
{
    static readonly byte[] Key = Convert.FromHexString("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
    const string Prefix = "edgetrader/test";
    readonly FakeTimeProvider _time = TestClock.New();

    const string E = "pi-1:0123456789abcdef:7";

    SignedResetVerifier Verifier(string node = "pi-1") => new(Key, Prefix, node, TimeSpan.FromSeconds(30), _time);
    long Now => _time.GetUtcNow().ToUnixTimeMilliseconds();

    [Theory]
    [InlineData("pi-1")]
    [InlineData("*")]
    public void Correctly_signed_fresh_reset_for_this_node_or_all_is_accepted(string target)
    {
        var payload = SignedResetVerifier.CreatePayload(Key, Prefix, target, E, Now, "nonce-0001", "desk cleared it");

        Assert.Equal(ResetVerdict.Accepted, Verifier().Verify(payload, out var reason, out _));
        Assert.Equal("desk cleared it", reason);
    }

    [Fact]
    public void Reset_signed_with_another_key_is_rejected()
    {
        var other = Convert.FromHexString("ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100");
        var payload = SignedResetVerifier.CreatePayload(other, Prefix, "pi-1", E, Now, "nonce-0001", "forged");
        Assert.Equal(ResetVerdict.BadSignature, Verifier().Verify(payload, out _, out _));
    }

    [Theory]
    [InlineData("reason", "\"changed\"")]
    [InlineData("node", "\"*\"")]
    [InlineData("nonce", "\"nonce-9999\"")]
    [InlineData("time", "1")]
    public void Reset_with_a_field_changed_after_signing_is_rejected(string field, string value)
    {
        var payload = SignedResetVerifier.CreatePayload(Key, Prefix, "pi-1", E, Now, "nonce-0001", "original");
        var doc = JsonDocument.Parse(payload).RootElement;
        var sb = new StringBuilder("{");
        foreach (var p in doc.EnumerateObject())
        {
            if (sb.Length > 1) sb.Append(',');
            var v = p.Name == field ? value : p.Value.GetRawText();
            sb.Append($"\"{p.Name}\":{v}");
        }
        sb.Append('}');
        Assert.Equal(ResetVerdict.BadSignature, Verifier().Verify(Encoding.UTF8.GetBytes(sb.ToString()), out _, out _));
    }

    [Fact]
    public void Reset_signed_for_another_cluster_prefix_is_rejected()
    {
        var payload = SignedResetVerifier.CreatePayload(Key, "edgetrader/other", "pi-1", E, Now, "nonce-0001", "x");
        Assert.Equal(ResetVerdict.BadSignature, Verifier().Verify(payload, out _, out _));
    }

    [Theory]
    [InlineData(-30_001)]
    [InlineData(30_001)]
    public void Reset_further_from_our_clock_than_the_replay_window_is_rejected(long offsetMs)
    {
        var payload = SignedResetVerifier.CreatePayload(Key, Prefix, "pi-1", E, Now + offsetMs, "nonce-0001", "x");
        Assert.Equal(ResetVerdict.OutsideWindow, Verifier().Verify(payload, out _, out _));
    }

    [Fact]
    public void Replayed_reset_is_rejected_within_the_window_and_stale_after_it()
    {
        var verifier = Verifier();
        var payload = SignedResetVerifier.CreatePayload(Key, Prefix, "pi-1", E, Now, "nonce-0001", "x");
        Assert.Equal(ResetVerdict.Accepted, verifier.Verify(payload, out _, out _));

        Assert.Equal(ResetVerdict.Replayed, verifier.Verify(payload, out _, out _));
        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(ResetVerdict.Replayed, verifier.Verify(payload, out _, out _));
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(ResetVerdict.OutsideWindow, verifier.Verify(payload, out _, out _));
    }

    [Fact]
    public void A_reset_that_names_no_engagement_is_refused()
    {
        var body = $$"""{"node":"pi-1","time":{{Now}},"nonce":"nonce-0001","reason":"x","hmac":"{{new string('0', 64)}}"}""";
        Assert.Equal(ResetVerdict.Unbound, Verifier().Verify(Encoding.UTF8.GetBytes(body), out _, out _));
    }

    [Fact]
    public void Reset_for_another_node_is_not_for_us()
    {
        var payload = SignedResetVerifier.CreatePayload(Key, Prefix, "pi-2", E, Now, "nonce-0001", "x");
        Assert.Equal(ResetVerdict.NotForThisNode, Verifier().Verify(payload, out _, out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData("reset please")]
    [InlineData("""{"node":"pi-1","engagement":"pi-1:0123456789abcdef:7","time":1,"nonce":"nonce-0001","reason":"x"}""")]
    [InlineData("""{"node":"pi-1","time":"1","nonce":"nonce-0001","reason":"x","hmac":"00"}""")]
    [InlineData("""{"node":"pi-1","engagement":"pi-1:0123456789abcdef:7","time":1,"nonce":"short","reason":"x","hmac":"0000000000000000000000000000000000000000000000000000000000000000"}""")]
    [InlineData("""{"node":"pi-1","engagement":"pi-1:0123456789abcdef:7","time":1,"nonce":"nonce 0001","reason":"x","hmac":"0000000000000000000000000000000000000000000000000000000000000000"}""")]
    [InlineData("""{"node":"pi-1","engagement":"pi-1:0123456789abcdef:7","time":1,"nonce":"nonce-0001","reason":"x","hmac":"zz00000000000000000000000000000000000000000000000000000000000000"}""")]
    public void Malformed_reset_is_rejected(string payload)
    {
        Assert.Equal(ResetVerdict.Malformed, Verifier().Verify(Encoding.UTF8.GetBytes(payload), out _, out _));
    }

    [Theory]
    [InlineData("pi-1", "cleared by \"desk\" \\ ok")]
    [InlineData("*", "")]
    [InlineData("*", "grüße ✓")]
    public async Task Reset_made_by_the_openssl_script_is_accepted(string target, string reason)
    {
        var keyFile = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(keyFile, Convert.ToHexStringLower(Key) + "\n");
            var r = await MqttCli.Run("bash", [ScriptPath("mqtt-signed-reset.sh"), "--key", keyFile, "--prefix", Prefix, "--node", target, "--engagement", E, "--reason", reason]);
            Assert.True(r.ExitCode == 0, r.Stderr);

            var verifier = new SignedResetVerifier(SignedResetVerifier.ReadKeyFile(keyFile), Prefix, "pi-1", TimeSpan.FromSeconds(30), TimeProvider.System);
            Assert.Equal(ResetVerdict.Accepted, verifier.Verify(Encoding.UTF8.GetBytes(r.Stdout.Trim()), out var got, out _));
            Assert.Equal(reason, got);
        }
        finally
        {
            File.Delete(keyFile);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("00112233")]
    [InlineData("not hex at all, not hex at all, not hex at all")]
    public void Key_file_must_hold_a_hex_key_of_at_least_16_bytes(string content)
    {
        var keyFile = Path.GetTempFileName();
        try
        {
            File.WriteAllText(keyFile, content);
            Assert.Throws<FormatException>(() => SignedResetVerifier.ReadKeyFile(keyFile));
        }
        finally
        {
            File.Delete(keyFile);
        }
    }

    internal static string ScriptPath(string name)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "scripts", name))) dir = dir.Parent;
        return dir is null ? throw new FileNotFoundException($"scripts/{name} not found above {AppContext.BaseDirectory}") : Path.Combine(dir.FullName, "scripts", name);
    }
}
