using System.Text;
using System.Text.Json;
using EdgeTrader.Control;
using EdgeTrader.KillSwitch;

namespace EdgeTrader.App.Daemon;

// The control socket's commands (status, engage, reset).
public sealed partial class Appliance
{
    /// <summary>Serves one control-socket request.</summary>
    public string HandleControl(ControlRequest r)
    {
        CountControl(r.Command);
        switch (r.Command)
        {
            case "status":
                return Json(w => WriteStatus(w));
            case "engage":
                var e = Breaker.Command(string.IsNullOrWhiteSpace(r.Reason) ? "operator (cli)" : r.Reason, BreakerSource.Cli);
                // Command returned: the gates are closed (one volatile write inside it).
                return Json(w =>
                {
                    w.WriteBoolean("ok", true);
                    w.WriteString("engage", e.Outcome == EngageOutcome.Renewed ? "renewed" : "new");
                    WriteBreaker(w, e.State);
                });
            case "reset":
                var res = Breaker.Reset(string.IsNullOrWhiteSpace(r.Reason) ? "operator reset (cli)" : r.Reason, BreakerSource.Cli);
                return Json(w =>
                {
                    w.WriteBoolean("ok", res.Done);
                    if (!res.Done) w.WriteString("refused", res.RefusedBecause);
                    WriteBreaker(w, res.State);
                });
            default:
                return ControlServer.Error($"unknown command '{r.Command}' (status, engage, reset)");
        }
    }

    static string Json(Action<Utf8JsonWriter> body)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    void WriteBreaker(Utf8JsonWriter w, BreakerState s) => Status.BreakerJson.WriteFields(w, s, Breaker.LatchProblem);
}
