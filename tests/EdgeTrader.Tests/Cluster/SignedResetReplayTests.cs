using EdgeTrader.Tests.Cli;
using EdgeTrader.Tests.Transports.Mqtt.Support;

namespace EdgeTrader.Tests.Cluster;

/// <summary>A signed remote reset names the engagement it clears: replayed after a restart it clears nothing.</summary>
public class SignedResetReplayTests
{
    static string Script
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "scripts", "mqtt-signed-reset.sh"))) dir = dir.Parent;
            return Path.Combine(dir?.FullName ?? throw new FileNotFoundException("scripts/mqtt-signed-reset.sh"), "scripts", "mqtt-signed-reset.sh");
        }
    }

    [Fact]
    public async Task A_signed_reset_replayed_after_a_restart_does_not_reset_the_new_engagement()
    {
        using var broker = MosquittoBroker.Start();
        var dir = Directory.CreateTempSubdirectory("et-replay-").FullName;
        var key = Path.Combine(dir, "hmac.key");
        File.WriteAllText(key, "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n");
        using var d = new Daemon($"tcp://127.0.0.1:{Bin.FreePort()}", $"tcp://127.0.0.1:{Bin.FreePort()}", dryRun: true, node: "pi-1",
            mqtt: $$"""{ "enabled": true, "host": "127.0.0.1", "port": {{broker.Port}}, "topicPrefix": "et/replay", "allowRemoteReset": true, "hmacKeyFile": "{{key}}", "replayWindowMs": 120000 }""");
        d.Start();
        bool Up() => d.Status().GetProperty("links").GetProperty("mqtt").GetProperty("state").GetString() == "up";
        Assert.True(Bin.WaitFor(Up, TimeSpan.FromSeconds(20)));
        Assert.Equal(0, Bin.Run("engage", "--reason", "first", "--socket", d.Socket).Exit);
        var engagement = d.Status().GetProperty("engagement").GetString()!;

        var signed = await MqttCli.Run("bash", [Script, "--key", key, "--prefix", "et/replay", "--node", "pi-1", "--engagement", engagement, "--reason", "desk"]);
        Assert.True(signed.ExitCode == 0, signed.Stderr);
        var port = broker.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(0, (await MqttCli.Run("mosquitto_pub", ["-h", "127.0.0.1", "-p", port, "-q", "1", "-t", "et/replay/killswitch/reset", "-m", signed.Stdout.Trim()])).ExitCode);
        Assert.True(Bin.WaitFor(() => d.Status().GetProperty("state").GetString() == "SAFE", TimeSpan.FromSeconds(10)), "the signed reset did not reset");

        // Restarted: the nonces it had seen are gone. A new engagement, then the same message again.
        d.Stop();
        d.Start();
        Assert.True(Bin.WaitFor(Up, TimeSpan.FromSeconds(20)));
        Assert.Equal(0, Bin.Run("engage", "--reason", "second", "--socket", d.Socket).Exit);
        Assert.Equal(0, (await MqttCli.Run("mosquitto_pub", ["-h", "127.0.0.1", "-p", port, "-q", "1", "-t", "et/replay/killswitch/reset", "-m", signed.Stdout.Trim()])).ExitCode);
        Assert.False(Bin.WaitFor(() => d.Status().GetProperty("state").GetString() == "SAFE", TimeSpan.FromSeconds(3)), "a replayed reset cleared a later engagement");
        Assert.NotEqual(engagement, d.Status().GetProperty("engagement").GetString());
    }
}
