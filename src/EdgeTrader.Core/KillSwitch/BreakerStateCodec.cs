using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace EdgeTrader.KillSwitch;

/// <summary>
/// The one serialisation of <see cref="BreakerState"/>: the state file (<c>breaker.json</c>), the status answer, the
/// MQTT state payload and the journal's breaker lines all write the same fields with the same names through
/// <see cref="WriteFields"/>, and every timestamp in them has one format (<see cref="FormatTime"/>). Readers never throw:
/// a document is either understood or refused, with the reason.
/// </summary>
public static class BreakerStateCodec
{
    /// <summary>Version of the state file and of the MQTT state payload written now.</summary>
    public const int Version = 2;

    /// <summary>Text taken from a document (reasons) is cut to this many characters.</summary>
    public const int MaxReasonLength = 200;

    /// <summary>ISO-8601 UTC with milliseconds, e.g. <c>2026-11-21T10:00:00.123Z</c>: the one timestamp format.</summary>
    public static string FormatTime(DateTimeOffset t) =>
        t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Parses exactly the format of <see cref="FormatTime"/>.</summary>
    public static bool TryParseTime(string? s, out DateTimeOffset t)
    {
        if (s is not null && DateTime.TryParseExact(s, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var d))
        {
            t = new DateTimeOffset(d, TimeSpan.Zero);
            return true;
        }
        t = default;
        return false;
    }

    /// <summary>
    /// The fields every document about the breaker carries: <c>state</c>, <c>engagement</c> (<c>origin:incarnation:seq</c>
    /// or null), <c>generation</c> (the engagement's seq, 0 when none: for display and for v1 readers), <c>reason</c>,
    /// <c>source</c>, <c>since</c>.
    /// </summary>
    public static void WriteFields(Utf8JsonWriter w, BreakerState s)
    {
        w.WriteString("state", BreakerNames.Of(s.Position));
        if (s.Engagement is { } e) w.WriteString("engagement", e.ToString());
        else w.WriteNull("engagement");
        w.WriteNumber("generation", s.Generation);
        w.WriteString("reason", s.Reason);
        w.WriteString("source", BreakerNames.Of(s.Source));
        w.WriteString("since", FormatTime(s.Since));
    }

    // ---- the state file ----

    /// <summary>The state file's content: the common fields, this node's identity and counter, and the dealt-with ledger.</summary>
    public static byte[] ToFile(BreakerState s)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("version", Version);
            WriteFields(w, s);
            w.WriteString("node", s.Self.Node);
            w.WriteString("incarnation", s.Self.Incarnation);
            w.WriteNumber("counter", s.Self.Counter);
            w.WriteNumber("legacyResetGeneration", s.Dealt.LegacyFloor);
            w.WriteStartArray("dealt");
            foreach (var d in s.Dealt.Entries)
            {
                w.WriteStartObject();
                w.WriteString("publisher", d.Publisher);
                w.WriteString("origin", d.Origin);
                w.WriteString("incarnation", d.Incarnation);
                w.WriteNumber("seq", d.Seq);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Reads a state file of this version or of version 1 (no <c>version</c> key: <c>generation</c>,
    /// <c>highestSeenGeneration</c>, <c>resetGeneration</c>), for node <paramref name="node"/>. A version-1 file migrates:
    /// a new incarnation, the counter = its highest seen generation (own engagements keep numbering above everything
    /// it had seen; not when that is within <see cref="V1Headroom"/> of 2^53−1, see there), its engagement becomes this node's own with that generation, and its reset generation becomes the
    /// ledger's legacy floor (v1 peers' engagements at or below it stay dealt with). <paramref name="migrated"/> says so.
    /// </summary>
    public static bool TryReadFile(ReadOnlySpan<byte> bytes, string node, out BreakerState state, out bool migrated, out string error)
    {
        state = null!;
        migrated = false;
        if (!System.Text.Unicode.Utf8.IsValid(bytes)) { error = "invalid UTF-8"; return false; }
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(bytes.ToArray(), new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException ex)
        {
            error = ex.Message;
            return false;
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) { error = "not a JSON object"; return false; }
            if (HasDuplicates(root, out var dup)) { error = $"duplicate key '{dup}'"; return false; }
            if (!BreakerNames.TryParsePosition(Str(root, "state"), out var pos)) { error = $"unknown state '{Str(root, "state")}'"; return false; }
            if (!BreakerNames.TryParseSource(Str(root, "source"), out var src)) { error = $"unknown source '{Str(root, "source")}'"; return false; }
            if (!TryParseTime(Str(root, "since"), out var since)
                && !DateTimeOffset.TryParse(Str(root, "since"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out since))
            {
                error = "missing or unreadable since";
                return false;
            }
            string reason = Str(root, "reason") ?? "";
            if (!root.TryGetProperty("version", out var v))
            {
                migrated = true;
                return TryReadV1(root, node, pos, reason, src, since, out state, out error);
            }
            if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var version) || version != Version) { error = $"unknown version {v}"; return false; }

            string? inc = Str(root, "incarnation");
            if (!EngagementId.IsValidIncarnation(inc) || inc == EngagementId.LegacyIncarnation) { error = "missing or invalid incarnation"; return false; }
            if (!Int(root, "counter", out var counter) || counter is < 0 or > EngagementId.MaxSeq) { error = "counter out of range"; return false; }
            if (!Int(root, "legacyResetGeneration", out var floor) || floor is < 0 or > EngagementId.MaxSeq) { error = "legacyResetGeneration out of range"; return false; }
            EngagementId? engagement = null;
            if (root.TryGetProperty("engagement", out var ev) && ev.ValueKind != JsonValueKind.Null)
            {
                if (ev.ValueKind != JsonValueKind.String || !EngagementId.TryParse(ev.GetString(), out var id)) { error = "invalid engagement"; return false; }
                engagement = id;
            }
            if (pos == BreakerPosition.Engaged && engagement is null) { error = "ENGAGED without an engagement"; return false; }
            string fileNode = Str(root, "node") ?? "";
            if (engagement is { } own && own.Origin == fileNode && own.Incarnation == inc && own.Seq > counter) { error = "own engagement above the counter"; return false; }
            var entries = new List<DealtEntry>();
            if (!root.TryGetProperty("dealt", out var dealt) || dealt.ValueKind != JsonValueKind.Array) { error = "missing dealt"; return false; }
            foreach (var d in dealt.EnumerateArray())
            {
                if (d.ValueKind != JsonValueKind.Object) { error = "invalid dealt entry"; return false; }
                string? p = Str(d, "publisher"), o = Str(d, "origin"), di = Str(d, "incarnation");
                if (!EngagementId.IsValidNode(p) || !EngagementId.IsValidNode(o) || !EngagementId.IsValidIncarnation(di)
                    || !Int(d, "seq", out var seq) || seq is < 1 or > EngagementId.MaxSeq)
                {
                    error = "invalid dealt entry";
                    return false;
                }
                entries.Add(new DealtEntry(p!, o!, di!, seq));
            }
            // A renamed node keeps its incarnation and counter: (new name, incarnation) has never been used.
            state = new BreakerState(pos, engagement, reason, src, since, new NodeIdentity(node, inc!, counter), EngagementLedger.Of(entries, floor));
            error = "";
            return true;
        }
    }

