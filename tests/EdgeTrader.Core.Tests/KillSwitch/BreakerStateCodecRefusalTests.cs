using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeTrader.KillSwitch;

namespace EdgeTrader.Tests.KillSwitch;

/// <summary>A state file or a peer's state that the codec refuses is refused with the reason; nothing half-read is used.</summary>
public sealed class BreakerStateCodecRefusalTests
{
    const string Inc = "00000000000000aa";
    static readonly DateTimeOffset Since = new(2026, 11, 21, 10, 0, 0, 123, TimeSpan.Zero);

    static BreakerState Engaged => new(BreakerPosition.Engaged, new EngagementId("pi-1", Inc, 3), "limit", BreakerSource.Risk, Since,
        new NodeIdentity("pi-1", Inc, 3),
        EngagementLedger.Of([new DealtEntry("pi-2", "pi-3", "0123456789abcdef", 4)], legacyFloor: 2));

    /// <summary>A valid state file with one member replaced (null: removed).</summary>
    static byte[] File(string member, string? json)
    {
        var o = JsonNode.Parse(BreakerStateCodec.ToFile(Engaged))!.AsObject();
        if (json is null) o.Remove(member);
        else o[member] = JsonNode.Parse(json);
        return Encoding.UTF8.GetBytes(o.ToJsonString());
    }

    static string RefusalOf(byte[] file)
    {
        Assert.False(BreakerStateCodec.TryReadFile(file, "pi-1", out _, out _, out var error));
        return error;
    }

    [Fact]
    public void The_state_file_reads_back_every_field()
    {
        Assert.True(BreakerStateCodec.TryReadFile(BreakerStateCodec.ToFile(Engaged), "pi-1", out var s, out var migrated, out var error), error);
        Assert.False(migrated);
        Assert.Equal("", error);
        Assert.Equal(Engaged, s);
        Assert.Equal(2, s.Dealt.LegacyFloor);
        Assert.Equal([new DealtEntry("pi-2", "pi-3", "0123456789abcdef", 4)], s.Dealt.Entries);
    }

    [Fact]
    public void A_renamed_node_keeps_its_incarnation_and_counter()
    {
        Assert.True(BreakerStateCodec.TryReadFile(BreakerStateCodec.ToFile(Engaged), "pi-9", out var s, out _, out _));
        Assert.Equal(new NodeIdentity("pi-9", Inc, 3), s.Self);
        Assert.Equal(Engaged.Engagement, s.Engagement);
    }

    public static TheoryData<string, string?, string> BadFields => new()
    {
        { "state", "\"engaged\"", "unknown state 'engaged'" },
        { "state", null, "unknown state ''" },
        { "source", "\"nobody\"", "unknown source 'nobody'" },
        { "since", "\"yesterday\"", "missing or unreadable since" },
        { "since", null, "missing or unreadable since" },
        { "version", "3", "unknown version 3" },
        { "version", "\"2\"", "unknown version" },
        { "version", "2.5", "unknown version" },
        { "incarnation", "\"0000000000000000\"", "missing or invalid incarnation" },
        { "incarnation", "\"00000000000000AA\"", "missing or invalid incarnation" },
        { "incarnation", null, "missing or invalid incarnation" },
        { "counter", "-1", "counter out of range" },
        { "counter", "9007199254740992", "counter out of range" },
        { "counter", "3.0", "counter out of range" },
        { "counter", "\"3\"", "counter out of range" },
        { "counter", null, "counter out of range" },
        { "legacyResetGeneration", "-1", "legacyResetGeneration out of range" },
        { "legacyResetGeneration", "9007199254740992", "legacyResetGeneration out of range" },
        { "legacyResetGeneration", null, "legacyResetGeneration out of range" },
        { "engagement", "7", "invalid engagement" },
        { "engagement", "\"pi-1:00000000000000aa:0\"", "invalid engagement" },
        { "engagement", "null", "ENGAGED without an engagement" },
        { "engagement", null, "ENGAGED without an engagement" },
        { "engagement", "\"pi-1:00000000000000aa:4\"", "own engagement above the counter" },
        { "dealt", null, "missing dealt" },
        { "dealt", "{}", "missing dealt" },
        { "dealt", "[1]", "invalid dealt entry" },
        { "dealt", """[{"publisher":"bad name","origin":"o","incarnation":"0123456789abcdef","seq":1}]""", "invalid dealt entry" },
        { "dealt", """[{"publisher":"p","origin":"bad name","incarnation":"0123456789abcdef","seq":1}]""", "invalid dealt entry" },
        { "dealt", """[{"publisher":"p","origin":"o","incarnation":"0123456789ABCDEF","seq":1}]""", "invalid dealt entry" },
        { "dealt", """[{"publisher":"p","origin":"o","incarnation":"0123456789abcdef","seq":0}]""", "invalid dealt entry" },
        { "dealt", """[{"publisher":"p","origin":"o","incarnation":"0123456789abcdef","seq":9007199254740992}]""", "invalid dealt entry" },
        { "dealt", """[{"publisher":"p","origin":"o","incarnation":"0123456789abcdef"}]""", "invalid dealt entry" },
    };

