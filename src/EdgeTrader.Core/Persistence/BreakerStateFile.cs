using EdgeTrader.Interop.Posix;
using EdgeTrader.KillSwitch;

namespace EdgeTrader.Persistence;

/// <summary>
/// The breaker's state on disk (<c>stateDir/breaker.json</c>, <see cref="BreakerStateCodec.ToFile"/>), written with
/// <see cref="AtomicFile"/>. An unreadable or corrupt file starts ENGAGED (source startup); the start-up policy is
/// <see cref="StateDirectory.LoadBreaker"/>. A space reserve (<c>stateDir/breaker.reserve</c>) is kept so that the
/// engagement a full disk causes can still be saved: when a save fails, the reserve is deleted and the save tried once
/// more. Without a reserve (it cannot be recreated) resets are refused: the next engagement might not be saveable.
/// </summary>
public sealed class BreakerStateFile : IBreakerStateStore, IResetInterlock
{
    /// <summary>File name inside the state directory.</summary>
    public const string FileName = "breaker.json";
    /// <summary>The space reserve's file name.</summary>
    public const string ReserveFileName = "breaker.reserve";
    /// <summary>Size of the space reserve: far more than a few atomic saves need.</summary>
    public const int ReserveBytes = 64 * 1024;
    readonly string _reserve;
    readonly string _dir;
    readonly string _path;

    /// <summary>Uses <paramref name="stateDir"/>, which must exist and be writable.</summary>
    public BreakerStateFile(string stateDir)
    {
        _dir = stateDir;
        _path = Path.Combine(stateDir, FileName);
        _reserve = Path.Combine(stateDir, ReserveFileName);
    }

    /// <summary>Full path of the state file.</summary>
    public string FilePath => _path;

    /// <summary>
    /// Reads the state at start. <paramref name="problem"/> says why the result is a fail-closed ENGAGED state, when it
    /// is; <paramref name="migrated"/> that it was read from an older format (it must be saved again). A missing file
    /// reads as a fresh install (the caller decides whether that is plausible).
    /// </summary>
    public BreakerState Load(string node, DateTimeOffset now, out string? problem, out bool migrated)
    {
        problem = null;
        migrated = false;
        byte[] bytes;
        try
        {
            if (!File.Exists(_path)) return BreakerState.FreshInstall(now, node);
            bytes = File.ReadAllBytes(_path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problem = $"state file {_path} cannot be read: {ex.Message}";
            return StateDirectory.FailClosed(BreakerState.FreshInstall(now, node), problem, now);
        }
        if (BreakerStateCodec.TryReadFile(bytes, node, out var state, out migrated, out var error)) return state;
        problem = $"state file {_path} is corrupt ({error}); starting ENGAGED";
        return StateDirectory.FailClosed(BreakerState.FreshInstall(now, node), problem, now);
    }

    /// <summary>True when the space reserve is in place.</summary>
    public bool HasReserve => File.Exists(_reserve) && new FileInfo(_reserve).Length >= ReserveBytes;

    /// <summary>(Re)creates the space reserve when missing; false when it cannot.</summary>
    public bool EnsureReserve()
    {
        try
        {
            if (HasReserve) return true;
            using (var fs = new FileStream(_reserve, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.None))
            {
                fs.Write(new byte[ReserveBytes]); // written, not sparse: the blocks must really be held
                fs.Flush(flushToDisk: true);
            }
            PosixFile.FsyncDirectory(_dir);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            try { File.Delete(_reserve); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
            return false;
        }
    }

    /// <inheritdoc/>
    /// <remarks>Refuses a reset while the space reserve cannot be kept (tried again at every reset).</remarks>
    public string? WhyResetIsRefused() => EnsureReserve()
        ? null
        : $"no space reserve for the breaker state ({_reserve} cannot be written): the next engagement might not be saved, so resets are refused until there is room";

    /// <inheritdoc/>
    public void Save(BreakerState s)
    {
        var bytes = BreakerStateCodec.ToFile(s);
        // A state directory removed under the running daemon is made again: the latch must reach the disk.
        if (!Directory.Exists(_dir)) Directory.CreateDirectory(_dir);
        try
        {
            AtomicFile.Write(_path, bytes);
        }
        catch (Exception ex) when ((ex is IOException or UnauthorizedAccessException) && GiveBackReserve())
        {
            // Likely a full disk: the reserve is given back, try once more, so the latch that a full disk engaged persists.
            AtomicFile.Write(_path, bytes);
        }
    }

    /// <summary>Deletes the space reserve; false when there is none or it cannot be deleted (then the save's own error
    /// is the one reported, not the reserve's).</summary>
    bool GiveBackReserve()
    {
        try
        {
            if (!File.Exists(_reserve)) return false;
            File.Delete(_reserve);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