    /// <summary>Room a migrated version-1 counter must leave below <see cref="EngagementId.MaxSeq"/> (2^32 own engagements):
    /// a <c>highestSeenGeneration</c> above <c>MaxSeq − V1Headroom</c> is not carried into the counter.</summary>
    public const long V1Headroom = 1L << 32;

    static bool TryReadV1(JsonElement root, string node, BreakerPosition pos, string reason, BreakerSource src, DateTimeOffset since,
        out BreakerState state, out string error)
    {
        state = null!;
        if (!Int(root, "generation", out var gen) || !Int(root, "highestSeenGeneration", out var highest))
        {
            error = "missing generation";
            return false;
        }
        Int(root, "resetGeneration", out var resetGen);
        if (gen < 0 || highest < gen || resetGen < 0 || resetGen > highest || highest > EngagementId.MaxSeq)
        {
            error = "inconsistent generations";
            return false;
        }
        if (pos == BreakerPosition.Engaged && gen == 0) { error = "ENGAGED without a generation"; return false; }
        // The incarnation is new, so no number in it has been used. Own engagements keep numbering above everything the
        // file had seen (v1 peers compare generations), unless that is within V1Headroom of the end: only a planted
        // value gets there, and carrying it would make the next engagements ones every peer refuses. Then the counter
        // is the file's own generation, and a generation that high too restarts at 1.
        long counter = highest <= EngagementId.MaxSeq - V1Headroom ? highest : gen <= EngagementId.MaxSeq - V1Headroom ? gen : Math.Min(gen, 1);
        long seq = Math.Min(gen, counter);
        var self = new NodeIdentity(node, EngagementId.NewIncarnation(), counter);
        EngagementId? engagement = gen > 0 ? new EngagementId(node, self.Incarnation, seq) : null;
        state = new BreakerState(pos, engagement, reason, src, since, self, EngagementLedger.Of([], resetGen));
        error = "";
        return true;
    }

    // ---- the MQTT state payload ----

    /// <summary>
    /// This node's retained state: <c>{"v":2,"node",…common fields…,"own","time"}</c>, where <c>own</c> is this node's
    /// latest own engagement (null when none) and <c>time</c> the send time in epoch milliseconds.
    /// </summary>
    public static void WritePeerPayload(IBufferWriter<byte> output, BreakerState s, DateTimeOffset now)
    {
        using var w = new Utf8JsonWriter(output);
        w.WriteStartObject();
        w.WriteNumber("v", Version);
        w.WriteString("node", s.Self.Node);
        WriteFields(w, s with { Reason = Sanitize(s.Reason) }); // what peers accept: never a payload they would refuse
        if (s.Self.Latest is { } own) w.WriteString("own", own.ToString());
        else w.WriteNull("own");
        w.WriteNumber("time", now.ToUnixTimeMilliseconds());
        w.WriteEndObject();
    }

