using System.Globalization;
using EdgeTrader.Interop.Posix;

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
        string tmp = path + ".tmp";
        using (var fs = new FileStream(tmp, FileMode.Create, FileAccess.Write))
        {
            fs.Write(System.Text.Encoding.ASCII.GetBytes(run.ToString(CultureInfo.InvariantCulture) + "\n"));
            fs.Flush(flushToDisk: true);
        }
        File.Move(tmp, path, overwrite: true);
        PosixFile.FsyncDirectory(stateDir);
        return run;
    }
}
