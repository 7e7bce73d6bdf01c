namespace EdgeTrader.Panel.Contract;

/// <summary>
/// <c>edgetrader selftest gpio-driver --input LINE --output LINE</c>: the driver contract against the uAPI driver on
/// a gpio-sim chip, for the VM test (which has the AOT binary but no SDK). One "PASS contract.uapi.RULE" or
/// "FAIL contract.uapi.RULE: why" line per rule; exit 0 only when every rule holds.
/// </summary>
public static class ContractSelfTest
{
    /// <summary>Runs every rule; returns the exit code.</summary>
    public static int Run(string input, string output, TextWriter w)
    {
        IGpioContractRig rig;
        try
        {
            rig = new GpioSimSysfsRig(input, output);
        }
        catch (Exception ex) when (ex is PanelException or IOException or UnauthorizedAccessException)
        {
            w.WriteLine($"FAIL contract.uapi.bench: {ex.Message}");
            return 1;
        }
        int failed = 0;
        using (rig)
        {
            foreach (var (name, check) in GpioDriverContract.All)
            {
                var t0 = System.Diagnostics.Stopwatch.GetTimestamp();
                try
                {
                    check(rig);
                    w.WriteLine($"PASS contract.{rig.Name}.{name} ({System.Diagnostics.Stopwatch.GetElapsedTime(t0).TotalMilliseconds:0} ms)");
                }
                catch (Exception ex)
                {
                    failed++;
                    w.WriteLine($"FAIL contract.{rig.Name}.{name}: {ex.GetType().Name}: {ex.Message}");
                }
                w.Flush();
            }
        }
        w.WriteLine($"contract ({rig.Name}): {GpioDriverContract.All.Count - failed} of {GpioDriverContract.All.Count} rules hold");
        return failed == 0 ? 0 : 1;
    }
}
