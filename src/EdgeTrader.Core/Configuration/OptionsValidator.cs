using System.Globalization;
using System.Text.RegularExpressions;

namespace EdgeTrader.Configuration;

/// <summary>Start-up checks of the bound options. Every message names the key and says why it is wrong.</summary>
public static partial class OptionsValidator
{
    /// <summary>All problems found; empty when the options can be used.</summary>
    public static IReadOnlyList<ConfigError> Validate(EdgeTraderOptions o)
    {
        var e = new List<ConfigError>();
        void Err(string key, string why) => e.Add(new ConfigError(key, why));

        // A JSON null for a section binds to null despite the nullable annotations.
        if (IsNull(o.Control)) Err("control", "must be an object, not null");
        if (IsNull(o.Bridge)) Err("bridge", "must be an object, not null");
        if (IsNull(o.Gateway)) Err("gateway", "must be an object, not null");
        if (IsNull(o.Execution)) Err("execution", "must be an object, not null");
        if (IsNull(o.Strategy)) Err("strategy", "must be an object, not null");
        if (IsNull(o.Risk)) Err("risk", "must be an object, not null");
        if (IsNull(o.Panel)) Err("panel", "must be an object, not null");
        if (IsNull(o.Mqtt)) Err("mqtt", "must be an object, not null");
        if (IsNull(o.Http)) Err("http", "must be an object, not null");
        if (IsNull(o.Clock)) Err("clock", "must be an object, not null");
        if (e.Count > 0) return e;

        if (string.IsNullOrEmpty(o.Node) || !NodeName().IsMatch(o.Node))
            Err("node", "must be 1-64 characters of letters, digits, '-' or '_' (it is part of MQTT topics and order ids)");
        if (string.IsNullOrWhiteSpace(o.StateDir)) Err("stateDir", "must be a directory path");
        if (string.IsNullOrWhiteSpace(o.LogDir)) Err("logDir", "must be a directory path");
        Defined("logLevel", o.LogLevel, Err);
        if (string.IsNullOrWhiteSpace(o.Control.Socket)) Err("control.socket", "must be a Unix socket path");
        else if (System.Text.Encoding.UTF8.GetByteCount(o.Control.Socket) > 107) Err("control.socket", "longer than the 107 bytes a Unix socket path may have");

        Endpoint("bridge.ticks", o.Bridge.Ticks, Err);
        Defined("bridge.transport", o.Bridge.Transport, Err);
        Defined("bridge.format", o.Bridge.Format, Err);
        if (o.Bridge.ReceiveHighWaterMark < 0) Err("bridge.receiveHighWaterMark", "must be >= 0 (0 = unlimited)");
        Positive("bridge.staleAfterMs", o.Bridge.StaleAfterMs, Err);
        NonNegative("bridge.engageOnSilenceMs", o.Bridge.EngageOnSilenceMs, Err);

        Endpoint("gateway.endpoint", o.Gateway.Endpoint, Err);
        Positive("gateway.heartbeatMs", o.Gateway.HeartbeatMs, Err);
        Positive("gateway.staleAfterMs", o.Gateway.StaleAfterMs, Err);
        NonNegative("gateway.engageOnSilenceMs", o.Gateway.EngageOnSilenceMs, Err);
        Positive("gateway.ackTimeoutMs", o.Gateway.AckTimeoutMs, Err);
        if (o.Gateway.SendHighWaterMark < 0) Err("gateway.sendHighWaterMark", "must be >= 0 (0 = unlimited)");
        if (o.Gateway.ShutdownLingerMs is < 0 or > 60_000) Err("gateway.shutdownLingerMs", "must be between 0 and 60000 (a stop must stay bounded)");
        if (o.Bridge.Transport == ZmqTransportKind.NetMq)
        {
            NetMqEndpoint("bridge.ticks", o.Bridge.Ticks, Err);
            NetMqEndpoint("gateway.endpoint", o.Gateway.Endpoint, Err);
        }

        Defined("strategy.kind", o.Strategy.Kind, Err);
        if (!(o.Strategy.Qty > 0) || !double.IsFinite(o.Strategy.Qty)) Err("strategy.qty", "must be a positive number");
        if (o.Strategy.Symbols is null || o.Strategy.Symbols.Length == 0) Err("strategy.symbols", "must list at least one symbol");
        else
        {
            for (int i = 0; i < o.Strategy.Symbols.Length; i++)
            {
                var s = o.Strategy.Symbols[i];
                if (string.IsNullOrWhiteSpace(s) || s.Length > 32 || s.Any(char.IsWhiteSpace)) Err($"strategy.symbols[{i}]", "must be 1-32 characters without spaces");
            }
            if (o.Strategy.Symbols.Distinct(StringComparer.Ordinal).Count() != o.Strategy.Symbols.Length) Err("strategy.symbols", "lists a symbol twice");
            if (o.Strategy.Symbols.Length > 256) Err("strategy.symbols", "at most 256 symbols");
        }
        if (o.Strategy.Kind == StrategyKind.EmaCross)
        {
            if (o.Strategy.Fast < 1) Err("strategy.fast", "must be >= 1");
            if (o.Strategy.Slow <= o.Strategy.Fast) Err("strategy.slow", $"must be greater than strategy.fast ({o.Strategy.Fast})");
        }

        var r = o.Risk;
        Positive("risk.maxOrdersPerSecond", r.MaxOrdersPerSecond, Err);
        if (r.MaxOrdersPerSecond > 1_000_000) Err("risk.maxOrdersPerSecond", "at most 1000000");
        if (!(r.MaxQty > 0) || !double.IsFinite(r.MaxQty)) Err("risk.maxQty", "must be a positive number");
        if (!(r.MaxPosition > 0) || !double.IsFinite(r.MaxPosition)) Err("risk.maxPosition", "must be a positive number");
        if (!(r.MaxDailyLoss > 0) || !double.IsFinite(r.MaxDailyLoss)) Err("risk.maxDailyLoss", "must be a positive number (the loss, as an amount)");
        Positive("risk.maxTradesPerDay", r.MaxTradesPerDay, Err);
        NonNegative("risk.maxLossStreak", r.MaxLossStreak, Err);
        NonNegative("risk.maxTickAgeMs", r.MaxTickAgeMs, Err);
        Positive("risk.maxTickFutureMs", r.MaxTickFutureMs, Err);
        Positive("risk.checkTimeoutMs", r.CheckTimeoutMs, Err);
        if (IsNull(r.PriceBand)) Err("risk.priceBand", "must be an object, not null");
        else
        {
            var b = r.PriceBand;
            if (!(b.MaxDeviationPct >= 0 && b.MaxDeviationPct <= 100)) Err("risk.priceBand.maxDeviationPct", "must be 0-100 (percent; 0 = no band)");
            if (!(b.MinPrice > 0) || !double.IsFinite(b.MinPrice)) Err("risk.priceBand.minPrice", "must be a positive number");
            if (!(b.MaxPrice > b.MinPrice) || !(b.MaxPrice <= 1e12)) Err("risk.priceBand.maxPrice", $"must be above risk.priceBand.minPrice ({b.MinPrice}) and at most 1e12 (every price x qty x contract size stays finite)");
            if (b.BootstrapTicks is < 1 or > 1000) Err("risk.priceBand.bootstrapTicks", "must be 1-1000");
            Positive("risk.priceBand.gapMs", b.GapMs, Err);
            if (b.MaxConsecutive is < 1 or > 1_000_000) Err("risk.priceBand.maxConsecutive", "must be 1-1000000");
        }
        if (!(r.ContractSize > 0) || !double.IsFinite(r.ContractSize)) Err("risk.contractSize", "must be a positive number");
        if (o.Strategy.Qty > r.MaxQty) Err("strategy.qty", $"{o.Strategy.Qty} is above risk.maxQty ({r.MaxQty}): every order would be denied");
        if (!TryFindTimeZone(r.TimeZone, out _)) Err("risk.timeZone", $"'{r.TimeZone}' is not a known IANA time zone on this system");
        if (r.Sessions is null) Err("risk.sessions", "must be a list (empty = always open)");
        else
        {
            for (int i = 0; i < r.Sessions.Length; i++)
            {
                var s = r.Sessions[i];
                string k = $"risk.sessions[{i}]";
                if (s is null) { Err(k, "must be an object"); continue; }
                if (!TryParseClock(s.Start, out _)) Err(k + ".start", $"'{s.Start}' is not HH:mm (00:00-24:00)");
                if (!TryParseClock(s.End, out _)) Err(k + ".end", $"'{s.End}' is not HH:mm (00:00-24:00)");
                if (s.Days is null) Err(k + ".days", "must be a list of days (empty = every day)");
                else
                    for (int d = 0; d < s.Days.Length; d++)
                        Defined($"{k}.days[{d}]", s.Days[d], Err);
            }
        }

        var p = o.Panel;
        Defined("panel.driver", p.Driver, Err);
        if (p.Driver != PanelDriverKind.None)
        {
            var lines = new (string Key, string Value, bool Required)[]
            {
                ("panel.emergencyStopLine", p.EmergencyStopLine, true), ("panel.resetLine", p.ResetLine, true),
                ("panel.greenLedLine", p.GreenLedLine, true), ("panel.redLedLine", p.RedLedLine, true), ("panel.amberLedLine", p.AmberLedLine, true),
                ("panel.emergencyStopLineB", p.EmergencyStopLineB, false), ("panel.tripLine", p.TripLine, false),
                ("panel.edmLine", p.EdmLine, false), ("panel.buzzerLine", p.BuzzerLine, false),
            };
            foreach (var (key, value, required) in lines)
            {
                if (value is null || (required && string.IsNullOrWhiteSpace(value))) Err(key, "must name a GPIO line (e.g. \"GPIO17\")");
            }
            foreach (var dup in lines.Where(l => !string.IsNullOrWhiteSpace(l.Value)).GroupBy(l => l.Value, StringComparer.Ordinal).Where(g => g.Count() > 1))
                Err(dup.Last().Key, $"line '{dup.Key}' is used by {string.Join(" and ", dup.Select(d => d.Key))}");
            if (!string.IsNullOrEmpty(p.EdmLine) && string.IsNullOrEmpty(p.TripLine))
                Err("panel.edmLine", "reads back the trip relay: set panel.tripLine too");
        }
        Defined("panel.bias", p.Bias, Err);
        if (p.ResetHoldMs is < 100 or > 60_000) Err("panel.resetHoldMs", "must be 100-60000 (a reset needs a deliberate hold; 100 ms is the least ISO 13849-1 accepts)");
        if (p.ResetMaxHoldMs <= p.ResetHoldMs || p.ResetMaxHoldMs > 600_000)
            Err("panel.resetMaxHoldMs", $"must be above panel.resetHoldMs ({p.ResetHoldMs}) and at most 600000: a hold longer than this is a stuck button");
        if (p.DiscrepancyMs is < 10 or > 60_000) Err("panel.discrepancyMs", "must be 10-60000");
        if (p.EdmSettleMs is < 10 or > 10_000) Err("panel.edmSettleMs", "must be 10-10000 (a relay's operate and release time, with margin)");
        if (p.DebounceMs < 0 || p.DebounceMs > 1000) Err("panel.debounceMs", "must be 0-1000");
        else if (p.Driver != PanelDriverKind.None && !string.IsNullOrWhiteSpace(p.ResetLine) && p.DebounceMs < 10)
            Err("panel.debounceMs", $"must be at least 10 while panel.resetLine is set (it is {p.DebounceMs}): the reset acts on the button's release, " +
                "and without the kernel's debounce a closed contact that chatters open reads as a release");

        var m = o.Mqtt;
        if (m.Enabled)
        {
            if (string.IsNullOrWhiteSpace(m.Host)) Err("mqtt.host", "must name the broker");
            if (m.Port is < 1 or > 65535) Err("mqtt.port", "must be 1-65535");
            if (string.IsNullOrWhiteSpace(m.TopicPrefix) || m.TopicPrefix.Contains('#') || m.TopicPrefix.Contains('+') || m.TopicPrefix.EndsWith('/'))
                Err("mqtt.topicPrefix", "must be a topic without wildcards or a trailing '/'");
            if (m.KeepAliveSeconds is < 5 or > 3600) Err("mqtt.keepAliveSeconds", "must be 5-3600");
            NonNegative("mqtt.engageOnIsolationMs", m.EngageOnIsolationMs, Err);
            Positive("mqtt.replayWindowMs", m.ReplayWindowMs, Err);
            FileIfSet("mqtt.passwordFile", m.PasswordFile, Err);
            FileIfSet("mqtt.caFile", m.CaFile, Err);
            FileIfSet("mqtt.certFile", m.CertFile, Err);
            FileIfSet("mqtt.keyFile", m.KeyFile, Err);
            if ((m.CertFile.Length > 0) != (m.KeyFile.Length > 0)) Err("mqtt.certFile", "certFile and keyFile go together");
            if (m.PasswordFile.Length > 0 && m.Username.Length == 0) Err("mqtt.username", "a passwordFile needs a username");
            if (m.AllowRemoteReset)
            {
                if (m.HmacKeyFile.Length == 0) Err("mqtt.hmacKeyFile", "allowRemoteReset needs an HMAC key file");
                else FileIfSet("mqtt.hmacKeyFile", m.HmacKeyFile, Err);
            }
        }
        HttpOptions.Validate(o.Http, Err);
        Positive("clock.stepToleranceMs", o.Clock.StepToleranceMs, Err);
        return e;
    }

