using EdgeTrader.Configuration;
using Serilog;

namespace EdgeTrader.Panel.Drivers;

/// <summary>PLACEHOLDER for the Linux GPIO character-device (uAPI v2) panel driver; the constructor is the contract.</summary>
public sealed class GpioPanelDriver : IPanelDriver
{
    /// <summary>Creates the driver; nothing is opened until <see cref="Start"/>.</summary>
    public GpioPanelDriver(PanelOptions options, ILogger log) { _ = (options, log); }
    /// <inheritdoc/>
    public string Name => "gpio";
    /// <inheritdoc/>
    public string Description => "gpio (not built yet)";
    /// <inheritdoc/>
    public event Action<PanelInputEvent>? InputChanged { add { } remove { } }
    /// <inheritdoc/>
    public bool IsActive(PanelInput input) => true;
    /// <inheritdoc/>
    public void SetLed(PanelLed led, bool on) { }
    /// <inheritdoc/>
    public void Start() => throw new PanelException("the gpio panel driver is not built yet");
    /// <inheritdoc/>
    public void Dispose() { }
}
