using System.Globalization;
using System.Text;
using EdgeTrader.Interop.Posix;
using EdgeTrader.KillSwitch;
using Microsoft.Win32.SafeHandles;

namespace EdgeTrader.Persistence;

/// <summary>A second daemon was started on a state directory that a running one holds.</summary>
public sealed class StateDirectoryBusyException(string message) : IOException(message);

/// <summary>
/// The state directory, held by one daemon at a time: an exclusive <c>flock</c> on <c>stateDir/lock</c> is taken
/// before anything in the directory is read or written, and kept until <see cref="Dispose"/> (the kernel releases it
/// when the process dies, kill -9 included). The holder writes its pid into the file. A second daemon finds the lock
/// held and stops (<see cref="StateDirectoryBusyException"/>, naming the holder's pid) without touching anything.
/// Also the breaker's start-up policy (<see cref="LoadBreaker"/>).
/// </summary>
public sealed class StateDirectory : IDisposable
{
    /// <summary>Name of the lock file.</summary>
    public const string LockFileName = "lock";
    const string ProbeName = ".write-probe";

    readonly SafeFileHandle? _lock;

    StateDirectory(string path, SafeFileHandle? handle, string? notWritable)
    {
        Path = path;
        _lock = handle;
        NotWritable = notWritable;
    }

    /// <summary>The directory.</summary>
    public string Path { get; }

    /// <summary>Why the directory cannot be written, or null when it can (checked once, when opened).</summary>
    public string? NotWritable { get; }

    /// <summary>
    /// Creates the directory when missing, takes the lock and checks that it can be written. Throws
    /// <see cref="StateDirectoryBusyException"/> when another process holds it.
    /// </summary>
    public static StateDirectory Open(string dir) => Open(dir, ProbeWritable);

