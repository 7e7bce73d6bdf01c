using System.Text.Json;
using EdgeTrader.KillSwitch;

namespace EdgeTrader.Status;

/// <summary>The breaker's fields in the status object and the control replies: the codec's fields, this node's own counter, whether the latch is saved.</summary>
public static class BreakerJson
{
    /// <summary>Writes the fields into the current object.</summary>
    public static void WriteFields(Utf8JsonWriter w, BreakerState s, string? latchProblem)
    {
        BreakerStateCodec.WriteFields(w, s);
        w.WriteNumber("counter", s.Self.Counter);
        w.WriteBoolean("latchSaved", latchProblem is null);
        if (latchProblem is not null) w.WriteString("latchProblem", latchProblem);
    }

    /// <summary>The one timestamp format.</summary>
    public static string Timestamp(DateTimeOffset t) => BreakerStateCodec.FormatTime(t);
}
