using System.Buffers;
using System.Text;
using System.Text.Json;
using EdgeTrader.KillSwitch;
using EdgeTrader.Tests.Support;

namespace EdgeTrader.Tests.KillSwitch;

public sealed class BreakerStateCodecTests
{
    static readonly DateTimeOffset Since = new(2026, 11, 21, 10, 0, 0, 123, TimeSpan.Zero);
    static readonly NodeIdentity Self = new("pi-1", "00000000000000aa", 7);
    static BreakerState Engaged => new(BreakerPosition.Engaged, new EngagementId("pi-2", "0123456789abcdef", 3), "loss \"limit\"", BreakerSource.Peer, Since, Self, EngagementLedger.Empty);

    static byte[] Payload(BreakerState s)
    {
        var buffer = new ArrayBufferWriter<byte>();
        BreakerStateCodec.WritePeerPayload(buffer, s, Since.AddSeconds(1));
        return buffer.WrittenSpan.ToArray();
    }

    [Fact]
    public void State_payload_carries_every_contract_field()
    {
        var j = JsonDocument.Parse(Payload(Engaged)).RootElement;
        Assert.Equal(2, j.GetProperty("v").GetInt32());
        Assert.Equal("pi-1", j.GetProperty("node").GetString());
        Assert.Equal("ENGAGED", j.GetProperty("state").GetString());
        Assert.Equal("pi-2:0123456789abcdef:3", j.GetProperty("engagement").GetString());
        Assert.Equal(3, j.GetProperty("generation").GetInt64());
        Assert.Equal("loss \"limit\"", j.GetProperty("reason").GetString());
        Assert.Equal("peer", j.GetProperty("source").GetString());
        Assert.Equal("2026-11-21T10:00:00.123Z", j.GetProperty("since").GetString());
        Assert.Equal("pi-1:00000000000000aa:7", j.GetProperty("own").GetString());
        Assert.Equal(Since.AddSeconds(1).ToUnixTimeMilliseconds(), j.GetProperty("time").GetInt64());
        Assert.Equal(10, j.EnumerateObject().Count());
    }

    [Fact]
    public void State_payload_written_by_a_node_is_read_back_by_its_peers()
    {
        Assert.True(BreakerStateCodec.TryReadPeerPayload(Payload(Engaged), "pi-1", out var r, out var error), error);
        Assert.Equal(new PeerReport("pi-1", BreakerPosition.Engaged, Engaged.Engagement, Self.Latest, "loss \"limit\""), r);
    }

    [Fact]
    public void Status_file_mqtt_and_journal_write_the_same_fields_with_one_timestamp_format()
    {
        var file = JsonDocument.Parse(BreakerStateCodec.ToFile(Engaged)).RootElement;
        var mqtt = JsonDocument.Parse(Payload(Engaged)).RootElement;
        foreach (var name in new[] { "state", "engagement", "generation", "reason", "source", "since" })
            Assert.Equal(file.GetProperty(name).GetRawText(), mqtt.GetProperty(name).GetRawText());
        Assert.True(BreakerStateCodec.TryParseTime(file.GetProperty("since").GetString(), out var t));
        Assert.Equal(Since, t);
    }