    /// <summary>Largest payload read (larger ones are refused).</summary>
    public const int MaxPayload = 64 * 1024;

    /// <summary>
    /// Reads a peer's retained state from the topic of <paramref name="publisher"/>. Accepts exactly what
    /// <see cref="WritePeerPayload"/> writes (its <c>node</c> must be the publisher, identities must parse, <c>own</c> must
    /// be the publisher's, ENGAGED must name its engagement) and, from peers that still run version 1, <c>{"state",
    /// "generation"}</c> with a generation of 1 .. 2^53−1: an ENGAGED one becomes the publisher's own engagement of the
    /// legacy incarnation; a SAFE one names nothing. Anything else is refused with <paramref name="error"/>.
    /// </summary>
    public static bool TryReadPeerPayload(ReadOnlySpan<byte> payload, string publisher, out PeerReport report, out string error)
    {
        report = null!;
        if (payload.IsEmpty || payload.Length > MaxPayload) { error = "empty or oversized"; return false; }
        if (!System.Text.Unicode.Utf8.IsValid(payload)) { error = "invalid UTF-8"; return false; }
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(payload.ToArray(), new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException)
        {
            error = "not JSON";
            return false;
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) { error = "not a JSON object"; return false; }
            if (HasDuplicates(root, out var dup)) { error = $"duplicate key '{dup}'"; return false; }
            if (!BreakerNames.TryParsePosition(Str(root, "state"), out var pos)) { error = "unknown state"; return false; }
            string reason = Sanitize(Str(root, "reason") ?? "");
            if (!root.TryGetProperty("v", out var v))
            {
                if (!Int(root, "generation", out var gen) || gen < 0 || gen > EngagementId.MaxSeq) { error = "generation out of range"; return false; }
                if (pos == BreakerPosition.Engaged && gen == 0) { error = "ENGAGED at generation 0"; return false; }
                EngagementId? legacy = pos == BreakerPosition.Engaged ? new EngagementId(publisher, EngagementId.LegacyIncarnation, gen) : null;
                report = new PeerReport(publisher, pos, null, legacy, reason);
                error = "";
                return true;
            }
            if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var version) || version != Version) { error = "unknown version"; return false; }
            if (Str(root, "node") != publisher) { error = "node is not the topic's node"; return false; }
            if (!BreakerNames.TryParseSource(Str(root, "source"), out _)) { error = "unknown source"; return false; }
            if (!TryId(root, "engagement", out var current)) { error = "invalid engagement"; return false; }
            if (!TryId(root, "own", out var own) || own is { } o && (o.Origin != publisher || o.IsLegacy)) { error = "invalid own engagement"; return false; }
            if (pos == BreakerPosition.Engaged && current is null) { error = "ENGAGED without an engagement"; return false; }
            if (current is { } c && c.Origin == publisher && own is { } ow && c.Incarnation == ow.Incarnation && c.Seq > ow.Seq)
            {
                error = "own engagement above its own counter";
                return false;
            }
            report = new PeerReport(publisher, pos, current, own, reason);
            error = "";
            return true;
        }
    }

    static bool TryId(JsonElement root, string name, out EngagementId? id)
    {
        id = null;
        if (!root.TryGetProperty(name, out var e) || e.ValueKind == JsonValueKind.Null) return true;
        if (e.ValueKind != JsonValueKind.String || !EngagementId.TryParse(e.GetString(), out var parsed)) return false;
        id = parsed;
        return true;
    }

    /// <summary>Control characters become spaces; trimmed and cut to <see cref="MaxReasonLength"/> characters.</summary>
    public static string Sanitize(string s)
    {
        var sb = new StringBuilder(Math.Min(s.Length, MaxReasonLength + 1));
        foreach (var ch in s)
        {
            sb.Append(char.IsControl(ch) ? ' ' : ch);
            if (sb.Length > MaxReasonLength) break;
        }
        var t = sb.ToString().Trim();
        if (t.Length <= MaxReasonLength) return t;
        int cut = MaxReasonLength;
        if (char.IsHighSurrogate(t[cut - 1])) cut--; // never split a surrogate pair
        return t[..cut] + "…";
    }

    static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    static bool Int(JsonElement e, string name, out long value)
    {
        value = 0;
        if (!e.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.Number) return false;
        var raw = v.GetRawText();
        if (raw.Contains('.') || raw.Contains('e') || raw.Contains('E')) return false;
        return v.TryGetInt64(out value);
    }

    static bool HasDuplicates(JsonElement obj, out string duplicate)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in obj.EnumerateObject())
        {
            if (!names.Add(p.Name))
            {
                duplicate = p.Name;
                return true;
            }
        }
        duplicate = "";
        return false;
    }
}
