using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace EdgeTrader.Transports.Mqtt;

/// <summary>Why a remote reset was accepted or ignored.</summary>
internal enum ResetVerdict
{
    /// <summary>Signed, fresh, for us, not seen before: the breaker may be reset.</summary>
    Accepted,
    /// <summary>Not a well-formed reset message.</summary>
    Malformed,
    /// <summary>Addressed to another node.</summary>
    NotForThisNode,
    /// <summary>The HMAC does not match (wrong key, or a field was changed).</summary>
    BadSignature,
    /// <summary>Its time is further from our clock than the replay window.</summary>
    OutsideWindow,
    /// <summary>Its nonce was already used within the window.</summary>
    Replayed,
    /// <summary>It names no engagement (the v1 format): a reset must say which engagement it clears.</summary>
    Unbound,
}

/// <summary>
/// Signed remote resets (docs/mqtt.md). Payload on <c>P/killswitch/reset</c>:
/// <c>{"node":"pi-1"|"*","engagement":"origin:incarnation:seq","time":EPOCH_MS,"nonce":"...","reason":"...","hmac":"HEX"}</c>,
/// where <c>hmac</c> is HMAC-SHA256, keyed with the bytes of the hex key in <c>mqtt.hmacKeyFile</c>, over the UTF-8 of
/// <c>"edgetrader-reset-v2\n" + P + "\n" + node + "\n" + engagement + "\n" + time + "\n" + nonce + "\n" + reason</c>
/// (P = the topic prefix, so a message cannot be replayed into another cluster sharing the key). Accepted only when the
/// time is within the replay window of our clock and the nonce has not been seen within that window; the breaker then
/// resets only when <c>engagement</c> is its current engagement, so a replay (also after a restart, when the nonces
/// seen are forgotten) can never clear a later engagement. <c>scripts/mqtt-signed-reset.sh</c> produces such a message.
/// </summary>
internal sealed class SignedResetVerifier
{
    /// <summary>First line of the canonical message: the format's version.</summary>
    public const string Version = "edgetrader-reset-v2";

    /// <summary>Most nonces remembered at once; beyond that resets are refused until old ones expire.</summary>
    public const int MaxRemembered = 4096;

    readonly byte[] _key;
    readonly string _prefix;
    readonly string _node;
    readonly long _windowMs;
    readonly TimeProvider _time;
    readonly Dictionary<string, long> _seen = new(StringComparer.Ordinal);
    readonly object _lock = new();

    /// <summary>Verifier for node <paramref name="node"/> under topic prefix <paramref name="prefix"/>.</summary>
    public SignedResetVerifier(byte[] key, string prefix, string node, TimeSpan window, TimeProvider time)
    {
        _key = key;
        _prefix = prefix;
        _node = node;
        _windowMs = (long)window.TotalMilliseconds;
        _time = time;
    }

    /// <summary>Checks one payload; on <see cref="ResetVerdict.Accepted"/> the nonce is consumed, <paramref name="reason"/> is the
    /// signed reason and <paramref name="engagement"/> the engagement it clears.</summary>
    public ResetVerdict Verify(ReadOnlySpan<byte> payload, out string reason, out KillSwitch.EngagementId engagement)
    {
        reason = "";
        engagement = default;
        if (payload.IsEmpty || payload.Length > MqttPayloads.MaxParsedPayload || !FlatJson.TryParse(payload, out var f)) return ResetVerdict.Malformed;
        var node = f.RawString("node");
        var nonce = f.RawString("nonce");
        var signedReason = f.RawString("reason");
        var hmacHex = f.RawString("hmac");
        if (node is null || nonce is null || signedReason is null || hmacHex is null || !f.TryInt64("time", out var time)) return ResetVerdict.Malformed;
        var named = f.RawString("engagement");
        if (named is null) return ResetVerdict.Unbound;
        if (!KillSwitch.EngagementId.TryParse(named, out var id)) return ResetVerdict.Malformed;
        if (!IsValidNonce(nonce) || node.Length == 0 || node.Contains('\n') || signedReason.Length > 1024) return ResetVerdict.Malformed;
        if (hmacHex.Length != 64 || !IsHex(hmacHex)) return ResetVerdict.Malformed;
        if (node != "*" && node != _node) return ResetVerdict.NotForThisNode;

        var expected = Sign(_key, _prefix, node, named, time, nonce, signedReason);
        var given = Convert.FromHexString(hmacHex);
        if (!CryptographicOperations.FixedTimeEquals(expected, given)) return ResetVerdict.BadSignature;

        long now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        if (Math.Abs(now - time) > _windowMs) return ResetVerdict.OutsideWindow;

        lock (_lock)
        {
            foreach (var (n, expires) in _seen)
            {
                if (expires < now) _seen.Remove(n);
            }
            if (_seen.ContainsKey(nonce) || _seen.Count >= MaxRemembered) return ResetVerdict.Replayed;
            _seen[nonce] = time + _windowMs; // after that its time is outside the window anyway
        }
        reason = MqttPayloads.Sanitize(signedReason);
        engagement = id;
        return ResetVerdict.Accepted;
    }

    /// <summary>The canonical text that is signed.</summary>
    public static string Canonical(string prefix, string node, string engagement, long time, string nonce, string reason) =>
        string.Join('\n', Version, prefix, node, engagement, time.ToString(CultureInfo.InvariantCulture), nonce, reason);

    /// <summary>HMAC-SHA256 of the canonical text.</summary>
    public static byte[] Sign(byte[] key, string prefix, string node, string engagement, long time, string nonce, string reason) =>
        HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(Canonical(prefix, node, engagement, time, nonce, reason)));

    /// <summary>A complete signed reset payload (tools and tests).</summary>
    public static byte[] CreatePayload(byte[] key, string prefix, string node, string engagement, long time, string nonce, string reason)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("node", node);
            w.WriteString("engagement", engagement);
            w.WriteNumber("time", time);
            w.WriteString("nonce", nonce);
            w.WriteString("reason", reason);
            w.WriteString("hmac", Convert.ToHexStringLower(Sign(key, prefix, node, engagement, time, nonce, reason)));
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Reads the key: the first line of the file, hex, at least 16 bytes (<c>openssl rand -hex 32</c>).
    /// Throws <see cref="FormatException"/> or an I/O exception otherwise.
    /// </summary>
    public static byte[] ReadKeyFile(string path)
    {
        var line = File.ReadLines(path).FirstOrDefault()?.Trim() ?? "";
        if (line.Length < 32 || line.Length % 2 != 0 || !IsHex(line))
        {
            throw new FormatException($"{path}: the first line must be a hex key of at least 16 bytes (e.g. from `openssl rand -hex 32`)");
        }
        return Convert.FromHexString(line);
    }

    static bool IsValidNonce(string nonce)
    {
        if (nonce.Length is < 8 or > 128) return false;
        foreach (var c in nonce)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')) return false;
        }
        return true;
    }

    static bool IsHex(string s)
    {
        foreach (var c in s)
        {
            if (!char.IsAsciiHexDigit(c)) return false;
        }
        return true;
    }
}
