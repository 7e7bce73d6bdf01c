using System.Diagnostics;
using System.Text.Json;
using EdgeTrader.Tests.Cli;

namespace EdgeTrader.Tests.Transports;

/// <summary>
/// The daemon on <c>bridge.transport</c> "netmq" as a process: the NetMQ transport compiled by NativeAOT (trimmed), against
/// the libzmq peers a box meets (sim-bridge), and against a hostile bridge.
/// </summary>
[Trait("Arch", "arm64")] // also run against the arm64 binary under qemu-user (Bin, scripts/test.sh)
public class NetMqDaemonTests
{
    static string Ep() => $"tcp://127.0.0.1:{Bin.FreePort()}";

    static long Counter(Daemon d, string name) => d.Status().GetProperty("counters").GetProperty(name).GetInt64();

    [Fact]
    public async Task On_netmq_every_tick_becomes_an_order_and_after_an_engagement_none_does_and_cancel_all_arrives()
    {
        string ticks = Ep(), gw = Ep();
        using var d = new Daemon(ticks, gw, transport: "netmq");
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        using var sim = Process.Start(Bin.PeerStartInfo(["sim-bridge", "--ticks", ticks, "--gateway", gw, "--rate", 2000.ToString(inv)]))!;
        _ = sim.StandardError.ReadToEndAsync();
        var simOut = sim.StandardOutput.ReadToEndAsync();
        d.Start();
        Assert.True(Bin.WaitFor(() => Counter(d, "orders") >= 1_000, TimeSpan.FromSeconds(20)), "orders did not flow over NetMQ");
        Assert.Equal(0, Bin.Run("engage", "--reason", "netmq stop", "--socket", d.Socket).Exit);
        long orders = Counter(d, "orders"), ticksAtEngage = Counter(d, "ticks");
        Assert.True(Bin.WaitFor(() => Counter(d, "ticks") >= ticksAtEngage + 1_000, TimeSpan.FromSeconds(20)), "ticks stopped after the engagement");
        Assert.True(Bin.WaitFor(() => Counter(d, "fills") == orders, TimeSpan.FromSeconds(10)), "every order should be filled");
        Bin.Terminate(sim);
        Assert.True(sim.WaitForExit(Bin.Scaled(10_000)));
        using var s = JsonDocument.Parse(await simOut);
        Assert.Equal(orders, Counter(d, "orders"));
        Assert.Equal(orders, s.RootElement.GetProperty("orders").GetInt64());
        Assert.Equal(1, s.RootElement.GetProperty("cancelAll").GetInt64());
        Assert.Equal(0, d.Stop());
        // The log names the transport that carried it (and NetMQ's version): not a silent fallback to libzmq.
        Assert.Contains(Directory.GetFiles(Path.Combine(d.Dir, "log"), "edgetrader-*.json").SelectMany(File.ReadAllLines),
            l => l.Contains("ZeroMQ transport", StringComparison.Ordinal) && l.Contains("NetMQ 4.", StringComparison.Ordinal));
    }

    [Fact]
    public void A_bridge_whose_handshake_kills_netmqs_io_thread_engages_the_breaker_and_stops_the_daemon()
    {
        int port = Bin.FreePort();
        using var d = new Daemon($"tcp://127.0.0.1:{port}", Ep(), transport: "netmq");
        d.Start();
        Assert.Equal("SAFE", d.Status().GetProperty("state").GetString());
        // A ZMTP 3.0 peer whose READY command gives its Socket-Type property a length of -1: NetMQ 4.0.4.5 allocates
        // new byte[-1] on its I/O thread (OverflowException there), where libzmq drops the connection.
        string script = $$"""
import socket, struct
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", {{port}})); srv.listen(1); srv.settimeout(60)
c, _ = srv.accept(); c.settimeout(60)
c.sendall(b"\xff" + b"\x00" * 8 + b"\x7f" + b"\x03\x00" + b"NULL".ljust(20, b"\x00") + b"\x00" + b"\x00" * 31)
got = b""
while len(got) < 64:
    chunk = c.recv(64 - len(got))
    if not chunk: break
    got += chunk
body = b"\x05READY" + b"\x0bSocket-Type" + struct.pack(">i", -1) + b"P"
c.sendall(bytes([0x04, len(body)]) + body)
try:
    c.recv(1)  # until the daemon is gone
except OSError:
    pass
""";
        var psi = new ProcessStartInfo("python3") { RedirectStandardInput = true };
        using var py = Process.Start(psi)!;
        py.StandardInput.Write(script);
        py.StandardInput.Close();
        Assert.True(d.Process!.WaitForExit(Bin.Scaled(20_000)), "the daemon kept running with NetMQ's I/O thread dead");
        Assert.Equal(1, d.Process.ExitCode); // failed closed, not killed by an unhandled exception (134, SIGABRT)
        Assert.True(py.WaitForExit(10_000));
        using var state = JsonDocument.Parse(File.ReadAllText(Path.Combine(d.Dir, "state", "breaker.json")));
        Assert.Equal("ENGAGED", state.RootElement.GetProperty("state").GetString());
        Assert.Contains("NetMQ", state.RootElement.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }
}
