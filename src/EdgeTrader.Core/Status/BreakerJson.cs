using System.Globalization;
using System.Text.Json;
using EdgeTrader.KillSwitch;

namespace EdgeTrader.Status;

/// <summary>The breaker's fields in status and control replies (state, generation, reason, source, since, ...).</summary>
public static class BreakerJson
{
    /// <summary>Writes the fields into the current object.</summary>
    public static void WriteFields(Utf8JsonWriter w, BreakerState s)
    {
        w.WriteString("state", BreakerNames.Of(s.Position));
        w.WriteNumber("generation", s.Generation);
        w.WriteString("reason", s.Reason);
        w.WriteString("source", BreakerNames.Of(s.Source));
        w.WriteString("since", Timestamp(s.Since));
        w.WriteNumber("highestSeenGeneration", s.HighestSeenGeneration);
        w.WriteNumber("resetGeneration", s.ResetGeneration);
    }

    /// <summary>The status timestamp format: UTC, milliseconds, 'Z'.</summary>
    public static string Timestamp(DateTimeOffset t) =>
        t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
