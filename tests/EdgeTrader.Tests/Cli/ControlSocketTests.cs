using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Xunit.Abstractions;

namespace EdgeTrader.Tests.Cli;

/// <summary>
/// The daemon's control socket under hostile local clients: a trickler, idle connections, a crowd. `engage` keeps its
/// normal round trip and `status` is answered. Round trips are compared with the same daemon's, measured just before.
/// </summary>
[Trait("Arch", "arm64")] // also run against the arm64 binary under qemu-user (Bin, scripts/test.sh): the bounds scale with its round trip
public sealed class ControlSocketTests : IDisposable
{
    readonly Daemon _d = new($"tcp://127.0.0.1:{Bin.FreePort()}", $"tcp://127.0.0.1:{Bin.FreePort()}", dryRun: true);
    readonly ITestOutputHelper _out;

    public ControlSocketTests(ITestOutputHelper output)
    {
        _out = output;
        _d.Start();
    }

    public void Dispose() => _d.Dispose();

    Socket Connect()
    {
        var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified) { ReceiveTimeout = 10_000, SendTimeout = 10_000 };
        s.Connect(new UnixDomainSocketEndPoint(_d.Socket));
        return s;
    }

    static string Answer(Socket s)
    {
        var buf = new byte[1 << 20];
        int n = 0;
        while (n < buf.Length)
        {
            int r = s.Receive(buf, n, buf.Length - n, SocketFlags.None);
            if (r == 0) break;
            n += r;
            if (buf.AsSpan(0, n).IndexOf((byte)'\n') >= 0) break;
        }
        return Encoding.UTF8.GetString(buf, 0, n).TrimEnd('\n');
    }

    string Raw(string request)
    {
        using var s = Connect();
        s.Send(Encoding.UTF8.GetBytes(request));
        return Answer(s);
    }

    static JsonElement Json(string line)
    {
        using var doc = JsonDocument.Parse(line);
        return doc.RootElement.Clone();
    }

    /// <summary>One request from connect to answer, as the CLI makes it, timed.</summary>
    TimeSpan Timed(string command, out JsonElement answer)
    {
        var sw = Stopwatch.StartNew();
        string line = Raw($"{{\"command\":\"{command}\",\"reason\":\"e2e {command}\"}}\n");
        sw.Stop();
        answer = Json(line);
        return sw.Elapsed;
    }

    /// <summary>
    /// Median engage, reset and status round trip with nobody else connected, and the bound derived from it: 10 × that, or
    /// that plus <paramref name="room"/> (default 300 ms) if more.
    /// </summary>
    TimeSpan Bound(TimeSpan? room = null)
    {
        var rtts = new List<TimeSpan>();
        for (int i = 0; i < 5; i++)
        {
            rtts.Add(Timed("engage", out var e));
            Assert.Equal("ENGAGED", e.GetProperty("state").GetString());
            rtts.Add(Timed("reset", out var r));
            Assert.True(r.GetProperty("ok").GetBoolean(), r.ToString());
            // status too: its first answer under qemu-user includes translating its code (seen: 797 ms), which belongs
            // to the base, not to the attack
            rtts.Add(Timed("status", out var st));
            Assert.Equal("SAFE", st.GetProperty("state").GetString());
        }
        var median = rtts.Order().ElementAt(rtts.Count / 2);
        _out.WriteLine($"alone: median round trip {median.TotalMilliseconds:0.00} ms (max {rtts.Max().TotalMilliseconds:0.00} ms)");
        // Room for a loaded 2-core machine; every attack below costs 2 s or more on a server that serves one at a time.
        return TimeSpan.FromTicks(Math.Max(median.Ticks * 10, (median + (room ?? TimeSpan.FromMilliseconds(300))).Ticks));
    }

    void EngageAndStatusWithin(TimeSpan bound)
    {
        var took = Timed("status", out var s);
        _out.WriteLine($"under attack: status {took.TotalMilliseconds:0.00} ms");
        Assert.True(took < bound, $"status took {took.TotalMilliseconds:0.0} ms; bound {bound.TotalMilliseconds:0.0} ms");
        Assert.Equal("SAFE", s.GetProperty("state").GetString());
        took = Timed("engage", out var e);
        _out.WriteLine($"under attack: engage {took.TotalMilliseconds:0.00} ms");
        Assert.True(took < bound, $"engage took {took.TotalMilliseconds:0.0} ms; bound {bound.TotalMilliseconds:0.0} ms");
        Assert.Equal("ENGAGED", e.GetProperty("state").GetString());
        // And through the CLI, which gives up after 5 s ("no daemon answers").
        var (exit, stdout, stderr) = Bin.Run("engage", "--reason", "e2e cli", "--socket", _d.Socket);
        Assert.True(exit == 0, stderr);
        Assert.Contains("ENGAGED", stdout);
        Assert.Equal(0, Bin.Run("status", "--socket", _d.Socket).Exit);
    }

    [Fact]
    public void A_client_sending_one_byte_every_1_5_s_does_not_delay_engage()
    {
        var bound = Bound();
        using var slow = Connect();
        using var stop = new ManualResetEventSlim();
        var trickle = new Thread(() =>
        {
            try
            {
                foreach (byte b in "{\"command\":\"status\"}\n"u8.ToArray())
                {
                    slow.Send([b]);
                    if (stop.Wait(1500)) return;
                }
            }
            catch (SocketException) { } // the daemon closed it at its deadline
        });
        trickle.Start();
        try
        {
            EngageAndStatusWithin(bound);
        }
        finally
        {
            stop.Set();
            trickle.Join();
        }
    }

    [Fact]
    public void Thirty_idle_connections_do_not_delay_engage()
    {
        var bound = Bound();
        var idle = Enumerable.Range(0, 30).Select(_ => Connect()).ToList();
        try
        {
            EngageAndStatusWithin(bound);
        }
        finally
        {
            idle.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public void A_thousand_clients_do_not_delay_engage()
    {
        // The crowd's cost is the daemon's own code answering about 250 status requests, which qemu-user runs 13-16 ×
        // slower, while a round trip alone is mostly the kernel's (arm64 under qemu-user: 10.7 ms against 8.1 ms
        // native; status under this crowd 728 against 74 ms): the room scales by EDGETRADER_TIME_FACTOR. A server that
        // waited on one idle connection would still take its 2 s deadline per connection ahead of engage.
        var bound = Bound(Bin.Scaled(TimeSpan.FromMilliseconds(300)));
        // 1,000 connections at once, half idle, half asking for status; engage arrives in the middle of them.
        var crowd = new List<Socket>();
        try
        {
            for (int i = 0; i < 1000; i++)
            {
                var s = Connect();
                if (i % 2 == 1) s.Send("{\"command\":\"status\"}\n"u8.ToArray());
                crowd.Add(s);
                if (i == 500) EngageAndStatusWithin(bound);
            }
            var took = Timed("status", out var st);
            Assert.True(took < bound, $"status after the crowd took {took.TotalMilliseconds:0.0} ms; bound {bound.TotalMilliseconds:0.0} ms");
            Assert.Equal("ENGAGED", st.GetProperty("state").GetString());
        }
        finally
        {
            crowd.ForEach(s => s.Dispose());
        }
        Assert.False(_d.Process!.HasExited);
    }

    [Theory]
    [InlineData(5 * 1024, "r")]
    [InlineData(1500, "€")]
    public void A_reason_of_any_length_engages_cut_to_1024_bytes(int count, string unit)
    {
        string reason = string.Concat(Enumerable.Repeat(unit, count));
        var (exit, stdout, stderr) = Bin.Run("engage", "--reason", reason, "--socket", _d.Socket);
        Assert.True(exit == 0, stderr);
        Assert.Contains("ENGAGED", stdout);
        var s = _d.Status();
        Assert.Equal("ENGAGED", s.GetProperty("state").GetString());
        string kept = s.GetProperty("reason").GetString()!;
        Assert.True(Encoding.UTF8.GetByteCount(kept) <= 1024, $"{Encoding.UTF8.GetByteCount(kept)} bytes kept");
        Assert.EndsWith("…", kept);
        Assert.StartsWith(kept[..^1], reason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_command_is_refused_naming_the_commands_and_changes_nothing()
    {
        var a = Json(Raw("{\"command\":\"disengage\"}\n"));
        Assert.False(a.GetProperty("ok").GetBoolean());
        Assert.Contains("status, engage, reset", a.GetProperty("error").GetString());
        Assert.Equal("SAFE", _d.Status().GetProperty("state").GetString());
    }

    [Theory]
    [InlineData("engage\n")]
    [InlineData("{\"command\":\"engage\"\n")]
    [InlineData("{\"command\":\"status\",\"command\":\"reset\"}\n")]
    [InlineData("\n")]
    public void A_malformed_request_is_refused_and_changes_nothing(string request)
    {
        Timed("engage", out _);
        var a = Json(Raw(request));
        Assert.False(a.GetProperty("ok").GetBoolean());
        Assert.Equal("ENGAGED", _d.Status().GetProperty("state").GetString());
    }

    [Fact]
    public void An_oversized_request_is_refused_and_the_daemon_keeps_serving()
    {
        var a = Json(Raw("{\"command\":\"engage\",\"reason\":\"" + new string('x', 70 * 1024) + "\"}\n"));
        Assert.False(a.GetProperty("ok").GetBoolean());
        Assert.Contains("longer than", a.GetProperty("error").GetString());
        Assert.Equal("SAFE", _d.Status().GetProperty("state").GetString());
    }
}