    /// <summary><see cref="Open(string)"/> with the writability check given (tests stand in for a read-only mount).</summary>
    internal static StateDirectory Open(string dir, Func<string, string?> probeWritable)
    {
        string? notWritable = null;
        try { Directory.CreateDirectory(dir); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { notWritable = ex.Message; }

        string lockPath = System.IO.Path.Combine(dir, LockFileName);
        int fd = PosixLock.OpenFile(lockPath, PosixLock.O_RDWR | PosixLock.O_CREAT, out var openError);
        if (fd < 0) fd = PosixLock.OpenFile(lockPath, PosixLock.O_RDONLY, out _); // a read-only directory
        if (fd < 0) fd = PosixLock.OpenFile(dir, PosixLock.O_RDONLY, out _);      // ... without a lock file yet: lock the directory
        if (fd < 0) throw new IOException($"state directory {dir}: cannot open {lockPath}: {openError}");
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            if (!PosixLock.TryLockExclusive(fd))
            {
                string holder = ReadHolder(handle);
                throw new StateDirectoryBusyException(
                    $"state directory {dir} is in use by another edgetrader (pid {holder}, {lockPath}): one daemon per state directory");
            }
            var pid = Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n");
            try
            {
                RandomAccess.SetLength(handle, 0);
                RandomAccess.Write(handle, pid, 0);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
            {
                // Read-only: the lock holds all the same; only the pid cannot be shown to a second daemon.
            }
            notWritable ??= probeWritable(dir);
            return new StateDirectory(dir, handle, notWritable);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    static string ReadHolder(SafeFileHandle handle)
    {
        try
        {
            var buf = new byte[32];
            int n = RandomAccess.Read(handle, buf, 0);
            var text = Encoding.ASCII.GetString(buf, 0, n).Trim();
            return text.Length > 0 && text.All(char.IsAsciiDigit) ? text : "unknown";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            return "unknown";
        }
    }

    static string? ProbeWritable(string dir)
    {
        try
        {
            string probe = System.IO.Path.Combine(dir, ProbeName);
            using (var fs = new FileStream(probe, FileMode.Create, FileAccess.Write))
            {
                fs.WriteByte(1);
                fs.Flush(flushToDisk: true);
            }
            File.Delete(probe);
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return ex.Message;
        }
    }

    /// <summary>Files that are not state: the lock, the space reserve, left-over temporary files and the write probe.</summary>
    static bool IsBookkeeping(string name) =>
        name is LockFileName or BreakerStateFile.ReserveFileName or ProbeName || name.EndsWith(AtomicFile.TempSuffix, StringComparison.Ordinal);

    /// <summary>
    /// The breaker's state at start, and its store. Fail closed: ENGAGED (source startup, the reason says why) when the
    /// directory cannot be written, when <c>breaker.json</c> is unreadable or corrupt, and when it is missing while
    /// other state is there (a fresh install is an empty directory: a missing latch next to a journal, a run counter
    /// or a checkpoint is a lost latch). A state made here (not read back whole) is saved by the breaker at once.
    /// </summary>
    public BreakerStartup LoadBreaker(string node, DateTimeOffset now)
    {
        var store = new BreakerStateFile(Path);
        if (NotWritable is null) store.EnsureReserve();
        if (NotWritable is not null)
        {
            // Nothing numbered now reaches the disk: a start after the repair reads the older counter back. So this
            // run numbers in a new incarnation, and no identity it publishes is ever made again.
            var previous = store.Load(node, now, out _, out _);
            previous = previous with { Self = previous.Self.Reincarnated() };
            string problem = $"state directory {Path} is not writable ({NotWritable}): the appliance does not trade on state it cannot save";
            return new BreakerStartup(FailClosed(previous, problem, now), Saved: false, problem, store);
        }
        if (!File.Exists(store.FilePath))
        {
            var other = Directory.EnumerateFileSystemEntries(Path).Select(System.IO.Path.GetFileName).Where(n => n is not null && !IsBookkeeping(n))
                .Order(StringComparer.Ordinal).FirstOrDefault();
            var fresh = BreakerState.FreshInstall(now, node);
            if (other is null) return new BreakerStartup(fresh, Saved: false, null, store); // saved now: the incarnation is kept
            string problem = $"state file {store.FilePath} is missing while {other} is there (not a fresh install: the latch was lost); starting ENGAGED";
            return new BreakerStartup(FailClosed(fresh, problem, now), Saved: false, problem, store);
        }
        var state = store.Load(node, now, out var loadProblem, out var migrated);
        return new BreakerStartup(state, Saved: loadProblem is null && !migrated, loadProblem, store);
    }

    /// <summary>
    /// ENGAGED by the appliance itself at start: a new own engagement numbered after <paramref name="previous"/>'s, unless
    /// <paramref name="previous"/> is ENGAGED already, which it stays as it is (a start-up problem is an automatic source:
    /// re-evaluated, it makes no new engagement, so peers that dealt with this one are not stopped again by a restart).
    /// </summary>
    internal static BreakerState FailClosed(BreakerState previous, string reason, DateTimeOffset now)
    {
        if (previous.IsEngaged) return previous;
        var self = previous.Self.Advance(); // a new incarnation when the counter is at its end
        return previous with
        {
            Position = BreakerPosition.Engaged,
            Engagement = self.Latest,
            Reason = reason,
            Source = BreakerSource.Startup,
            Since = now,
            Self = self,
        };
    }

    /// <summary>Releases the lock.</summary>
    public void Dispose() => _lock?.Dispose();
}

/// <summary>The breaker's state at start.</summary>
/// <param name="Initial">The state to start in.</param>
/// <param name="Saved">True when <paramref name="Initial"/> is what the state file holds; false when the breaker must save it.</param>
/// <param name="Problem">Why it is a fail-closed ENGAGED state, when it is (logged at error).</param>
/// <param name="Store">Where the breaker saves its transitions.</param>
public sealed record BreakerStartup(BreakerState Initial, bool Saved, string? Problem, BreakerStateFile Store);