    [Theory]
    [MemberData(nameof(BadFields))]
    public void A_state_file_with_a_bad_field_is_refused_with_the_field_named(string member, string? json, string expected)
    {
        Assert.Contains(expected, RefusalOf(File(member, json)));
    }

    [Fact]
    public void Values_at_the_edges_of_their_range_are_read()
    {
        Assert.True(BreakerStateCodec.TryReadFile(File("counter", "9007199254740991"), "pi-1", out var s, out _, out var e), e);
        Assert.Equal(EngagementId.MaxSeq, s.Self.Counter);
        Assert.True(BreakerStateCodec.TryReadFile(File("legacyResetGeneration", "9007199254740991"), "pi-1", out s, out _, out e), e);
        Assert.Equal(EngagementId.MaxSeq, s.Dealt.LegacyFloor);
        Assert.True(BreakerStateCodec.TryReadFile(File("legacyResetGeneration", "0"), "pi-1", out s, out _, out e), e);
        Assert.True(BreakerStateCodec.TryReadFile(File("dealt", """[{"publisher":"p","origin":"o","incarnation":"0123456789abcdef","seq":9007199254740991}]"""), "pi-1", out s, out _, out e), e);
        Assert.Equal(EngagementId.MaxSeq, s.Dealt.Entries.Single().Seq);
        Assert.True(BreakerStateCodec.TryReadFile(File("dealt", """[{"publisher":"p","origin":"o","incarnation":"0123456789abcdef","seq":1}]"""), "pi-1", out _, out _, out e), e);
    }

    [Fact]
    public void An_engagement_that_is_not_this_nodes_own_may_be_above_its_counter()
    {
        // Adopted from a peer, or made under another name or incarnation: the counter says nothing about it.
        Assert.True(BreakerStateCodec.TryReadFile(File("engagement", "\"pi-2:00000000000000aa:9\""), "pi-1", out var s, out _, out var e), e);
        Assert.Equal(new EngagementId("pi-2", Inc, 9), s.Engagement);
        Assert.True(BreakerStateCodec.TryReadFile(File("engagement", "\"pi-1:0123456789abcdef:9\""), "pi-1", out _, out _, out e), e);
    }

    [Fact]
    public void A_SAFE_file_without_an_engagement_is_a_node_that_never_engaged()
    {
        var o = JsonNode.Parse(BreakerStateCodec.ToFile(Engaged))!.AsObject();
        o["state"] = "SAFE";
        o["engagement"] = null;
        Assert.True(BreakerStateCodec.TryReadFile(Encoding.UTF8.GetBytes(o.ToJsonString()), "pi-1", out var s, out _, out var e), e);
        Assert.Null(s.Engagement);
        Assert.Equal(BreakerPosition.Safe, s.Position);
    }

    [Fact]
    public void A_since_in_another_ISO_form_is_read_and_missing_reason_is_empty()
    {
        var o = JsonNode.Parse(BreakerStateCodec.ToFile(Engaged))!.AsObject();
        o["since"] = "2026-11-21T11:00:00+01:00";
        o.Remove("reason");
        Assert.True(BreakerStateCodec.TryReadFile(Encoding.UTF8.GetBytes(o.ToJsonString()), "pi-1", out var s, out _, out var e), e);
        Assert.Equal(new DateTimeOffset(2026, 11, 21, 10, 0, 0, TimeSpan.Zero), s.Since);
        Assert.Equal("", s.Reason);
    }