    [Fact]
    public void The_journals_breaker_line_writes_the_same_fields_as_the_state_file()
    {
        var dir = Directory.CreateTempSubdirectory("et-codec-").FullName;
        try
        {
            var time = TestClock.New();
            var day = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
            using (var j = new EdgeTrader.Journal.DecisionJournal(dir, new EdgeTrader.Trading.SymbolTable(["EURUSD"]),
                       new EdgeTrader.Trading.OrderIds("pi-1", 1), _ => day, time, null, background: false))
            {
                j.Breaker(new BreakerTransition(Engaged with { Position = BreakerPosition.Safe }, Engaged));
                j.Commit();
            }
            var line = JsonDocument.Parse(File.ReadAllLines(EdgeTrader.Journal.DecisionJournal.FileFor(dir, day)).Single()).RootElement;
            var file = JsonDocument.Parse(BreakerStateCodec.ToFile(Engaged)).RootElement;
            foreach (var name in new[] { "state", "engagement", "generation", "reason", "source", "since" })
                Assert.Equal(file.GetProperty(name).GetRawText(), line.GetProperty(name).GetRawText());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("""{"node":"x","state":"ENGAGED","generation":7}""", true)]
    [InlineData("""{"node":"x","state":"SAFE","generation":7}""", false)]
    public void A_version_1_peer_state_is_read_as_its_own_engagement_when_ENGAGED_and_as_nothing_when_SAFE(string json, bool engaged)
    {
        Assert.True(BreakerStateCodec.TryReadPeerPayload(Encoding.UTF8.GetBytes(json), "x", out var r, out _));
        Assert.Null(r.Current);
        if (engaged) Assert.Equal(new EngagementId("x", EngagementId.LegacyIncarnation, 7), r.Own);
        else Assert.Null(r.Own);
    }

    [Theory]
    [InlineData("")]
    [InlineData("ENGAGED")]
    [InlineData("""{"state":"ENGAGED"}""")]
    [InlineData("""{"state":"ENGAGED","generation":"7"}""")]
    [InlineData("""{"state":"ENGAGED","generation":7.5}""")]
    [InlineData("""{"state":"ENGAGED","generation":1e3}""")]
    [InlineData("""{"state":"ENGAGED","generation":-1}""")]
    [InlineData("""{"state":"ENGAGED","generation":0}""")]
    [InlineData("""{"state":"ENGAGED","generation":9007199254740992}""")]
    [InlineData("""{"state":"ENGAGED","generation":99999999999999999999999}""")]
    [InlineData("""{"state":"engaged","generation":7}""")]
    [InlineData("""{"state":true,"generation":7}""")]
    [InlineData("""[{"state":"ENGAGED","generation":7}]""")]
    [InlineData("""{"state":"ENGAGED","generation":7,"state":"SAFE"}""")]
    [InlineData("""{"v":2,"node":"y","state":"ENGAGED","engagement":"x:0123456789abcdef:1","source":"cli","own":"x:0123456789abcdef:1"}""")]
    [InlineData("""{"v":2,"node":"x","state":"ENGAGED","engagement":null,"source":"cli","own":null}""")]
    [InlineData("""{"v":2,"node":"x","state":"ENGAGED","engagement":"x:0123456789abcdef:9007199254740992","source":"cli"}""")]
    [InlineData("""{"v":2,"node":"x","state":"ENGAGED","engagement":"x:0000000000000000:1","source":"cli","own":"x:0000000000000000:1"}""")]
    [InlineData("""{"v":2,"node":"x","state":"ENGAGED","engagement":"x:0123456789ABCDEF:1","source":"cli"}""")]
    [InlineData("""{"v":2,"node":"x","state":"ENGAGED","engagement":"x:0123456789abcdef:01","source":"cli"}""")]
    [InlineData("""{"v":2,"node":"x","state":"SAFE","engagement":null,"source":"cli","own":"y:0123456789abcdef:1"}""")]
    [InlineData("""{"v":2,"node":"x","state":"ENGAGED","engagement":"x:0123456789abcdef:5","source":"cli","own":"x:0123456789abcdef:4"}""")]
    [InlineData("""{"v":3,"node":"x","state":"SAFE","source":"cli"}""")]
    [InlineData("""{"v":2,"node":"x","state":"SAFE","source":"nobody"}""")]
    public void Anything_a_node_would_not_write_is_refused(string payload)
    {
        Assert.False(BreakerStateCodec.TryReadPeerPayload(Encoding.UTF8.GetBytes(payload), "x", out _, out _));
    }

    [Fact]
    public void Peer_state_with_invalid_utf8_is_rejected()
    {
        byte[] payload = [.. """{"state":"ENGAGED","generation":7,"reason":" """u8, 0xFF, .. "\"}"u8];
        Assert.False(BreakerStateCodec.TryReadPeerPayload(payload, "x", out _, out _));
    }

    [Fact]
    public void A_node_never_emits_what_its_peers_would_refuse()
    {
        var rnd = new Random(7);
        for (int i = 0; i < 200; i++)
        {
            long counter = i == 0 ? EngagementId.MaxSeq : rnd.NextInt64(0, EngagementId.MaxSeq);
            var self = new NodeIdentity("n-" + i, EngagementId.NewIncarnation(), counter);
            var s = new BreakerState(counter > 0 ? BreakerPosition.Engaged : BreakerPosition.Safe, self.Latest,
                new string('€', i == 1 ? 100_000 : rnd.Next(0, 300)), BreakerSource.Cli, Since, self, EngagementLedger.Empty);
            Assert.True(BreakerStateCodec.TryReadPeerPayload(Payload(s), self.Node, out _, out var error), error);
        }
    }

    [Fact]
    public void A_node_that_adopted_a_version_1_peers_engagement_saves_it_reads_it_back_and_relays_it()
    {
        var time = TestClock.New();
        var b = new CircuitBreaker(BreakerState.FreshInstall(time.GetUtcNow(), "b"), time);
        Assert.True(BreakerStateCodec.TryReadPeerPayload("""{"state":"ENGAGED","generation":9007199254740991}"""u8, "x", out var v1, out _));
        Assert.Equal(PeerVerdict.Engaged, b.EngageFromPeer(v1));
        Assert.True(b.State.Engagement!.Value.IsLegacy);

        Assert.True(BreakerStateCodec.TryReadFile(BreakerStateCodec.ToFile(b.State), "b", out var back, out _, out var error), error);
        Assert.Equal(b.State, back);
        Assert.True(BreakerStateCodec.TryReadPeerPayload(Payload(b.State), "b", out var relayed, out error), error);
        Assert.Equal(b.State.Engagement, relayed.Current);
    }

    [Fact]
    public void Whatever_a_breaker_goes_through_it_writes_a_file_it_reads_back_and_a_state_its_peers_accept()
    {
        // A random walk of three nodes and a version-1 peer: engages, stop commands, resets, peer states (read through
        // the codec, as the mirror reads them), hostile reasons. After every step each node's file and payload must
        // read back: a node never writes what it or its peers would refuse.
        var rnd = new Random(11);
        var time = TestClock.New();
        string[] names = ["n0", "n1", "n2"];
        var nodes = names.Select(n => new CircuitBreaker(BreakerState.FreshInstall(time.GetUtcNow(), n), time)).ToArray();
        string Reason() => rnd.Next(4) switch
        {
            0 => "",
            1 => new string('€', rnd.Next(1, 400)),
            2 => "line\nbreak\u0000\"quoted\"\t" + rnd.Next(),
            _ => "limit " + rnd.Next(),
        };
        for (int step = 0; step < 3000; step++)
        {
            var n = nodes[rnd.Next(nodes.Length)];
            switch (rnd.Next(6))
            {
                case 0: n.Engage(Reason(), (BreakerSource)rnd.Next(8)); break;
                case 1: n.Command(Reason(), BreakerSource.Cli); break;
                case 2: n.Reset(Reason(), BreakerSource.Cli); break;
                case 3:
                case 4:
                    var peer = nodes[rnd.Next(nodes.Length)];
                    if (peer == n) break;
                    Assert.True(BreakerStateCodec.TryReadPeerPayload(Payload(peer.State), peer.State.Self.Node, out var report, out var e), e);
                    n.EngageFromPeer(report);
                    break;
                default:
                    long gen = rnd.Next(3) == 0 ? EngagementId.MaxSeq : rnd.Next(1, 50);
                    var v1 = Encoding.UTF8.GetBytes($$"""{"state":"{{(rnd.Next(2) == 0 ? "ENGAGED" : "SAFE")}}","generation":{{gen}}}""");
                    if (BreakerStateCodec.TryReadPeerPayload(v1, "old", out var old, out _)) n.EngageFromPeer(old);
                    break;
            }
            time.Advance(TimeSpan.FromMilliseconds(rnd.Next(0, 5000)));
            foreach (var x in nodes)
            {
                var s = x.State;
                Assert.True(BreakerStateCodec.TryReadFile(BreakerStateCodec.ToFile(s), s.Self.Node, out var back, out _, out var fe), $"step {step}: {fe}");
                Assert.Equal(s, back);
                Assert.True(BreakerStateCodec.TryReadPeerPayload(Payload(s), s.Self.Node, out _, out var pe), $"step {step}: {pe}");
            }
        }
    }
}
