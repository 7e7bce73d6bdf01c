namespace EdgeTrader.Panel;

/// <summary>The panel's three lamps.</summary>
public enum PanelLed
{
    /// <summary>Blinks at 1 Hz while SAFE and the tick loop beats.</summary>
    Green,
    /// <summary>Steady while ENGAGED.</summary>
    Red,
    /// <summary>Steady while a link is degraded; flashing while a fault is active.</summary>
    Amber,
}

/// <summary>The panel's own fault codes (on the <see cref="Health.FaultBoard"/>).</summary>
public static class PanelFaults
{
    /// <summary>The reset button was held past <c>panel.resetMaxHoldMs</c>: stuck or shorted. Cleared once it is seen released.</summary>
    public const string ResetStuck = "RESET_STUCK";
    /// <summary>The two emergency-stop channels disagreed for longer than <c>panel.discrepancyMs</c>. Cleared once both were seen open.</summary>
    public const string EStopDiscrepancy = "ESTOP_DISCREPANCY";
    /// <summary>The trip relay's feedback contact contradicted its command for longer than <c>panel.edmSettleMs</c>. Cleared when it matches.</summary>
    public const string EdmMismatch = "EDM_MISMATCH";
    /// <summary>The GPIO driver can no longer read the inputs. Cleared only by a restart.</summary>
    public const string GpioFailed = "GPIO_FAILED";
}

/// <summary>A panel could not be opened or driven; the message says what to do (wrong line name, busy line, permissions).</summary>
public sealed class PanelException(string message, Exception? inner = null) : Exception(message, inner);
