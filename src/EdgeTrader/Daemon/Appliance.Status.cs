using System.Text.Json;
using EdgeTrader.Configuration;
using EdgeTrader.Health;
using EdgeTrader.Journal;
using EdgeTrader.KillSwitch;
using EdgeTrader.Panel;
using EdgeTrader.Status;

namespace EdgeTrader.App.Daemon;

// The status snapshot: one reading that the control socket's `status`, `status --watch`, the page, /healthz and
// /metrics all render.
public sealed partial class Appliance
{
    static readonly string[] ControlCommands = ["status", "engage", "reset", "other"];
    readonly long[] _engagementsBySource = new long[Enum.GetValues<BreakerSource>().Length];
    readonly long[] _controlRequests = new long[ControlCommands.Length];
    BoxHealth? _box;

    /// <summary>The box probes (disk of the state directory, clock, watchdog, power), cached.</summary>
    public BoxHealth Box => _box ??= BoxHealth.ForStateDir(_o.StateDir, _time);

    /// <summary>Counts engagements by source (every new engagement, renewals included).</summary>
    void CountEngagement(BreakerTransition t)
    {
        if (t.IsNewEngagement) Interlocked.Increment(ref _engagementsBySource[(int)t.Current.Source]);
    }

    /// <summary>Counts one control-socket request (unknown commands as "other": a client cannot add labels).</summary>
    void CountControl(string? command)
    {
        int i = Array.IndexOf(ControlCommands, command);
        Interlocked.Increment(ref _controlRequests[i < 0 ? ControlCommands.Length - 1 : i]);
    }

    /// <summary>The status object (what `status --json` prints).</summary>
    public void WriteStatus(Utf8JsonWriter w) => StatusJson.WriteFields(w, Snapshot(includeDecisions: false), StatusJson.View.Control);

    /// <summary>One consistent reading of everything; <paramref name="includeDecisions"/> also reads the journal's tail.</summary>
    public StatusSnapshot Snapshot(bool includeDecisions)
    {
        var now = _time.GetUtcNow();
        var breaker = Breaker.State;
        var loop = _session.Loop;
        var book = loop.Book;
        var positions = new Position[_symbols.Count];
        for (int i = 0; i < positions.Length; i++) positions[i] = new Position(_symbols.Name(i), book.Net(i), book.AvgPrice(i), book.Unrealized(i), book.RealizedTodayOf(i));

        var recovery = new System.Buffers.ArrayBufferWriter<byte>(512);
        using (var rw = new Utf8JsonWriter(recovery))
        {
            rw.WriteStartObject();
            loop.Recovery.WriteStatus(rw);
            rw.WriteEndObject();
        }

        var links = new[] { Link.Bridge, Link.Gateway, Link.Mqtt, Link.Clock }
            .Select(l => { var s = Health.Get(l); return new LinkReading(l, s.State, s.Detail, s.Since); }).ToArray();

        PanelReading? panel = null;
        if (_panel is not null)
        {
            var p = _panel.Snapshot();
            panel = new PanelReading(_panel.Hardware.DriverName, _panel.Hardware.Description, p.EmergencyStop, p.ResetHeld,
                p.Green, p.Red, p.Amber, _panel.EngageLatency.Sorted())
            {
                ChannelAOpen = p.ChannelB is null ? null : p.ChannelA, ChannelBOpen = p.ChannelB,
                TripEnergised = p.Trip, EdmEnergised = p.Edm, Buzzer = p.Buzzer,
            };
        }

        bool loopAlive = Health.LoopAlive && _session.Fatal is null;
        var controls = new (string, long)[ControlCommands.Length];
        for (int i = 0; i < controls.Length; i++) controls[i] = (ControlCommands[i], Interlocked.Read(ref _controlRequests[i]));
        var engagements = new long[_engagementsBySource.Length];
        for (int i = 0; i < engagements.Length; i++) engagements[i] = Interlocked.Read(ref _engagementsBySource[i]);

        return new StatusSnapshot
        {
            Node = _o.Node,
            Breaker = breaker,
            LatchProblem = Breaker.LatchProblem,
            TakenAt = now,
            UptimeSeconds = _time.GetElapsedTime(_startTs).TotalSeconds,
            DryRun = _o.Execution.DryRun,
            Strategy = OptionNames.Of(_o.Strategy.Kind),
            Pid = Environment.ProcessId,
            Run = _ids.Run,
            Version = typeof(Appliance).Assembly.GetName().Version?.ToString(3) ?? "0.0.0",
            LoopAlive = loopAlive,
            LoopBeatAgeSeconds = Health.SinceLoopBeat.TotalSeconds,
            LastTickAgeSeconds = _session.SinceLastTick?.TotalSeconds,
            Counters = TradingCounts.From(loop.Counters, _session.CancelAllSent, loop.InFlightCount, _symbols),
            Day = new DayBook(book.Day, book.TradesToday, book.RealizedToday, book.UnrealizedTotal, book.LossStreak),
            Positions = positions,
            RecoveryJson = recovery.WrittenSpan.ToArray(),
            Links = links,
            Journal = new JournalReading(_journal.AppendedLines, _journal.CommittedLines, _journal.Failure, _journal.CommitLatency.Read()),
            Panel = panel,
            Lamps = Lamps.From(breaker.IsEngaged, loopAlive, Health.AnyDegraded) is var lamps && Faults.Any ? lamps with { Amber = LampLook.Blink } : lamps, // a fault: amber flashes
            Faults = Faults.Active,
            CancelAll = _session.CancelAll,
            TickToOrder = _session.TickToOrder.Read(),
            EngagementsBySource = engagements,
            ControlRequests = controls,
            Http = HttpReading(),
            Box = Box.Read(),
            RecentDecisions = includeDecisions ? JournalTail.Read(DecisionJournal.FileFor(_o.StateDir, book.Day), 15) : [],
        };
    }
}