    /// <summary>Finds an IANA zone; "UTC" always works.</summary>
    public static bool TryFindTimeZone(string? id, out TimeZoneInfo zone)
    {
        zone = TimeZoneInfo.Utc;
        if (string.IsNullOrWhiteSpace(id)) return false;
        if (id is "UTC" or "Etc/UTC") return true;
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(id);
            return true;
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return false;
        }
    }

    /// <summary>"HH:mm" to minutes after midnight (0-1440).</summary>
    public static bool TryParseClock(string? s, out int minutes)
    {
        minutes = 0;
        if (s is null || s.Length != 5 || s[2] != ':') return false;
        if (!int.TryParse(s.AsSpan(0, 2), NumberStyles.None, CultureInfo.InvariantCulture, out int h)) return false;
        if (!int.TryParse(s.AsSpan(3, 2), NumberStyles.None, CultureInfo.InvariantCulture, out int m)) return false;
        if (h > 24 || m > 59 || (h == 24 && m != 0)) return false;
        minutes = h * 60 + m;
        return true;
    }

    // JSON null binds to null despite the annotations; checking through object? keeps the flow analysis honest.
    static bool IsNull(object? value) => value is null;

    static void Endpoint(string key, string? value, Action<string, string> err)
    {
        if (ZmqEndpoint.Problem(value) is { } why) err(key, why);
    }

    // Only an endpoint that is valid at all gets the NetMQ check: one message per key.
    static void NetMqEndpoint(string key, string? value, Action<string, string> err)
    {
        if (ZmqEndpoint.Problem(value) is null && ZmqEndpoint.NetMqProblem(value!) is { } why) err(key, why);
    }

    // Options built in code can hold any number; from the file only the names bind.
    static void Defined<T>(string key, T value, Action<string, string> err) where T : struct, Enum
    {
        if (!Enum.IsDefined(value)) err(key, $"{value} is not one of {string.Join(", ", OptionNames.All<T>().Select(n => $"\"{n}\""))}");
    }

    static void Positive(string key, int v, Action<string, string> err)
    {
        if (v <= 0) err(key, $"must be > 0 (is {v})");
    }

    static void NonNegative(string key, int v, Action<string, string> err)
    {
        if (v < 0) err(key, $"must be >= 0 (is {v}; 0 = off)");
    }

    static void FileIfSet(string key, string? path, Action<string, string> err)
    {
        if (!string.IsNullOrEmpty(path) && !File.Exists(path)) err(key, $"file '{path}' does not exist or cannot be read");
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex NodeName();

}