    [Theory]
    [InlineData(new byte[] { 0x7B, 0xFF, 0x7D }, "invalid UTF-8")]
    [InlineData(new byte[] { 0x5B, 0x31, 0x5D }, "not a JSON object")]
    public void A_state_file_that_is_not_a_document_is_refused(byte[] bytes, string expected)
    {
        Assert.Equal(expected, RefusalOf(bytes));
    }

    [Fact]
    public void A_state_file_that_is_not_json_or_repeats_a_key_is_refused()
    {
        Assert.NotEqual("", RefusalOf("{\"state\":"u8.ToArray()));
        Assert.Equal("duplicate key 'state'", RefusalOf("""{"state":"SAFE","state":"ENGAGED"}"""u8.ToArray()));
    }

    [Fact]
    public void A_document_nested_deeper_than_8_is_refused_and_up_to_8_is_read()
    {
        string With(int depth)
        {
            var o = JsonNode.Parse(BreakerStateCodec.ToFile(Engaged))!.AsObject();
            o["extra"] = JsonNode.Parse(new string('[', depth - 1) + new string(']', depth - 1));
            return o.ToJsonString();
        }
        Assert.True(BreakerStateCodec.TryReadFile(Encoding.UTF8.GetBytes(With(8)), "pi-1", out _, out _, out var e), e);
        Assert.NotEqual("", RefusalOf(Encoding.UTF8.GetBytes(With(9))));
        string Peer(int depth) => "{\"state\":\"ENGAGED\",\"generation\":7,\"x\":" + new string('[', depth - 1) + new string(']', depth - 1) + "}";
        Assert.True(BreakerStateCodec.TryReadPeerPayload(Encoding.UTF8.GetBytes(Peer(8)), "x", out _, out e), e);
        Assert.Equal("not JSON", PeerRefusal(Peer(9)));
    }

    // ---- version 1 files ----

    static bool V1(string json, out BreakerState s, out string error) =>
        BreakerStateCodec.TryReadFile(Encoding.UTF8.GetBytes(json), "pi-1", out s, out var migrated, out error) && migrated;

    [Fact]
    public void A_version_1_file_migrates_its_engagement_counter_and_reset_generation()
    {
        Assert.True(V1("""{"state":"ENGAGED","generation":4,"highestSeenGeneration":9,"resetGeneration":3,"reason":"r","source":"cli","since":"2026-11-21T10:00:00.123Z"}""", out var s, out var e), e);
        Assert.Equal(BreakerPosition.Engaged, s.Position);
        Assert.Equal("pi-1", s.Self.Node);
        Assert.Equal(9, s.Self.Counter);
        Assert.True(EngagementId.IsValidIncarnation(s.Self.Incarnation));
        Assert.NotEqual(EngagementId.LegacyIncarnation, s.Self.Incarnation);
        Assert.Equal(new EngagementId("pi-1", s.Self.Incarnation, 4), s.Engagement);
        Assert.Equal(3, s.Dealt.LegacyFloor);
        Assert.Empty(s.Dealt.Entries);
        Assert.Equal("r", s.Reason);
        Assert.Equal(BreakerSource.Cli, s.Source);
        Assert.Equal(Since, s.Since);
        Assert.Equal("", e);
    }

    [Theory]
    [InlineData("""{"state":"SAFE","generation":0,"highestSeenGeneration":0,"source":"cli","since":"2026-11-21T10:00:00.123Z"}""", 0L, 0L)]
    [InlineData("""{"state":"SAFE","generation":9,"highestSeenGeneration":9,"resetGeneration":9,"source":"cli","since":"2026-11-21T10:00:00.123Z"}""", 9L, 9L)]
    [InlineData("""{"state":"SAFE","generation":1,"highestSeenGeneration":9007194959773695,"source":"cli","since":"2026-11-21T10:00:00.123Z"}""", 1L, 9007194959773695L)]
    public void A_version_1_file_at_the_edges_of_its_generations_migrates(string json, long generation, long counter)
    {
        Assert.True(V1(json, out var s, out var e), e);
        Assert.Equal(generation, s.Generation);
        Assert.Equal(counter, s.Self.Counter);
        if (generation == 0) Assert.Null(s.Engagement);
    }

