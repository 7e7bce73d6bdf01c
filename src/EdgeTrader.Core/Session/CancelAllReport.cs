namespace EdgeTrader.Session;

/// <summary>
/// One frame of a gateway's answer to a <c>cancel_all</c> (docs/contract.md §4.2), modelled on a venue's mass-cancel
/// report: whether the gateway accepted the request, and which orders it cancelled. "Accepted" is not "done": an order
/// the report does not list stays in flight until it is filled, rejected or listed in a later part.
/// </summary>
/// <param name="RequestId">The <c>requestId</c> of the cancel_all it answers.</param>
/// <param name="Accepted">True for <c>"status":"accepted"</c>, false for <c>"rejected"</c>.</param>
/// <param name="Reason">Why it was rejected (at most 200 characters), or null.</param>
/// <param name="Affected">Orders this part covers (the number of <paramref name="Ids"/> when absent).</param>
/// <param name="Ids">The orders this part reports cancelled, as the gateway spelled them.</param>
/// <param name="Last">False when more parts follow.</param>
public sealed record CancelAllReport(string RequestId, bool Accepted, string? Reason, long Affected, IReadOnlyList<string> Ids, bool Last);
