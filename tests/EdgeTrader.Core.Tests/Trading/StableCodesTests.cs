using EdgeTrader.Trading;
using EdgeTrader.Trading.Risk;

namespace EdgeTrader.Tests.Trading;

public class StableCodesTests
{
    [Fact]
    public void A_denial_code_without_a_name_throws_instead_of_borrowing_another_codes_name() =>
        Assert.ThrowsAny<ArgumentException>(() => DenialCodes.Code((DenialCode)DenialCodes.Count));

    [Fact]
    public void A_drop_reason_without_a_name_throws_instead_of_borrowing_another_reasons_name() =>
        Assert.ThrowsAny<ArgumentException>(() => TickDropReasons.Code((TickDropReason)TickDropReasons.Count));
}

/// <summary>The stable codes on the wire (status, journal, metrics, logs) are exactly the ones docs/contract.md lists, in its order.</summary>
public class ContractCodesTests
{
    static string Contract()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "EdgeTrader.sln"))) dir = Path.GetDirectoryName(dir);
        Assert.NotNull(dir);
        return File.ReadAllText(Path.Combine(dir!, "docs", "contract.md"));
    }

    /// <summary>The upper-case codes in backticks of the paragraph that starts with <paramref name="heading"/>.</summary>
    static List<string> Listed(string heading)
    {
        string text = Contract();
        int at = text.IndexOf("\n" + heading, StringComparison.Ordinal);
        Assert.True(at >= 0, $"docs/contract.md has no paragraph '{heading}'");
        int end = text.IndexOf("\n\n", at + 1, StringComparison.Ordinal);
        var paragraph = text[at..(end < 0 ? text.Length : end)];
        // Up to the next list of the paragraph (one heading per line group).
        int next = paragraph.IndexOf(".\n", StringComparison.Ordinal);
        if (next >= 0) paragraph = paragraph[..next];
        return [.. System.Text.RegularExpressions.Regex.Matches(paragraph, "`([A-Z][A-Z_]+)`").Select(m => m.Groups[1].Value)];
    }

    [Fact]
    public void Denial_codes_are_the_contracts_after_NONE() =>
        Assert.Equal(Listed("Denial codes:"), Enum.GetValues<DenialCode>().Where(c => c != DenialCode.None).Select(DenialCodes.Code));

    [Fact]
    public void Not_denied_is_named_NONE() => Assert.Equal("NONE", DenialCodes.Code(DenialCode.None));

    [Fact]
    public void Drop_reasons_are_the_contracts() =>
        Assert.Equal(Listed("Drop reasons:"), Enum.GetValues<TickDropReason>().Select(TickDropReasons.Code));

    [Fact]
    public void Anomaly_codes_are_the_contracts() =>
        Assert.Equal(Listed("Anomalies ("), Enum.GetValues<AnomalyCode>().Select(AnomalyCodes.Code));

    [Fact]
    public void An_anomaly_code_without_a_name_throws_instead_of_borrowing_another_codes_name() =>
        Assert.ThrowsAny<ArgumentException>(() => AnomalyCodes.Code((AnomalyCode)AnomalyCodes.Count));

    [Fact]
    public void Counts_size_every_array_indexed_by_a_code() =>
        Assert.Equal((Enum.GetValues<DenialCode>().Length, Enum.GetValues<TickDropReason>().Length, Enum.GetValues<AnomalyCode>().Length),
            (DenialCodes.Count, TickDropReasons.Count, AnomalyCodes.Count));

    [Fact]
    public void Order_events_are_journaled_as_line_types_the_restart_reads_as_settling_the_order_or_not()
    {
        var expected = new (OrderEventType Type, string Name, EdgeTrader.Journal.JournalLineType Reads)[]
        {
            (OrderEventType.Ack, "ack", EdgeTrader.Journal.JournalLineType.Ack),
            (OrderEventType.Reject, "reject", EdgeTrader.Journal.JournalLineType.End),
            (OrderEventType.Timeout, "timeout", EdgeTrader.Journal.JournalLineType.Other), // still in flight
            (OrderEventType.GivenUp, "given_up", EdgeTrader.Journal.JournalLineType.End),
            (OrderEventType.UnknownAtGateway, "unknown_at_gateway", EdgeTrader.Journal.JournalLineType.End),
            (OrderEventType.Discarded, "discarded", EdgeTrader.Journal.JournalLineType.End),
        };
        Assert.Equal(expected.Select(e => e.Type), Enum.GetValues<OrderEventType>());
        foreach (var (type, name, reads) in expected)
        {
            Assert.Equal(name, OrderEventTypes.Name(type));
            Assert.Equal(reads, EdgeTrader.Journal.JournalLineParser.Classify(System.Text.Encoding.UTF8.GetBytes(name)));
        }
        Assert.ThrowsAny<ArgumentException>(() => OrderEventTypes.Name((OrderEventType)99));
    }

    [Fact]
    public void A_value_that_is_no_code_is_refused_saying_what_it_is_not()
    {
        Assert.Contains("not an anomaly code", Assert.ThrowsAny<ArgumentException>(() => AnomalyCodes.Code((AnomalyCode)AnomalyCodes.Count)).Message);
        Assert.Contains("not a drop reason", Assert.ThrowsAny<ArgumentException>(() => TickDropReasons.Code((TickDropReason)TickDropReasons.Count)).Message);
        Assert.Contains("not an order event", Assert.ThrowsAny<ArgumentException>(() => OrderEventTypes.Name((OrderEventType)99)).Message);
    }
}