    [Theory]
    [InlineData("SAFE", 1L, 9007199254740991L, 1L)]
    [InlineData("ENGAGED", 3L, 9007199254740991L, 3L)]
    [InlineData("SAFE", 0L, 9007199254740991L, 0L)]
    [InlineData("SAFE", 5L, 9007194959773696L, 5L)]
    [InlineData("ENGAGED", 9007199254740991L, 9007199254740991L, 1L)]
    [InlineData("SAFE", 9007194959773696L, 9007194959773696L, 1L)]
    public void A_version_1_file_whose_generations_are_near_the_limit_migrates_with_a_counter_far_from_it(string state, long generation, long highest, long counter)
    {
        Assert.True(V1($$"""{"state":"{{state}}","generation":{{generation}},"highestSeenGeneration":{{highest}},"source":"cli","since":"2026-11-21T10:00:00.123Z"}""", out var s, out var e), e);
        Assert.Equal(counter, s.Self.Counter);
        Assert.True(s.Self.Counter <= EngagementId.MaxSeq - BreakerStateCodec.V1Headroom);
        if (generation == 0) Assert.Null(s.Engagement);
        else Assert.Equal(new EngagementId("pi-1", s.Self.Incarnation, counter), s.Engagement);
        // The next own engagement is one a peer accepts.
        var next = new CircuitBreaker(s, EdgeTrader.Tests.Support.TestClock.New()).Command("first after the upgrade", BreakerSource.Cli).State;
        Assert.Equal(counter + 1, next.Engagement!.Value.Seq);
        Assert.True(EngagementId.TryParse(next.Engagement.Value.ToString(), out _));
    }

    [Theory]
    [InlineData("""{"state":"SAFE","highestSeenGeneration":1,"source":"cli","since":"2026-11-21T10:00:00.123Z"}""", "missing generation")]
    [InlineData("""{"state":"SAFE","generation":1,"source":"cli","since":"2026-11-21T10:00:00.123Z"}""", "missing generation")]
    [InlineData("""{"state":"SAFE","generation":-1,"highestSeenGeneration":1,"source":"cli","since":"2026-11-21T10:00:00.123Z"}""", "inconsistent generations")]
    [InlineData("""{"state":"SAFE","generation":2,"highestSeenGeneration":1,"source":"cli","since":"2026-11-21T10:00:00.123Z"}""", "inconsistent generations")]
    [InlineData("""{"state":"SAFE","generation":1,"highestSeenGeneration":1,"resetGeneration":-1,"source":"cli","since":"2026-11-21T10:00:00.123Z"}""", "inconsistent generations")]
    [InlineData("""{"state":"SAFE","generation":1,"highestSeenGeneration":1,"resetGeneration":2,"source":"cli","since":"2026-11-21T10:00:00.123Z"}""", "inconsistent generations")]
    [InlineData("""{"state":"SAFE","generation":1,"highestSeenGeneration":9007199254740992,"source":"cli","since":"2026-11-21T10:00:00.123Z"}""", "inconsistent generations")]
    [InlineData("""{"state":"ENGAGED","generation":0,"highestSeenGeneration":1,"source":"cli","since":"2026-11-21T10:00:00.123Z"}""", "ENGAGED without a generation")]
    [InlineData("""{"state":"SAFE","generation":1.5,"highestSeenGeneration":2,"source":"cli","since":"2026-11-21T10:00:00.123Z"}""", "missing generation")]
    [InlineData("""{"state":"SAFE","generation":1,"highestSeenGeneration":2e0,"source":"cli","since":"2026-11-21T10:00:00.123Z"}""", "missing generation")]
    [InlineData("""{"state":"SAFE","generation":1,"highestSeenGeneration":2E0,"source":"cli","since":"2026-11-21T10:00:00.123Z"}""", "missing generation")]
    public void A_version_1_file_with_inconsistent_generations_is_refused(string json, string expected)
    {
        Assert.False(BreakerStateCodec.TryReadFile(Encoding.UTF8.GetBytes(json), "pi-1", out _, out var migrated, out var error));
        Assert.True(migrated);
        Assert.Equal(expected, error);
    }

    // ---- peer payloads ----

    static string PeerRefusal(string json, string publisher = "x")
    {
        Assert.False(BreakerStateCodec.TryReadPeerPayload(Encoding.UTF8.GetBytes(json), publisher, out _, out var error));
        return error;
    }

