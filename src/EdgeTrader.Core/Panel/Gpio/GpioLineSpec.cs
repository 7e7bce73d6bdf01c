namespace EdgeTrader.Panel.Gpio;

/// <summary>One line a panel uses: its name on the board, the configuration key that named it (for messages), and the
/// kernel debounce its input gets (0 = none; outputs ignore it).</summary>
public sealed record GpioLineSpec(string Name, string Key, uint DebounceUs = 0);
