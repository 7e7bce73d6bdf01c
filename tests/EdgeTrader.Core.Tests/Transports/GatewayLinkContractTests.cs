using System.Diagnostics;
using System.Text;
using System.Text.Json;
using EdgeTrader.Session;
using EdgeTrader.Trading;
using EdgeTrader.Transports;

namespace EdgeTrader.Tests.Transports;

/// <summary>The far end of a gateway link, played by a test: a real ROUTER on loopback, or the in-memory link's other side.</summary>
public interface IGatewayPeer : IDisposable
{
    /// <summary>Comes up (binds): from now on the link can connect.</summary>
    void Start();

    /// <summary>The next frame the link sent, waiting up to <paramref name="timeout"/>; null when none came.</summary>
    byte[]? Receive(TimeSpan timeout);

    /// <summary>Sends a frame to the link (after it sent at least one: a ROUTER answers known peers only).</summary>
    void Send(byte[] frame);
}

/// <summary>
/// What every gateway link (and the order sink over it) must do, run against each implementation, as dotnet/iot runs
/// GpioControllerTestBase against each GPIO driver. A second ZeroMQ implementation (NetMQ) derives from this class
/// and passes the same tests.
/// </summary>
public abstract class GatewayLinkContractTests : IDisposable
{
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    readonly List<IDisposable> _owned = [];

    /// <summary>
    /// An opened transport with a gateway link, and the gateway peer at its far end; the peer is started
    /// (<paramref name="peerUp"/>) or not yet.
    /// </summary>
    protected abstract (ITradingTransport Transport, IGatewayPeer Gateway) Create(bool peerUp);

    /// <summary>The transport this suite runs against (one created and disposed): <see cref="TransportContractCoverageTests"/>.</summary>
    internal Type TransportUnderTest()
    {
        var (t, g) = Create(peerUp: false);
        using (g)
        using (t)
            return t.GetType();
    }

    (ITradingTransport Transport, IGatewayLink Link, IGatewayPeer Gateway) Connected()
    {
        var (t, g) = Create(peerUp: true);
        _owned.Add(g);
        _owned.Add(t);
        var link = t.Gateway ?? throw new InvalidOperationException("the transport has no gateway link");
        // The first frame: a link may still be connecting (ZeroMQ: IMMEDIATE refuses until the pipe is up).
        Assert.True(SendWithin(link, "{\"type\":\"heartbeat\",\"hello\":true}"u8, Patience), "the link never connected");
        Assert.Contains("hello", Encoding.UTF8.GetString(g.Receive(Patience) ?? []));
        return (t, link, g);
    }

    static bool SendWithin(IGatewayLink link, ReadOnlySpan<byte> frame, TimeSpan patience)
    {
        var sw = Stopwatch.StartNew();
        while (!link.TrySend(frame))
        {
            if (sw.Elapsed > patience) return false;
            Thread.Sleep(5); // polling for a connection with a deadline
        }
        return true;
    }

