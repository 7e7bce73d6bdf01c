namespace EdgeTrader.Configuration;

// Options records bound from one JSON file (camelCase keys, unknown keys rejected) by the
// source-generated context in ConfigurationJson.cs, then checked by OptionsValidator, and read-only from then on.
// Setters, not init: the source generator overwrites init-only defaults of absent keys with null. Defaults are the
// safe ones: dry-run on, conservative risk limits, no remote reset.

/// <summary>The whole configuration file.</summary>
public sealed record EdgeTraderOptions
{
    /// <summary>This node's name: MQTT topics and order ids. Letters, digits, '-' and '_' only.</summary>
    public string Node { get; set; } = "edge-1";
    /// <summary>Breaker state file and journals. Must be writable: the appliance does not trade on state it cannot save.</summary>
    public string StateDir { get; set; } = "/var/lib/edgetrader";
    /// <summary>Rolling JSON log files.</summary>
    public string LogDir { get; set; } = "/var/log/edgetrader";
    /// <summary>Lowest level logged: verbose, debug, information, warning, error.</summary>
    public LogLevel LogLevel { get; set; } = LogLevel.Information;
    public ControlOptions Control { get; set; } = new();
    public BridgeOptions Bridge { get; set; } = new();
    public GatewayOptions Gateway { get; set; } = new();
    public ExecutionOptions Execution { get; set; } = new();
    public StrategyOptions Strategy { get; set; } = new();
    public RiskOptions Risk { get; set; } = new();
    public PanelOptions Panel { get; set; } = new();
    public MqttOptions Mqtt { get; set; } = new();
    public HttpOptions Http { get; set; } = new();
    public ClockOptions Clock { get; set; } = new();
}

/// <summary>The local control socket that status/engage/reset use.</summary>
public sealed record ControlOptions
{
    /// <summary>Unix stream socket path, created with mode 0660.</summary>
    public string Socket { get; set; } = "/run/edgetrader/control.sock";
}

/// <summary>The tick feed from the MT5/broker bridge (we connect a ZeroMQ SUB).</summary>
public sealed record BridgeOptions
{
    /// <summary>ZeroMQ endpoint of the bridge's PUB socket, e.g. tcp://127.0.0.1:32770.</summary>
    public string Ticks { get; set; } = "tcp://127.0.0.1:32770";
    /// <summary>
    /// "libzmq" (default) or "netmq": the ZeroMQ implementation of both the tick feed and the gateway link. NetMQ
    /// needs no native library but takes tcp:// to an IP address only (its ipc:// is TCP; it resolves names once).
    /// </summary>
    public ZmqTransportKind Transport { get; set; } = ZmqTransportKind.Libzmq;
    /// <summary>"json" or "dwx".</summary>
    public BridgeFormat Format { get; set; } = BridgeFormat.Json;
    /// <summary>Receive high-water mark (messages queued in libzmq before the oldest-arriving are dropped by the PUB side).</summary>
    public int ReceiveHighWaterMark { get; set; } = 1_000_000;
    /// <summary>No tick for this long marks the bridge link degraded (amber).</summary>
    public int StaleAfterMs { get; set; } = 5_000;
    /// <summary>No tick for this long engages the breaker (source bridge); 0 = never.</summary>
    public int EngageOnSilenceMs { get; set; }
}

