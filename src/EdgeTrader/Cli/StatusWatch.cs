using System.Net.Sockets;
using System.Runtime.InteropServices;
using EdgeTrader.Control;

namespace EdgeTrader.App.Cli;

/// <summary>
/// `status --watch`: the status view, refreshed in place until SIGINT/SIGTERM (the same rendering as `status`).
/// A daemon that stops answering is shown as such, and the view resumes when it answers again. Read-only.
/// </summary>
internal static class StatusWatch
{
    public static int Run(string socket, bool json, double intervalSeconds)
    {
        var interval = TimeSpan.FromSeconds(Math.Clamp(intervalSeconds, 0.1, 3600));
        using var stop = new ManualResetEventSlim(false);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Set(); });
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Set(); });
        bool tty = !Console.IsOutputRedirected;
        do
        {
            string frame;
            try
            {
                var resp = ControlClient.Call(socket, new ControlRequest("status", null), TimeSpan.FromSeconds(5));
                frame = json ? resp + "\n" : StatusText.Render(resp);
            }
            catch (SocketException ex)
            {
                frame = $"no daemon answers on {socket}: {ex.Message} (retrying)\n";
            }
            string stamp = $"{DateTimeOffset.Now:yyyy-MM-dd HH:mm:ss}  every {interval.TotalSeconds:0.#} s, Ctrl-C to stop\n";
            // A terminal gets the frame in place; a pipe gets one frame after the other.
            Console.Out.Write(tty ? "\u001b[H\u001b[2J" + stamp + frame : frame + "\n");
            Console.Out.Flush();
        }
        while (!stop.Wait(interval));
        return ExitCodes.Ok;
    }
}
