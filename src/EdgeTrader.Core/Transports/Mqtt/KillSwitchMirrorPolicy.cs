using EdgeTrader.KillSwitch;

namespace EdgeTrader.Transports.Mqtt;

/// <summary>What one MQTT message means for the kill switch (<see cref="KillSwitchMirrorPolicy.Decide"/>).</summary>
internal abstract record MirrorAction
{
    /// <summary><c>P/killswitch/engage</c>: an explicit stop, whatever the payload.</summary>
    public sealed record EngageCommand(string Reason) : MirrorAction;
    /// <summary>A peer's state on <c>P/nodes/&lt;peer&gt;/state</c>, read.</summary>
    public sealed record PeerState(PeerReport Report) : MirrorAction;
    /// <summary>This node's own state topic: null when what is there is not a state this node wrote.</summary>
    public sealed record OwnState(PeerReport? Report) : MirrorAction;
    /// <summary>A signed, fresh, new reset for this node naming <paramref name="Engagement"/>.</summary>
    public sealed record VerifiedReset(string Reason, EngagementId Engagement) : MirrorAction;
    /// <summary>Nothing to do; <paramref name="Detail"/> says why (for the throttled log), <paramref name="Counted"/> whether it is an anomaly.</summary>
    public sealed record Ignore(string Detail, bool Counted, bool Quiet = false) : MirrorAction;
}

/// <summary>What applying an action did (for counters and the log).</summary>
internal enum MirrorOutcome
{
    /// <summary>An engage command engaged a SAFE node.</summary>
    Engaged,
    /// <summary>An engage command renewed the engagement of an ENGAGED node.</summary>
    Renewed,
    /// <summary>A peer's state engaged this node.</summary>
    PeerEngaged,
    /// <summary>A peer's state named an engagement not yet dealt with, while ENGAGED: remembered.</summary>
    PeerSeen,
    /// <summary>A peer's state named only engagements dealt with here.</summary>
    PeerDealtWith,
    /// <summary>This node's own topic holds something else than its state: publish it again.</summary>
    Republish,
    /// <summary>Own topic as expected.</summary>
    OwnStateCurrent,
    /// <summary>A verified reset reset the breaker.</summary>
    ResetDone,
    /// <summary>A verified reset was refused by the breaker (interlock, unsaved latch, not the current engagement).</summary>
    ResetRefused,
    /// <summary>Ignored.</summary>
    Ignored,
}

/// <summary>
/// The mirroring policy, without a broker: a topic and a payload in, an action out (<see cref="Decide"/>), applied to
/// the breaker (<see cref="Apply"/>). The session (<see cref="MqttMirror"/>) only connects, subscribes, publishes and
/// hands messages here.
/// <list type="bullet">
/// <item><c>P/killswitch/engage</c>: any payload is an explicit stop (<see cref="CircuitBreaker.Command"/>): it engages, or
/// renews the engagement of an ENGAGED node.</item>
/// <item><c>P/nodes/X/state</c> (X another node): read by <see cref="BreakerStateCodec.TryReadPeerPayload"/>; what it
/// names goes to <see cref="CircuitBreaker.EngageFromPeer"/>. Garbage is ignored (counted).</item>
/// <item><c>P/nodes/SELF/state</c>: an own engagement there above this node's counter raises the counter
/// (<see cref="CircuitBreaker.NoteOwnState"/>); when it is not this node's current state (a planted value, or a stale
/// one), the session publishes the current state again.</item>
/// <item><c>P/killswitch/reset</c>: only with remote resets allowed and a valid signature, fresh and unseen, for this node
/// or all; the breaker resets only the engagement the message names.</item>
/// </list>
/// </summary>
internal sealed class KillSwitchMirrorPolicy
{
    readonly string _node;
    readonly string _engageTopic;
    readonly string _resetTopic;
    readonly string _nodesPrefix;
    readonly SignedResetVerifier? _verifier;
    readonly string _resetDisabledBecause;

    /// <summary>Policy for <paramref name="node"/> under <paramref name="prefix"/>; <paramref name="verifier"/> null = remote resets disabled (<paramref name="resetDisabledBecause"/>).</summary>
    public KillSwitchMirrorPolicy(string prefix, string node, SignedResetVerifier? verifier, string resetDisabledBecause = "remote resets are disabled")
    {
        _node = node;
        _engageTopic = $"{prefix}/killswitch/engage";
        _resetTopic = $"{prefix}/killswitch/reset";
        _nodesPrefix = $"{prefix}/nodes/";
        _verifier = verifier;
        _resetDisabledBecause = resetDisabledBecause;
    }

