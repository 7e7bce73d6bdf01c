using EdgeTrader.Configuration;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Json;

namespace EdgeTrader.App.Cli;

/// <summary>Serilog set-up: console (human) plus rolling JSON files through the async sink. Set up in code: no reflection.</summary>
internal static class Logging
{
    public static ILogger Create(string logDir, LogLevel level, bool console) => CreateReopenable(logDir, level, console, out _);

    /// <summary>As <see cref="Create"/>; <paramref name="files"/> reopens the log files (SIGHUP), null when they could not be opened.</summary>
    public static ILogger CreateReopenable(string logDir, LogLevel level, bool console, out ReopenableFileSink? files)
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
        files = null;
        try
        {
            files = new ReopenableFileSink(logDir);
            cfg = cfg.WriteTo.Sink(files);
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

/// <summary>
/// The rolling JSON log files behind a switch: <see cref="Reopen"/> flushes and closes the files and opens them again
/// by name, so after logrotate has moved a file away the next line goes to a new file at the old name.
/// </summary>
internal sealed class ReopenableFileSink : ILogEventSink, IDisposable
{
    readonly string _dir;
    readonly object _lock = new();
    Logger _files;

    public ReopenableFileSink(string dir)
    {
        _dir = dir;
        _files = Open();
    }

    Logger Open()
    {
        Directory.CreateDirectory(_dir);
        return new LoggerConfiguration().MinimumLevel.Verbose()
            .WriteTo.Async(a => a.File(new JsonFormatter(renderMessage: true), Path.Combine(_dir, "edgetrader-.json"),
                rollingInterval: RollingInterval.Day, fileSizeLimitBytes: 10 * 1024 * 1024, rollOnFileSizeLimit: true,
                retainedFileCountLimit: 14, buffered: true, flushToDiskInterval: TimeSpan.FromSeconds(1)))
            .CreateLogger();
    }

    public void Emit(LogEvent logEvent)
    {
        lock (_lock) _files.Write(logEvent);
    }

    /// <summary>
    /// Closes the files (everything written so far is flushed) and opens them again; null, or why they could not be
    /// opened (then nothing goes to files until a later reopen succeeds; the console log goes on).
    /// </summary>
    public string? Reopen()
    {
        lock (_lock)
        {
            _files.Dispose();
            try
            {
                _files = Open();
                return null;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                _files = new LoggerConfiguration().CreateLogger();
                return ex.Message;
            }
        }
    }

    public void Dispose()
    {
        lock (_lock) _files.Dispose();
    }
}
