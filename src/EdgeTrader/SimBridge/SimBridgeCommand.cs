using System.Runtime.InteropServices;
using EdgeTrader.App.Cli;
using EdgeTrader.Interop.Zmq;

namespace EdgeTrader.App.SimBridge;

/// <summary>`edgetrader sim-bridge`: runs until SIGTERM/SIGINT, then prints a JSON summary line on stdout.</summary>
internal static class SimBridgeCommand
{
    public static int Run(SimBridgeOptions o, int exitIdleMs = 0)
    {
        try
        {
            ZmqContext.EnsureAvailable();
            using var stop = new ManualResetEventSlim(false);
            using var t = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Set(); });
            using var i = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Set(); });
            using var sim = new SimBridgeServer(o);
            Console.Error.WriteLine($"sim-bridge: ticks on {o.TicksEndpoint} ({o.Format}, {o.Rate}/s, {string.Join(",", o.Symbols)}), gateway on {o.GatewayEndpoint}");
            Console.Error.Flush();
            // --exit-idle-ms: after the last tick (--count), exit once the gateway has been idle that long (benchmarks).
            while (!stop.Wait(50))
            {
                if (exitIdleMs > 0 && sim.PublishingDone && sim.SinceLastOrder.TotalMilliseconds >= exitIdleMs) break;
            }
            Console.WriteLine(sim.SummaryJson());
            return ExitCodes.Ok;
        }
        catch (Exception ex) when (ex is ZmqException or DllNotFoundException)
        {
            Console.Error.WriteLine($"sim-bridge: {ex.Message}");
            return ExitCodes.Fatal;
        }
    }
}