/// <summary>The execution gateway (it binds ROUTER; we connect DEALER).</summary>
public sealed record GatewayOptions
{
    /// <summary>ZeroMQ endpoint of the gateway's ROUTER.</summary>
    public string Endpoint { get; set; } = "tcp://127.0.0.1:32771";
    /// <summary>Our heartbeat period toward the gateway.</summary>
    public int HeartbeatMs { get; set; } = 1_000;
    /// <summary>No message from the gateway for this long marks it degraded.</summary>
    public int StaleAfterMs { get; set; } = 5_000;
    /// <summary>No message from the gateway for this long engages the breaker (source gateway); 0 = never.</summary>
    public int EngageOnSilenceMs { get; set; }
    /// <summary>An order not acknowledged within this time is flagged timed out.</summary>
    public int AckTimeoutMs { get; set; } = 2_000;
    /// <summary>Send high-water mark of the DEALER socket.</summary>
    public int SendHighWaterMark { get; set; } = 1_000_000;
    /// <summary>A clean stop (SIGTERM/SIGINT) sends cancel_all to the gateway: no order this node left working outlives it.</summary>
    public bool CancelOnShutdown { get; set; } = true;
    /// <summary>At a stop, how long the daemon waits for the gateway to confirm a cancel_all still unconfirmed (its report) before it closes the link anyway.</summary>
    public int ShutdownLingerMs { get; set; } = 3_000;
}

/// <summary>Whether orders leave the box.</summary>
public sealed record ExecutionOptions
{
    /// <summary>True (default): orders are journaled and simulated as filled at the tick price, never sent.</summary>
    public bool DryRun { get; set; } = true;
}

/// <summary>The strategy that turns ticks into order intents.</summary>
public sealed record StrategyOptions
{
    /// <summary>"ema-cross" or "every-tick".</summary>
    public StrategyKind Kind { get; set; } = StrategyKind.EmaCross;
    /// <summary>Order quantity (lots).</summary>
    public double Qty { get; set; } = 0.01;
    /// <summary>Symbols traded; ticks of any other symbol are dropped (reason unknown_symbol).</summary>
    public string[] Symbols { get; set; } = ["EURUSD"];
    /// <summary>ema-cross: fast EMA period in ticks.</summary>
    public int Fast { get; set; } = 8;
    /// <summary>ema-cross: slow EMA period in ticks.</summary>
    public int Slow { get; set; } = 21;
}

/// <summary>Pre-trade limits (deny an order) and post-trade limits (engage the breaker, source risk).</summary>
public sealed record RiskOptions
{
    /// <summary>Orders allowed in any one-second window; more are denied RATE_LIMIT_EXCEEDED.</summary>
    public int MaxOrdersPerSecond { get; set; } = 20;
    /// <summary>Largest quantity of one order.</summary>
    public double MaxQty { get; set; } = 1.0;
    /// <summary>Largest absolute net position per symbol after the order.</summary>
    public double MaxPosition { get; set; } = 5.0;
    /// <summary>Realised plus unrealised loss of the trading day (account currency, positive number) that engages the breaker.</summary>
    public double MaxDailyLoss { get; set; } = 1_000.0;
    /// <summary>Orders per trading day; more are denied DAILY_TRADE_LIMIT.</summary>
    public int MaxTradesPerDay { get; set; } = 10_000;
    /// <summary>Consecutive losing closes that engage the breaker; 0 = off.</summary>
    public int MaxLossStreak { get; set; } = 10;
    /// <summary>A tick older than this (tick time vs our clock) is dropped as stale; 0 = off.</summary>
    public int MaxTickAgeMs { get; set; } = 2_000;
    /// <summary>A tick stamped more than this ahead of our clock is dropped (FUTURE_TICK): the two clocks disagree.</summary>
    public int MaxTickFutureMs { get; set; } = 1_000;
    /// <summary>An evaluation of the strategy and the pre-trade checks of one tick that takes longer than this engages (CHECK_TIMEOUT); the order in hand does not leave.</summary>
    public int CheckTimeoutMs { get; set; } = 250;
    /// <summary>Price sanity: absolute bounds and a per-symbol band around the last accepted mid.</summary>
    public PriceBandOptions PriceBand { get; set; } = new();
    /// <summary>Contract size: P&amp;L = price difference × qty × this.</summary>
    public double ContractSize { get; set; } = 100_000.0;
    /// <summary>IANA time zone of the trading sessions and of the trading day.</summary>
    public string TimeZone { get; set; } = "UTC";
    /// <summary>Allowed trading windows; empty = always. Orders outside are denied OUTSIDE_TRADING_SESSION.</summary>
    public TradingSessionOptions[] Sessions { get; set; } = [];
}

