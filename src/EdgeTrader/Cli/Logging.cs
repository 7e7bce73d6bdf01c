using EdgeTrader.Configuration;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Json;

namespace EdgeTrader.App.Cli;

/// <summary>Serilog set-up: console (human) plus rolling JSON files through the async sink. Set up in code: no reflection.</summary>
internal static class Logging
{
    public static ILogger Create(string logDir, LogLevel level, bool console)
    {
        var min = level switch
        {
            LogLevel.Verbose => LogEventLevel.Verbose,
            LogLevel.Debug => LogEventLevel.Debug,
            LogLevel.Information => LogEventLevel.Information,
            LogLevel.Warning => LogEventLevel.Warning,
            LogLevel.Error => LogEventLevel.Error,
            _ => throw new ArgumentOutOfRangeException(nameof(level), level, "logLevel"),
        };
        var cfg = new LoggerConfiguration().MinimumLevel.Is(min).Enrich.FromLogContext();
        try
        {
            Directory.CreateDirectory(logDir);
            cfg = cfg.WriteTo.Async(a => a.File(new JsonFormatter(renderMessage: true), Path.Combine(logDir, "edgetrader-.json"),
                rollingInterval: RollingInterval.Day, fileSizeLimitBytes: 10 * 1024 * 1024, rollOnFileSizeLimit: true,
                retainedFileCountLimit: 14, buffered: true, flushToDiskInterval: TimeSpan.FromSeconds(1)));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"edgetrader: cannot write logs to {logDir} ({ex.Message}); logging to the console only");
            console = true;
        }
        if (console)
            cfg = cfg.WriteTo.Console(outputTemplate: "{Timestamp:HH:mm:ss.fff} {Level:u3} {Message:lj}{NewLine}{Exception}", standardErrorFromLevel: LogEventLevel.Verbose);
        return cfg.CreateLogger();
    }
}
