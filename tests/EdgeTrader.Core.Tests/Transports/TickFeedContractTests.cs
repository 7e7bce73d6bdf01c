using System.Diagnostics;
using System.Text;
using EdgeTrader.Transports;

namespace EdgeTrader.Tests.Transports;

/// <summary>The bridge's end of a tick feed, played by a test (a real PUB on loopback, or the in-memory feed).</summary>
public interface ITickPublisher : IDisposable
{
    /// <summary>Publishes one message of one or more frames, once the feed can hear it.</summary>
    void Publish(params byte[][] frames);
}

/// <summary>What every tick feed must do, run against each implementation.</summary>
public abstract class TickFeedContractTests : IDisposable
{
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    readonly List<IDisposable> _owned = [];

    /// <summary>An opened transport and a publisher its feed hears.</summary>
    protected abstract (ITradingTransport Transport, ITickPublisher Bridge) Create();

    /// <summary>The transport this suite runs against (one created and disposed): <see cref="TransportContractCoverageTests"/>.</summary>
    internal Type TransportUnderTest()
    {
        var (t, p) = Create();
        using (p)
        using (t)
            return t.GetType();
    }

    (ITradingTransport T, ITickPublisher P) Pair()
    {
        var (t, p) = Create();
        _owned.Add(p);
        _owned.Add(t);
        return (t, p);
    }

    static int Next(ITradingTransport t, byte[] buffer)
    {
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < Patience)
        {
            int n = t.Ticks.TryReceive(buffer);
            if (n >= 0) return n;
            t.Wait(50);
        }
        return -1;
    }

    [Fact]
    public void Payloads_arrive_in_order_and_nothing_waits_when_none_came()
    {
        var (t, p) = Pair();
        var buf = new byte[4097];
        Assert.Equal(-1, t.Ticks.TryReceive(buf));
        for (int i = 0; i < 500; i++) p.Publish(Encoding.UTF8.GetBytes($"tick {i}"));
        for (int i = 0; i < 500; i++) Assert.Equal($"tick {i}", Encoding.UTF8.GetString(buf, 0, Next(t, buf)));
        Assert.Equal(-1, t.Ticks.TryReceive(buf));
    }

    [Fact]
    public void The_payload_is_the_last_frame_of_a_message_with_a_topic_frame()
    {
        var (t, p) = Pair();
        var buf = new byte[4097];
        p.Publish("EURUSD"u8.ToArray(), "payload"u8.ToArray());
        Assert.Equal("payload", Encoding.UTF8.GetString(buf, 0, Next(t, buf)));
    }

    [Fact]
    public void An_oversize_payload_reports_its_full_length_and_an_empty_one_zero()
    {
        var (t, p) = Pair();
        var buf = new byte[4097];
        p.Publish(new byte[1 << 20]);
        p.Publish(Array.Empty<byte>());
        Assert.Equal(1 << 20, Next(t, buf));
        Assert.Equal(0, Next(t, buf));
    }

    [Fact]
    public void Wait_says_ticks_are_ready_when_a_payload_came()
    {
        var (t, p) = Pair();
        p.Publish("x"u8.ToArray());
        var sw = Stopwatch.StartNew();
        var r = Readiness.None;
        while ((r & Readiness.Ticks) == 0 && sw.Elapsed < Patience) r = t.Wait(100);
        Assert.NotEqual(Readiness.None, r & Readiness.Ticks);
    }

    public void Dispose()
    {
        for (int i = _owned.Count - 1; i >= 0; i--) _owned[i].Dispose();
        GC.SuppressFinalize(this);
    }
}
