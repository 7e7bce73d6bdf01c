namespace EdgeTrader.Trading.Risk;

/// <summary>
/// The risk rules the loop evaluates: pre-trade (an intent between the gates) and post-trade (the day's P&amp;L and loss
/// streak after every mark and fill). <see cref="PreTradeRisk"/> is the implementation; the loop treats any exception,
/// timeout or non-finite input of these as a check that could not be evaluated: it engages and the order in hand does
/// not leave.
/// </summary>
public interface IRiskChecks
{
    /// <summary>Checks an intent; <see cref="DenialCode.None"/> means it may go on to gate 2.</summary>
    DenialCode Check(in OrderIntent intent, DateTimeOffset now, long nowTimestamp);

    /// <summary>Records that an order was sent at <paramref name="nowTimestamp"/>.</summary>
    void OnSent(long nowTimestamp);

    /// <summary>The reason to engage (source risk), or null while every post-trade limit holds.</summary>
    string? PostTradeBreach();
}
