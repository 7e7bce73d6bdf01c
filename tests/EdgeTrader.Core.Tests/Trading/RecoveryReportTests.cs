using System.Text.Json;
using EdgeTrader.Trading;

namespace EdgeTrader.Tests.Trading;

/// <summary>The <c>recovery</c> object of status: how the start went, every counter under its stable name.</summary>
public sealed class RecoveryReportTests
{
    static JsonElement Status(RecoveryReport r)
    {
        var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            r.WriteStatus(w);
            w.WriteEndObject();
        }
        return JsonDocument.Parse(ms.ToArray()).RootElement.Clone();
    }

    [Fact]
    public void A_fresh_report_is_a_warm_start_with_nothing_to_reconcile()
    {
        var s = Status(new RecoveryReport());
        Assert.Equal("warm", s.GetProperty("mode").GetString());
        Assert.Equal("none", s.GetProperty("state").GetString());
        Assert.False(s.TryGetProperty("fromCheckpoint", out _));
        Assert.Equal(0, s.GetProperty("refusedIds").GetArrayLength());
    }

    [Fact]
    public void Every_counter_is_written_under_its_name()
    {
        var r = new RecoveryReport
        {
            Mode = "cold",
            State = "done",
            Journal = (3, 120, 2, 17, 12.345),
            FromCheckpoint = "journal-2026-11-23.jsonl @ 10",
            RestoredInFlight = 1, Filled = 2, StillOpen = 3, GivenUp = 4, UnknownAtGateway = 5, Recovered = 6, Discarded = 7, LeftForLive = 8, Rounds = 9, Refused = 10,
            RefusedIds = ["pi-1-2-000001", "pi-1-2-000002"],
        };
        var s = Status(r);
        Assert.Equal(("cold", "done"), (s.GetProperty("mode").GetString(), s.GetProperty("state").GetString()));
        Assert.Equal((3, 120, 2, 17), (s.GetProperty("journalFiles").GetInt32(), s.GetProperty("journalLines").GetInt32(), s.GetProperty("badLines").GetInt32(), s.GetProperty("tornBytesRemoved").GetInt32()));
        Assert.Equal(12.3, s.GetProperty("loadMs").GetDouble());
        Assert.Equal("journal-2026-11-23.jsonl @ 10", s.GetProperty("fromCheckpoint").GetString());
        string[] names = ["restoredInFlight", "filled", "open", "givenUp", "unknownAtGateway", "recovered", "discarded", "leftForLiveStart", "requestRounds", "refused"];
        Assert.Equal(Enumerable.Range(1, 10), names.Select(n => s.GetProperty(n).GetInt32()));
        Assert.Equal(["pi-1-2-000001", "pi-1-2-000002"], s.GetProperty("refusedIds").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal((5L, 1L), (r.UnknownAtGatewayCount, r.RestoredInFlightCount));
    }
}