/// <summary>
/// Price sanity (docs/contract.md §3): a quote outside [minPrice, maxPrice] is dropped OUT_OF_BOUNDS; one whose mid is
/// further than maxDeviationPct from the symbol's last accepted mid is dropped OUT_OF_BAND; after start and after gapMs
/// without an accepted tick the band bootstraps from bootstrapTicks consecutive ticks that agree (UNCONFIRMED until then);
/// maxConsecutive out-of-band ticks in a row re-anchor the band at the new level and, with engageOnBreak, engage.
/// </summary>
public sealed record PriceBandOptions
{
    /// <summary>Largest move of a symbol's mid from its last accepted mid, in percent; 0 = no band (bounds only).</summary>
    public double MaxDeviationPct { get; set; } = 5.0;
    /// <summary>Lowest bid accepted.</summary>
    public double MinPrice { get; set; } = 1e-6;
    /// <summary>Highest ask accepted.</summary>
    public double MaxPrice { get; set; } = 1e7;
    /// <summary>Consecutive ticks within the band of each other that set a symbol's reference after start or a gap.</summary>
    public int BootstrapTicks { get; set; } = 3;
    /// <summary>No accepted tick of a symbol for this long: its band bootstraps again (markets gap over weekends).</summary>
    public int GapMs { get; set; } = 300_000;
    /// <summary>Out-of-band ticks of a symbol in a row that mean the market moved: the band re-anchors at the new level.</summary>
    public int MaxConsecutive { get; set; } = 20;
    /// <summary>True (default): such a break engages the breaker (source risk) so that a person confirms the new level by resetting.</summary>
    public bool EngageOnBreak { get; set; } = true;
}

/// <summary>What the trading rules assume of the wall clock (docs/contract.md §7.1).</summary>
public sealed record ClockOptions
{
    /// <summary>A wall-clock step (against the monotonic clock) larger than this is an anomaly (CLOCK_STEP): logged, counted, in status.</summary>
    public int StepToleranceMs { get; set; } = 1_000;
    /// <summary>True: a wall-clock step back engages the breaker (source risk). False (default): logged and shown only.</summary>
    public bool EngageOnStepBack { get; set; }
    /// <summary>
    /// True (default): a wall-clock step forward that rolls the trading day while that day has activity (trades, or
    /// realised P&amp;L other than 0) engages the breaker (source risk): the roll zeroed the day's counters. A step that
    /// rolls an empty day (a clock set right after boot) is logged only.
    /// </summary>
    public bool EngageOnStepForward { get; set; } = true;
    /// <summary>True (default): a clock no time source disciplines (or whose state cannot be read) is degraded (amber).</summary>
    public bool DegradeWhenUnsynchronised { get; set; } = true;
    /// <summary>True: an unsynchronised clock engages the breaker (source risk). False (default): degraded only.</summary>
    public bool EngageWhenUnsynchronised { get; set; }
}

/// <summary>One trading window in <see cref="RiskOptions.TimeZone"/>.</summary>
public sealed record TradingSessionOptions
{
    /// <summary>Days, e.g. ["mon","tue","wed","thu","fri"]; empty = every day.</summary>
    public SessionDay[] Days { get; set; } = [];
    /// <summary>Start, "HH:mm" local.</summary>
    public string Start { get; set; } = "00:00";
    /// <summary>End, "HH:mm" local (exclusive); an end before start spans midnight.</summary>
    public string End { get; set; } = "24:00";
}

