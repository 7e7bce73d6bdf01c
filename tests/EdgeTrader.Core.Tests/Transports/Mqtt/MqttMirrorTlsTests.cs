using System.Text;
using EdgeTrader.Health;
using EdgeTrader.KillSwitch;
using EdgeTrader.Tests.Transports.Mqtt.Support;
using EdgeTrader.Transports.Mqtt;

namespace EdgeTrader.Tests.Transports.Mqtt;

/// <summary>The shipped broker set-up (scripts/mqtt-broker-setup.sh + docs/examples/mosquitto) with real TLS.</summary>
public sealed class MqttMirrorTlsTests
{
    [Fact]
    public async Task Nodes_mirror_over_tls_with_client_certificates_and_passwords_made_by_the_setup_script()
    {
        var dir = Directory.CreateTempSubdirectory("edgetrader-mqtt-tls-").FullName;
        var prefix = MqttMirrorClusterTests.NewPrefix();
        int port = MosquittoBroker.FreePort();
        var setup = await MqttCli.Run("bash", [SignedResetVerifierTests.ScriptPath("mqtt-broker-setup.sh"),
            "--out", dir, "--prefix", prefix, "--port", port.ToString(), "--bind", "127.0.0.1",
            "--conf-dir", dir, "--data-dir", Path.Combine(dir, "data"), "--days", "2", "tls-a", "tls-b"], timeoutMs: 120_000);
        Assert.True(setup.ExitCode == 0, setup.Stdout + setup.Stderr);
        Directory.CreateDirectory(Path.Combine(dir, "data"));
        // Test-only changes: log and pid in the scratch directory, and no privilege drop (the files are root's).
        var conf = File.ReadAllText(Path.Combine(dir, "mosquitto.conf"))
            .Replace("pid_file /run/mosquitto/mosquitto.pid", $"pid_file {dir}/mosquitto.pid")
            .Replace("log_dest file /var/log/mosquitto/mosquitto.log", $"log_dest file {dir}/mosquitto.log")
            + $"\nuser {Environment.UserName}\n";
        File.WriteAllText(Path.Combine(dir, "mosquitto.conf"), conf);
        using var broker = MosquittoBroker.FromConfig(dir, Path.Combine(dir, "mosquitto.conf"), port);

        MirrorNode Node(string name) => new(name, MirrorNode.ClusterOptions(port, prefix) with
        {
            CaFile = Path.Combine(dir, "ca.crt"),
            CertFile = Path.Combine(dir, "clients", $"{name}.crt"),
            KeyFile = Path.Combine(dir, "clients", $"{name}.key"),
            Username = name,
            PasswordFile = Path.Combine(dir, "passwords", name),
            AllowRemoteReset = true,
            HmacKeyFile = Path.Combine(dir, "hmac.key"),
        });
        using var a = Node("tls-a");
        using var b = Node("tls-b");
        await Task.WhenAll(a.Connected(), b.Connected());

        a.Breaker.Engage("over tls", BreakerSource.Cli);
        await Wait.Until(() => b.IsEngaged, "b engaged by a over TLS");

        string[] Desk(params string[] rest) =>
        [
            "-h", "127.0.0.1", "-p", port.ToString(), "--cafile", Path.Combine(dir, "ca.crt"),
            "--cert", Path.Combine(dir, "clients", "desk.crt"), "--key", Path.Combine(dir, "clients", "desk.key"),
            "-u", "desk", "-P", File.ReadAllText(Path.Combine(dir, "passwords", "desk")).Trim(), "-q", "1", .. rest,
        ];
        var reset = await MqttCli.Run("bash", [SignedResetVerifierTests.ScriptPath("mqtt-signed-reset.sh"), "--key", Path.Combine(dir, "hmac.key"), "--prefix", prefix, "--node", "*", "--engagement", a.Breaker.State.Engagement!.Value.ToString(), "--reason", "desk over tls"]);
        Assert.True(reset.ExitCode == 0, reset.Stderr);
        var pub = await MqttCli.Run("mosquitto_pub", Desk("-t", $"{prefix}/killswitch/reset", "-m", reset.Stdout.Trim()));
        Assert.True(pub.ExitCode == 0, pub.Stderr);
        await Wait.Until(() => !a.IsEngaged && !b.IsEngaged, "both reset by the signed desk command");

        // Without a client certificate the broker refuses the TLS handshake.
        var noCert = await MqttCli.Run("mosquitto_pub", ["-h", "127.0.0.1", "-p", port.ToString(), "--cafile", Path.Combine(dir, "ca.crt"),
            "-u", "desk", "-P", File.ReadAllText(Path.Combine(dir, "passwords", "desk")).Trim(), "-q", "1", "-t", $"{prefix}/killswitch/engage", "-m", "x"]);
        Assert.NotEqual(0, noCert.ExitCode);
        Assert.False(a.IsEngaged);

        var engage = await MqttCli.Run("mosquitto_pub", Desk("-t", $"{prefix}/killswitch/engage", "-m", "desk halt"));
        Assert.True(engage.ExitCode == 0, engage.Stderr);
        await Wait.Until(() => a.IsEngaged && b.IsEngaged, "both engaged by the desk");

        // A node that does not trust the broker's certificate never connects, and its link says why.
        using var untrusting = new MirrorNode("tls-a", MirrorNode.ClusterOptions(port, prefix) with
        {
            ClientId = "edgetrader-untrusting",
            CaFile = Path.Combine(dir, "clients", "desk.crt"), // a certificate, but not the CA that signed the broker's
            CertFile = Path.Combine(dir, "clients", "tls-a.crt"),
            KeyFile = Path.Combine(dir, "clients", "tls-a.key"),
            Username = "tls-a",
            PasswordFile = Path.Combine(dir, "passwords", "tls-a"),
        });
        await Wait.Until(() => untrusting.Health.Get(Link.Mqtt).Detail.Contains("TLS"), "TLS failure reported");
        Assert.Equal(LinkState.Degraded, untrusting.Health.Get(Link.Mqtt).State);
        Assert.False(untrusting.Mirror.IsConnected);
        try { Directory.Delete(dir, true); } catch (IOException) { }
    }
}