    static int ReceiveWithin(ITradingTransport t, IGatewayLink link, byte[] buffer, TimeSpan patience)
    {
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < patience)
        {
            int n = link.TryReceive(buffer);
            if (n >= 0) return n;
            t.Wait(50);
        }
        return -1;
    }

    [Fact]
    public void Frames_sent_arrive_at_the_gateway_whole_and_in_order()
    {
        var (_, link, g) = Connected();
        var frames = Enumerable.Range(0, 1000).Select(i => Encoding.UTF8.GetBytes($"{{\"type\":\"order\",\"n\":{i},\"pad\":\"{new string('x', i % 300)}\"}}")).ToList();
        foreach (var f in frames) Assert.True(link.TrySend(f));
        foreach (var f in frames) Assert.Equal(f, g.Receive(Patience));
    }

    [Fact]
    public void Frames_from_the_gateway_are_received_in_order_and_nothing_waits_when_none_came()
    {
        var (t, link, g) = Connected();
        var buf = new byte[1024];
        Assert.Equal(-1, link.TryReceive(buf));
        for (int i = 0; i < 100; i++) g.Send(Encoding.UTF8.GetBytes($"{{\"type\":\"ack\",\"id\":\"{i}\"}}"));
        for (int i = 0; i < 100; i++)
        {
            int n = ReceiveWithin(t, link, buf, Patience);
            Assert.Equal($"{{\"type\":\"ack\",\"id\":\"{i}\"}}", Encoding.UTF8.GetString(buf, 0, n));
        }
        Assert.Equal(-1, link.TryReceive(buf));
    }

    [Fact]
    public void A_frame_larger_than_the_buffer_reports_its_full_length()
    {
        var (t, link, g) = Connected();
        var big = new byte[5000];
        Array.Fill(big, (byte)'z');
        g.Send(big);
        var buf = new byte[100];
        Assert.Equal(5000, ReceiveWithin(t, link, buf, Patience));
        Assert.All(buf, b => Assert.Equal((byte)'z', b));
    }

    [Fact]
    public void Without_a_gateway_a_send_is_refused_at_once_and_never_delivered_later()
    {
        var (t, g) = Create(peerUp: false);
        _owned.Add(g);
        _owned.Add(t);
        var link = t.Gateway!;
        var sw = Stopwatch.StartNew();
        Assert.False(link.TrySend("{\"type\":\"order\",\"id\":\"refused\"}"u8));
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(1), "a refusal must not wait for a connection");
        g.Start();
        Assert.True(SendWithin(link, "{\"type\":\"heartbeat\"}"u8, Patience), "the link never connected");
        var first = g.Receive(Patience);
        Assert.Equal("{\"type\":\"heartbeat\"}", Encoding.UTF8.GetString(first!));
        Assert.Null(g.Receive(TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public void Wait_says_the_gateway_is_ready_when_a_frame_came()
    {
        var (t, _, g) = Connected();
        Assert.Equal(Readiness.None, t.Wait(0) & Readiness.Gateway);
        g.Send("{\"type\":\"heartbeat\"}"u8.ToArray());
        var sw = Stopwatch.StartNew();
        var r = Readiness.None;
        while ((r & Readiness.Gateway) == 0 && sw.Elapsed < Patience) r = t.Wait(100);
        Assert.NotEqual(Readiness.None, r & Readiness.Gateway);
    }

    [Fact]
    public void A_wake_from_another_thread_ends_a_wait_at_once_and_a_shutdown_closes_it()
    {
        var (t, _, _) = Connected();
        while ((t.Wait(0) & Readiness.Woken) != 0) { } // nothing left over
        var waker = new Thread(t.Wake); // during the wait or just before it: either way the wait ends at once
        var sw = Stopwatch.StartNew();
        waker.Start();
        var r = t.Wait(10_000);
        waker.Join();
        Assert.NotEqual(Readiness.None, r & Readiness.Woken);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), $"the wait lasted {sw.Elapsed}");
        t.Shutdown();
        Assert.Equal(Readiness.Closed, t.Wait(1000) & Readiness.Closed);
    }

    [Fact]
    public void The_order_sink_puts_each_order_and_cancel_all_on_the_link_as_the_gateway_wire_writes_it()
    {
        var (_, link, g) = Connected();
        var wire = new GatewayWire(new SymbolTable(["EURUSD"]), new OrderIds("pi-1", 3));
        var sink = new GatewayOrderSink(link, wire);
        Assert.False(sink.SimulatesFills);
        var o = new Order { Seq = 1, SymbolId = 0, Side = Side.Buy, Qty = 0.01, Price = 1.1, TickSeq = 4, TickTimeMs = 5, TimeMs = 6 };
        Assert.True(sink.TrySend(in o));
        Assert.True(sink.CancelAll("pi-1-3-ca1", "e-stop", 9, 7));
        var order = JsonDocument.Parse(g.Receive(Patience)!).RootElement;
        Assert.Equal("pi-1-3-000001", order.GetProperty("id").GetString());
        var cancel = JsonDocument.Parse(g.Receive(Patience)!).RootElement;
        Assert.Equal(("cancel_all", 9L), (cancel.GetProperty("type").GetString(), cancel.GetProperty("generation").GetInt64()));
    }

    [Fact]
    public void The_order_sink_refuses_an_order_when_no_gateway_is_there()
    {
        var (t, g) = Create(peerUp: false);
        _owned.Add(g);
        _owned.Add(t);
        var sink = new GatewayOrderSink(t.Gateway!, new GatewayWire(new SymbolTable(["EURUSD"]), new OrderIds("pi-1", 3)));
        var o = new Order { Seq = 1, SymbolId = 0, Side = Side.Buy, Qty = 0.01, Price = 1.1 };
        Assert.False(sink.TrySend(in o));
        Assert.False(sink.CancelAll("pi-1-3-ca1", "x", 1, 1));
    }

    public void Dispose()
    {
        for (int i = _owned.Count - 1; i >= 0; i--) _owned[i].Dispose();
        GC.SuppressFinalize(this);
    }
}
