using System.Diagnostics;
using System.Text.Json;
using EdgeTrader.Configuration;
using EdgeTrader.KillSwitch;
using EdgeTrader.Tests.Transports.Mqtt.Support;

namespace EdgeTrader.Tests.Transports.Mqtt;

/// <summary>
/// The real thing: the `edgetrader run` daemon as a child process holding an MQTT connection, killed with SIGKILL.
/// The binary is EDGETRADER_BIN, else artifacts/linux-x64/edgetrader (./build-aot.sh), else the solution's Debug build
/// of src/EdgeTrader run with `dotnet`.
/// </summary>
public sealed class MqttMirrorDaemonTests
{
    [Fact]
    public async Task Killed_daemon_leaves_online_false_by_its_will_and_its_last_state_retained_and_comes_back_engaged()
    {
        using var broker = MosquittoBroker.Start();
        var prefix = MqttMirrorClusterTests.NewPrefix();
        var dir = Path.Combine(broker.Dir, "daemon");
        Directory.CreateDirectory(dir);
        var config = Path.Combine(dir, "edgetrader.json");
        // Every key written out (ToJson of the full options), so the test does not depend on defaults for omitted keys.
        File.WriteAllText(config, ConfigLoader.ToJson(new EdgeTraderOptions
        {
            Node = "d1",
            StateDir = Path.Combine(dir, "state"),
            LogDir = Path.Combine(dir, "log"),
            Control = new ControlOptions { Socket = Path.Combine(dir, "control.sock") },
            Bridge = new BridgeOptions { Ticks = $"tcp://127.0.0.1:{MosquittoBroker.FreePort()}" },
            Gateway = new GatewayOptions { Endpoint = $"tcp://127.0.0.1:{MosquittoBroker.FreePort()}" },
            Mqtt = new MqttOptions { Enabled = true, Host = "127.0.0.1", Port = broker.Port, TopicPrefix = prefix },
        }));
        using var peer = new MirrorNode("peer", MirrorNode.ClusterOptions(broker.Port, prefix));
        await peer.Connected();

        using (var daemon = StartDaemon(config))
        {
            await WaitRetained(broker, prefix, "d1", "online", v => v == "true", daemon);
            var engaged = peer.Breaker.Engage("peer tripped", BreakerSource.Cli);
            var state = await WaitRetained(broker, prefix, "d1", "state", v => v.Contains("\"ENGAGED\""), daemon);
            Assert.Equal(engaged.Generation, JsonDocument.Parse(state).RootElement.GetProperty("generation").GetInt64());

            daemon.Kill(); // SIGKILL: no DISCONNECT, so the broker publishes the Last Will
            await daemon.WaitForExitAsync();
        }
        await WaitRetained(broker, prefix, "d1", "online", v => v == "false", null);
        var last = await MqttCli.Retained(broker.Port, $"{prefix}/nodes/d1/state", 1);
        Assert.Contains("\"ENGAGED\"", last.Values.Single());

        // The breaker state survived the kill: the daemon comes back ENGAGED and says so.
        peer.Breaker.Reset("peer checked", BreakerSource.Cli);
        using (var daemon = StartDaemon(config))
        {
            await WaitRetained(broker, prefix, "d1", "online", v => v == "true", daemon);
            var back = await WaitRetained(broker, prefix, "d1", "state", v => v.Contains("\"ENGAGED\""), daemon);
            Assert.Equal("peer", JsonDocument.Parse(back).RootElement.GetProperty("source").GetString());
            daemon.Kill();
            await daemon.WaitForExitAsync();
        }
    }

    static async Task<string> WaitRetained(MosquittoBroker broker, string prefix, string node, string what, Func<string, bool> ok, Process? daemon)
    {
        var topic = $"{prefix}/nodes/{node}/{what}";
        var map = await Wait.UntilValue(
            () => MqttCli.Retained(broker.Port, topic, 1),
            m => (daemon is not null && daemon.HasExited) || (m.TryGetValue(topic, out var v) && ok(v)),
            $"retained {topic}", 60_000);
        if (daemon is not null && daemon.HasExited) Assert.Fail($"the daemon exited with {daemon.ExitCode}");
        return map[topic];
    }

    static Process StartDaemon(string config)
    {
        var (file, prefixArgs) = Daemon();
        var psi = new ProcessStartInfo(file, [.. prefixArgs, "run", "--config", config])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var p = Process.Start(psi)!;
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    static (string File, string[] Args) Daemon()
    {
        var env = Environment.GetEnvironmentVariable("EDGETRADER_BIN");
        if (!string.IsNullOrEmpty(env)) return (env, []);
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "EdgeTrader.sln"))) root = root.Parent;
        Assert.NotNull(root);
        var aot = Path.Combine(root.FullName, "artifacts", "linux-x64", "edgetrader");
        if (File.Exists(aot)) return (aot, []);
        foreach (var config in new[] { "Debug", "Release" })
        {
            var dll = Path.Combine(root.FullName, "src", "EdgeTrader", "bin", config, "net10.0", "edgetrader.dll");
            if (File.Exists(dll)) return ("dotnet", [dll]);
        }
        Assert.Fail("no edgetrader binary: set EDGETRADER_BIN, run ./build-aot.sh, or build the solution (dotnet build EdgeTrader.sln)");
        return default;
    }
}