/// <summary>The physical panel: emergency stop (one or two channels), reset button, lamps, trip relay with EDM, buzzer.</summary>
public sealed record PanelOptions
{
    /// <summary>"gpio" (EdgeTrader's uAPI v2 driver), "sim" (in process) or "none"; dotnet/iot's "libgpiod" and "sysfs" are refused (docs/panel.md).</summary>
    public PanelDriverKind Driver { get; set; } = PanelDriverKind.None;
    /// <summary>gpio: restrict the line search to this chip (label like "pinctrl-rp1", or path like /dev/gpiochip0); empty = all chips.</summary>
    public string Chip { get; set; } = "";
    /// <summary>Emergency-stop line name (NC contact to ground, pull-up: high = pressed or wire broken).</summary>
    public string EmergencyStopLine { get; set; } = "GPIO17";
    /// <summary>Second emergency-stop channel (the mushroom's second NC contact); empty = one channel.</summary>
    public string EmergencyStopLineB { get; set; } = "";
    /// <summary>How long the two channels may disagree before it is a wiring fault (cleared once both were seen open).</summary>
    public int DiscrepancyMs { get; set; } = 200;
    /// <summary>Reset button line name (momentary, to ground, pull-up: low = held).</summary>
    public string ResetLine { get; set; } = "GPIO27";
    /// <summary>LED line names.</summary>
    public string GreenLedLine { get; set; } = "GPIO22";
    public string RedLedLine { get; set; } = "GPIO23";
    public string AmberLedLine { get; set; } = "GPIO24";
    /// <summary>Shortest hold of the reset button that resets, on release (SF_ResetButton's trailing minimum).</summary>
    public int ResetHoldMs { get; set; } = 350;
    /// <summary>Longest hold that still resets; held longer, the button is stuck or shorted: a fault until it is seen released.</summary>
    public int ResetMaxHoldMs { get; set; } = 5_000;
    /// <summary>Trip relay output (high = energised); energised only while SAFE and the loop beats; empty = none.</summary>
    public string TripLine { get; set; } = "";
    /// <summary>The trip relay's positively guided feedback contact (high = relay energised); empty = no EDM.</summary>
    public string EdmLine { get; set; } = "";
    /// <summary>How long the feedback may lag the relay's command before a mismatch is a fault.</summary>
    public int EdmSettleMs { get; set; } = 250;
    /// <summary>Active buzzer output (high = sounding), patterned while ENGAGED; empty = none.</summary>
    public string BuzzerLine { get; set; } = "";
    /// <summary>Bias on the inputs: "as-is" (external pull-ups, hw/README.md) or "pull-up" (the SoC's internal pull-up).</summary>
    public PanelBias Bias { get; set; } = PanelBias.AsIs;
    /// <summary>Kernel debounce period of the inputs (gpio driver).</summary>
    public int DebounceMs { get; set; } = 20;
}

/// <summary>Cluster mirroring over MQTT (MQTTnet, docs/mqtt.md).</summary>
public sealed record MqttOptions
{
    public bool Enabled { get; set; }
    public string Host { get; set; } = "127.0.0.1";
    public int Port { get; set; } = 1883;
    /// <summary>Topic prefix P of CONTRACT §5.</summary>
    public string TopicPrefix { get; set; } = "edgetrader/default";
    /// <summary>Client id; empty = "edgetrader-{node}" (stable, for a persistent session).</summary>
    public string ClientId { get; set; } = "";
    public string Username { get; set; } = "";
    /// <summary>File holding the password (first line).</summary>
    public string PasswordFile { get; set; } = "";
    public string CaFile { get; set; } = "";
    public string CertFile { get; set; } = "";
    public string KeyFile { get; set; } = "";
    /// <summary>File holding the HMAC-SHA256 key for signed remote resets.</summary>
    public string HmacKeyFile { get; set; } = "";
    /// <summary>False (default): reset commands over MQTT are ignored.</summary>
    public bool AllowRemoteReset { get; set; }
    /// <summary>Accepted clock difference of a signed reset (replay window).</summary>
    public int ReplayWindowMs { get; set; } = 30_000;
    public int KeepAliveSeconds { get; set; } = 10;
    /// <summary>A node cut off from the broker this long engages itself (source mqtt); 0 = never.</summary>
    public int EngageOnIsolationMs { get; set; }
}