    [Theory]
    [InlineData("ENGAGED", "not JSON")]
    [InlineData("""[{"state":"ENGAGED","generation":7}]""", "not a JSON object")]
    [InlineData("""{"state":"ENGAGED","generation":7,"state":"SAFE"}""", "duplicate key 'state'")]
    [InlineData("""{"state":"engaged","generation":7}""", "unknown state")]
    [InlineData("""{"state":"ENGAGED"}""", "generation out of range")]
    [InlineData("""{"state":"ENGAGED","generation":-1}""", "generation out of range")]
    [InlineData("""{"state":"ENGAGED","generation":9007199254740992}""", "generation out of range")]
    [InlineData("""{"state":"ENGAGED","generation":0}""", "ENGAGED at generation 0")]
    [InlineData("""{"v":3,"node":"x","state":"SAFE","source":"cli"}""", "unknown version")]
    [InlineData("""{"v":"2","node":"x","state":"SAFE","source":"cli"}""", "unknown version")]
    [InlineData("""{"v":2,"node":"y","state":"SAFE","source":"cli"}""", "node is not the topic's node")]
    [InlineData("""{"v":2,"state":"SAFE","source":"cli"}""", "node is not the topic's node")]
    [InlineData("""{"v":2,"node":"x","state":"SAFE","source":"nobody"}""", "unknown source")]
    [InlineData("""{"v":2,"node":"x","state":"SAFE","source":"cli","engagement":"x:1"}""", "invalid engagement")]
    [InlineData("""{"v":2,"node":"x","state":"SAFE","source":"cli","engagement":7}""", "invalid engagement")]
    [InlineData("""{"v":2,"node":"x","state":"SAFE","source":"cli","own":"y:0123456789abcdef:1"}""", "invalid own engagement")]
    [InlineData("""{"v":2,"node":"x","state":"SAFE","source":"cli","own":"x:0000000000000000:1"}""", "invalid own engagement")]
    [InlineData("""{"v":2,"node":"x","state":"SAFE","source":"cli","own":"x"}""", "invalid own engagement")]
    [InlineData("""{"v":2,"node":"x","state":"ENGAGED","source":"cli","own":"x:0123456789abcdef:1"}""", "ENGAGED without an engagement")]
    [InlineData("""{"v":2,"node":"x","state":"ENGAGED","source":"cli","engagement":"x:0123456789abcdef:2","own":"x:0123456789abcdef:1"}""", "own engagement above its own counter")]
    public void A_peer_state_a_node_would_not_write_is_refused_with_the_reason(string json, string expected)
    {
        Assert.Equal(expected, PeerRefusal(json));
    }

    [Fact]
    public void An_empty_or_oversized_peer_state_is_refused_and_one_of_the_largest_size_is_read()
    {
        Assert.Equal("empty or oversized", PeerRefusal(""));
        var body = """{"state":"ENGAGED","generation":7}""";
        var largest = body + new string(' ', BreakerStateCodec.MaxPayload - body.Length);
        Assert.True(BreakerStateCodec.TryReadPeerPayload(Encoding.UTF8.GetBytes(largest), "x", out var r, out var e), e);
        Assert.Equal(new EngagementId("x", EngagementId.LegacyIncarnation, 7), r.Own);
        Assert.Equal("empty or oversized", PeerRefusal(largest + " "));
        Assert.False(BreakerStateCodec.TryReadPeerPayload([.. "{\"state\":\""u8, 0xC3, 0x28, .. "\"}"u8], "x", out _, out var utf8));
        Assert.Equal("invalid UTF-8", utf8);
    }

    [Fact]
    public void A_peer_state_may_name_an_adopted_engagement_above_its_own_counter_or_one_of_its_former_incarnation()
    {
        Assert.True(BreakerStateCodec.TryReadPeerPayload(Encoding.UTF8.GetBytes(
            """{"v":2,"node":"x","state":"ENGAGED","source":"peer","engagement":"y:0123456789abcdef:9","own":"x:0123456789abcdef:1"}"""), "x", out var r, out var e), e);
        Assert.Equal(new EngagementId("y", "0123456789abcdef", 9), r.Current);
        Assert.True(BreakerStateCodec.TryReadPeerPayload(Encoding.UTF8.GetBytes(
            """{"v":2,"node":"x","state":"ENGAGED","source":"cli","engagement":"x:fedcba9876543210:9","own":"x:0123456789abcdef:1"}"""), "x", out _, out e), e);
        Assert.True(BreakerStateCodec.TryReadPeerPayload(Encoding.UTF8.GetBytes(
            """{"v":2,"node":"x","state":"ENGAGED","source":"cli","engagement":"x:0123456789abcdef:1","own":"x:0123456789abcdef:1","reason":"a\u0001b "}"""), "x", out r, out e), e);
        Assert.Equal("a b", r.Reason);
        Assert.Equal(r.Current, r.Own);
        Assert.Equal("", e);
    }