    /// <summary>What <paramref name="payload"/> on <paramref name="topic"/> means. Never throws.</summary>
    public MirrorAction Decide(string topic, ReadOnlySpan<byte> payload)
    {
        if (topic == _engageTopic)
        {
            string reason;
            try { reason = MqttPayloads.DescribeEngageCommand(payload); }
            catch (Exception) { reason = $"MQTT engage command (unparseable payload, {payload.Length} bytes)"; }
            return new MirrorAction.EngageCommand(reason);
        }
        if (topic == _resetTopic) return DecideReset(payload);
        if (topic.StartsWith(_nodesPrefix, StringComparison.Ordinal) && topic.EndsWith("/state", StringComparison.Ordinal)
            && topic.Length > _nodesPrefix.Length + "/state".Length)
        {
            var peer = topic[_nodesPrefix.Length..^"/state".Length];
            if (!EngagementId.IsValidNode(peer)) return new MirrorAction.Ignore($"state topic of an invalid node name ({peer.Length} chars)", Counted: true);
            if (payload.IsEmpty && peer != _node) return new MirrorAction.Ignore($"empty state from {peer} (a cleared retained message)", Counted: true, Quiet: true);
            bool ok = BreakerStateCodec.TryReadPeerPayload(payload, peer, out var report, out var error);
            if (peer == _node) return new MirrorAction.OwnState(ok ? report : null);
            return ok ? new MirrorAction.PeerState(report) : new MirrorAction.Ignore($"unreadable state from peer {peer} ({payload.Length} bytes: {error})", Counted: true);
        }
        return new MirrorAction.Ignore($"topic {topic} is not the kill switch's", Counted: false, Quiet: true);
    }

    MirrorAction DecideReset(ReadOnlySpan<byte> payload)
    {
        if (_verifier is null) return new MirrorAction.Ignore($"remote reset ignored: {_resetDisabledBecause}", Counted: true);
        var verdict = _verifier.Verify(payload, out var reason, out var engagement);
        return verdict switch
        {
            ResetVerdict.Accepted => new MirrorAction.VerifiedReset(reason, engagement),
            ResetVerdict.NotForThisNode => new MirrorAction.Ignore("remote reset for another node", Counted: true, Quiet: true),
            _ => new MirrorAction.Ignore($"remote reset ignored: {verdict}", Counted: true),
        };
    }

    /// <summary>Applies <paramref name="action"/> to <paramref name="breaker"/>.</summary>
    public static MirrorOutcome Apply(MirrorAction action, CircuitBreaker breaker, out string? detail)
    {
        detail = null;
        switch (action)
        {
            case MirrorAction.EngageCommand e:
                var r = breaker.Command(e.Reason, BreakerSource.Mqtt);
                return r.Outcome == EngageOutcome.Renewed ? MirrorOutcome.Renewed : MirrorOutcome.Engaged;
            case MirrorAction.PeerState p:
                return breaker.EngageFromPeer(p.Report) switch
                {
                    PeerVerdict.Engaged => MirrorOutcome.PeerEngaged,
                    PeerVerdict.Seen => MirrorOutcome.PeerSeen,
                    PeerVerdict.DealtWith => MirrorOutcome.PeerDealtWith,
                    var v => throw new InvalidOperationException($"unknown verdict {v}"),
                };
            case MirrorAction.OwnState o:
                if (o.Report is { } mine) breaker.NoteOwnState(mine); // an own engagement above the counter raises it
                var s = breaker.State;
                bool current = o.Report is { } rep && rep.Position == s.Position && rep.Current == s.Engagement && rep.Own == s.Self.Latest;
                return current ? MirrorOutcome.OwnStateCurrent : MirrorOutcome.Republish;
            case MirrorAction.VerifiedReset v:
                var res = breaker.Reset($"remote reset: {v.Reason}", BreakerSource.Mqtt, v.Engagement);
                detail = res.RefusedBecause;
                return res.Done ? MirrorOutcome.ResetDone : MirrorOutcome.ResetRefused;
            case MirrorAction.Ignore i:
                detail = i.Detail;
                return MirrorOutcome.Ignored;
            default:
                throw new InvalidOperationException($"unknown action {action}");
        }
    }
}
