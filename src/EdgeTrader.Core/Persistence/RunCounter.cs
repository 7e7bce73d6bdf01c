using System.Globalization;

namespace EdgeTrader.Persistence;

/// <summary>Counts starts (<c>stateDir/run</c>), durably, so order ids of different starts never collide.</summary>
public static class RunCounter
{
    /// <summary>Reads, increments and fsyncs the counter; returns this start's number.</summary>
    public static long Next(string stateDir)
    {
        string path = Path.Combine(stateDir, "run");
        long prev = 0;
        if (File.Exists(path))
        {
            var text = File.ReadAllText(path).Trim();
            if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out prev))
            {
                // A corrupt counter must not risk a repeated id: jump past anything it could have held.
                prev = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            }
        }
        long run = prev + 1;
        AtomicFile.Write(path, System.Text.Encoding.ASCII.GetBytes(run.ToString(CultureInfo.InvariantCulture) + "\n"));
        return run;
    }
}