    [Theory]
    [InlineData("""{"state":"ENGAGED","generation":7}""")]
    [InlineData("""{"v":2,"node":"x","state":"SAFE","source":"cli"}""")]
    public void A_peer_state_without_a_reason_reads_as_an_empty_reason(string json)
    {
        Assert.True(BreakerStateCodec.TryReadPeerPayload(Encoding.UTF8.GetBytes(json), "x", out var r, out var e), e);
        Assert.Equal("", r.Reason);
    }

    [Fact]
    public void A_version_1_peer_reason_is_sanitised()
    {
        Assert.True(BreakerStateCodec.TryReadPeerPayload("""{"state":"ENGAGED","generation":9007199254740991,"reason":" a\tb "}"""u8, "x", out var r, out var e), e);
        Assert.Equal("a b", r.Reason);
        Assert.Equal(EngagementId.MaxSeq, r.Own!.Value.Seq);
        Assert.Equal(BreakerPosition.Engaged, r.Position);
        Assert.Equal("", e);
    }

    [Fact]
    public void The_state_payload_of_a_node_that_never_engaged_names_no_engagement()
    {
        var s = BreakerState.FreshInstall(Since, "x", "0123456789abcdef");
        var buffer = new ArrayBufferWriter<byte>();
        BreakerStateCodec.WritePeerPayload(buffer, s with { Reason = "a\nb" }, Since);
        var j = JsonDocument.Parse(buffer.WrittenMemory).RootElement;
        Assert.Equal(JsonValueKind.Null, j.GetProperty("engagement").ValueKind);
        Assert.Equal(JsonValueKind.Null, j.GetProperty("own").ValueKind);
        Assert.Equal(0, j.GetProperty("generation").GetInt64());
        Assert.Equal("a b", j.GetProperty("reason").GetString());
        Assert.Equal("SAFE", j.GetProperty("state").GetString());
        Assert.True(BreakerStateCodec.TryReadPeerPayload(buffer.WrittenSpan, "x", out var r, out var e), e);
        Assert.Equal(new PeerReport("x", BreakerPosition.Safe, null, null, "a b"), r);
    }

    // ---- text and time ----

    [Fact]
    public void A_reason_is_sanitised_trimmed_and_cut_to_its_length_with_a_mark()
    {
        Assert.Equal("a b   c", BreakerStateCodec.Sanitize("\ta\nb \u0000 c\r"));
        var exact = new string('r', BreakerStateCodec.MaxReasonLength);
        Assert.Equal(exact, BreakerStateCodec.Sanitize(exact));
        Assert.Equal(exact + "…", BreakerStateCodec.Sanitize(exact + "r"));
        Assert.Equal(exact + "…", BreakerStateCodec.Sanitize(exact + new string('r', 10_000)));
        // A surrogate pair across the cut is not split.
        var pair = new string('r', BreakerStateCodec.MaxReasonLength - 1) + "😀" + "tail";
        Assert.Equal(new string('r', BreakerStateCodec.MaxReasonLength - 1) + "…", BreakerStateCodec.Sanitize(pair));
        Assert.Equal("", BreakerStateCodec.Sanitize(" \n "));
    }

    [Fact]
    public void The_one_timestamp_format_reads_back_and_other_forms_do_not()
    {
        var t = new DateTimeOffset(2026, 11, 21, 11, 0, 0, 7, TimeSpan.FromHours(1));
        var text = BreakerStateCodec.FormatTime(t);
        Assert.Equal("2026-11-21T10:00:00.007Z", text);
        Assert.True(BreakerStateCodec.TryParseTime(text, out var back));
        Assert.Equal(t, back);
        Assert.Equal(TimeSpan.Zero, back.Offset);
        Assert.False(BreakerStateCodec.TryParseTime("2026-11-21T10:00:00Z", out back));
        Assert.Equal(default, back);
        Assert.False(BreakerStateCodec.TryParseTime(null, out _));
    }
}
