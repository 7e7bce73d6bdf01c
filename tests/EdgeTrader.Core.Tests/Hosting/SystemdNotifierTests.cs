using Microsoft.Extensions.Time.Testing;
using System.Net.Sockets;
using System.Text;
using EdgeTrader.Health;
using EdgeTrader.Hosting;
using EdgeTrader.Tests.Support;

namespace EdgeTrader.Tests.Hosting;

/// <summary>
/// A real AF_UNIX datagram socket stands in for the service manager's NOTIFY_SOCKET: what arrives there is exactly
/// what systemd would read.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SystemdNotifierTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("edgetrader-notify-").FullName;
    readonly Socket _manager = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    readonly string _path;

    public SystemdNotifierTests()
    {
        _path = Path.Combine(_dir, "notify");
        _manager.Bind(new UnixDomainSocketEndPoint(_path));
    }

    public void Dispose()
    {
        _manager.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    static string Receive(Socket s)
    {
        // A deadline, not a sleep: the datagram is normally already queued when this is called.
        s.ReceiveTimeout = 5000;
        var buf = new byte[4096];
        var n = s.Receive(buf);
        return Encoding.UTF8.GetString(buf, 0, n);
    }

    static List<string> Drain(Socket s)
    {
        var got = new List<string>();
        var buf = new byte[4096];
        while (s.Available > 0) got.Add(Encoding.UTF8.GetString(buf, 0, s.Receive(buf)));
        return got;
    }

    [Fact]
    public void Ready_status_and_stopping_arrive_at_the_notify_socket_verbatim()
    {
        using var n = SystemdNotifier.FromVariables(_path, null, null, Environment.ProcessId)!;
        Assert.True(n.Ready());
        Assert.Equal("READY=1", Receive(_manager));
        Assert.True(n.Status("ENGAGED gen 3\nsource cli"));
        Assert.Equal("STATUS=ENGAGED gen 3 source cli", Receive(_manager));
        Assert.True(n.Stopping());
        Assert.Equal("STOPPING=1", Receive(_manager));
    }

    [Fact]
    public void Abstract_namespace_socket_is_reached_when_the_name_starts_with_at()
    {
        var name = "edgetrader-test-" + Guid.NewGuid().ToString("N");
        using var manager = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        manager.Bind(new UnixDomainSocketEndPoint("\0" + name));
        using var n = SystemdNotifier.FromVariables("@" + name, null, null, Environment.ProcessId)!;
        Assert.True(n.Ready());
        Assert.Equal("READY=1", Receive(manager));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("relative/path")]
    public void No_notifier_without_a_usable_NOTIFY_SOCKET(string? value) =>
        Assert.Null(SystemdNotifier.FromVariables(value, "10000000", null, Environment.ProcessId));

    [Fact]
    public void A_vanished_manager_socket_makes_sends_fail_quietly_instead_of_throwing()
    {
        using var n = SystemdNotifier.FromVariables(Path.Combine(_dir, "gone"), null, null, Environment.ProcessId)!;
        Assert.False(n.Ready());
        Assert.False(n.Watchdog());
    }

    [Theory]
    [InlineData("10000000", null, 10_000)]
    [InlineData("10000000", "self", 10_000)]
    [InlineData("250000", "self", 250)]
    public void Watchdog_interval_comes_from_WATCHDOG_USEC_when_meant_for_this_process(string usec, string? pid, int expectedMs)
    {
        var self = pid == "self" ? Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) : pid;
        using var n = SystemdNotifier.FromVariables(_path, usec, self, Environment.ProcessId)!;
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), n.WatchdogInterval);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("0", null)]
    [InlineData("-5", null)]
    [InlineData("ten", null)]
    [InlineData("10000000", "1")]
    [InlineData("10000000", "x")]
    public void No_watchdog_when_unset_invalid_or_armed_for_another_process(string? usec, string? pid)
    {
        using var n = SystemdNotifier.FromVariables(_path, usec, pid, Environment.ProcessId)!;
        Assert.Null(n.WatchdogInterval);
        Assert.Null(WatchdogFeeder.Start(n, () => true, TestClock.New()));
    }

    [Fact]
    public void No_feeder_when_not_under_a_service_manager() =>
        Assert.Null(WatchdogFeeder.Start(null, () => true, TestClock.New()));

    [Fact]
    public void Watchdog_pings_stop_while_the_health_predicate_is_false_and_resume_when_it_holds()
    {
        var time = TestClock.New();
        var healthy = true;
        using var n = SystemdNotifier.FromVariables(_path, "10000000", null, Environment.ProcessId)!;
        using var feeder = WatchdogFeeder.Start(n, () => healthy, time)!;
        Assert.Equal(TimeSpan.FromSeconds(5), feeder.PingInterval);

        time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.Empty(Drain(_manager)); // not before half the interval

        time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal(["WATCHDOG=1"], Drain(_manager));
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(["WATCHDOG=1"], Drain(_manager));

        healthy = false;
        time.Advance(TimeSpan.FromSeconds(30));
        Assert.Empty(Drain(_manager)); // a hung loop is not covered for: the manager's timeout runs out
        Assert.Equal(6, feeder.Withheld);

        healthy = true;
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(["WATCHDOG=1"], Drain(_manager));
        Assert.Equal(3, feeder.Sent);
    }

    [Fact]
    public void Watchdog_follows_the_tick_loop_beat_of_the_health_monitor()
    {
        var time = TestClock.New();
        var health = new HealthMonitor(time);
        using var n = SystemdNotifier.FromVariables(_path, "2000000", null, Environment.ProcessId)!;
        using var feeder = WatchdogFeeder.Start(n, () => health.LoopAlive, time)!;

        // The loop beats every 100 ms: every 1 s check finds it alive.
        for (var i = 0; i < 30; i++) { time.Advance(TimeSpan.FromMilliseconds(100)); health.LoopBeat(); }
        Assert.Equal(3, Drain(_manager).Count(m => m == "WATCHDOG=1"));

        // The loop hangs: no more beats, so after the alive window no pings reach the manager.
        time.Advance(HealthMonitor.LoopAliveWindow);
        Drain(_manager);
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Empty(Drain(_manager));
    }

    [Fact]
    public void A_throwing_health_predicate_withholds_the_ping()
    {
        var time = TestClock.New();
        using var n = SystemdNotifier.FromVariables(_path, "1000000", null, Environment.ProcessId)!;
        using var feeder = WatchdogFeeder.Start(n, () => throw new InvalidOperationException("probe failed"), time)!;
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Empty(Drain(_manager));
        Assert.Equal(4, feeder.Withheld);
    }

    [Fact]
    public void A_disposed_feeder_sends_nothing_more()
    {
        var time = TestClock.New();
        using var n = SystemdNotifier.FromVariables(_path, "1000000", null, Environment.ProcessId)!;
        var feeder = WatchdogFeeder.Start(n, () => true, time)!;
        time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Single(Drain(_manager));
        feeder.Dispose();
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Empty(Drain(_manager));
    }
}
