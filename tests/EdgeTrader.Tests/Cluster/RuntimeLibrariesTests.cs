using EdgeTrader.Tests.Cli;
using EdgeTrader.Tests.Transports.Mqtt.Support;

namespace EdgeTrader.Tests.Cluster;

/// <summary>
/// What the daemon loads at run time while mirroring over TLS: the system's OpenSSL (Debian libssl3), and no MQTT
/// library (MQTT is managed code). The Debian package's Depends are these libraries (scripts/build-deb.sh).
/// </summary>
public class RuntimeLibrariesTests
{
    static string Script(string name)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "scripts", name))) dir = dir.Parent;
        return Path.Combine(dir?.FullName ?? throw new FileNotFoundException($"scripts/{name}"), "scripts", name);
    }

    [Fact]
    public async Task A_daemon_mirroring_over_tls_maps_libssl3_and_no_libmosquitto()
    {
        var dir = Directory.CreateTempSubdirectory("et-libs-").FullName;
        int port = Bin.FreePort();
        var setup = await MqttCli.Run("bash", [Script("mqtt-broker-setup.sh"), "--out", dir, "--prefix", "et/libs", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--bind", "127.0.0.1", "--conf-dir", dir, "--data-dir", Path.Combine(dir, "data"), "--days", "2", "lib-a"], timeoutMs: 120_000);
        Assert.True(setup.ExitCode == 0, setup.Stdout + setup.Stderr);
        Directory.CreateDirectory(Path.Combine(dir, "data"));
        var conf = File.ReadAllText(Path.Combine(dir, "mosquitto.conf"))
            .Replace("pid_file /run/mosquitto/mosquitto.pid", $"pid_file {dir}/mosquitto.pid")
            .Replace("log_dest file /var/log/mosquitto/mosquitto.log", $"log_dest file {dir}/mosquitto.log")
            + $"\nuser {Environment.UserName}\n";
        File.WriteAllText(Path.Combine(dir, "mosquitto.conf"), conf);
        using var broker = MosquittoBroker.FromConfig(dir, Path.Combine(dir, "mosquitto.conf"), port);

        using var d = new Daemon($"tcp://127.0.0.1:{Bin.FreePort()}", $"tcp://127.0.0.1:{Bin.FreePort()}", dryRun: true, node: "lib-a",
            mqtt: $$"""
            { "enabled": true, "host": "127.0.0.1", "port": {{port}}, "topicPrefix": "et/libs", "username": "lib-a",
              "passwordFile": "{{dir}}/passwords/lib-a", "caFile": "{{dir}}/ca.crt",
              "certFile": "{{dir}}/clients/lib-a.crt", "keyFile": "{{dir}}/clients/lib-a.key" }
            """);
        d.Start();
        Assert.True(Bin.WaitFor(() => d.Status().GetProperty("links").GetProperty("mqtt").GetProperty("state").GetString() == "up", TimeSpan.FromSeconds(20)),
            $"the TLS link did not come up: {d.Status().GetProperty("links").GetProperty("mqtt")}");

        var maps = File.ReadAllLines($"/proc/{d.Process!.Id}/maps")
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length >= 6)
            .Select(f => Path.GetFileName(f[5]))
            .ToHashSet();
        Assert.Contains("libssl.so.3", maps);
        Assert.Contains("libcrypto.so.3", maps);
        Assert.DoesNotContain(maps, m => m.StartsWith("libmosquitto", StringComparison.Ordinal));
        d.Stop();
        try { Directory.Delete(dir, true); } catch (IOException) { }
    }
}
