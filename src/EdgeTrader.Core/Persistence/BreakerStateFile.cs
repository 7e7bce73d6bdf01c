using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using EdgeTrader.Interop.Posix;
using EdgeTrader.KillSwitch;

namespace EdgeTrader.Persistence;

/// <summary>
/// The breaker's state on disk (<c>stateDir/breaker.json</c>), written atomically: temp file, fsync, rename, fsync of
/// the directory. A missing file is a fresh install (SAFE); an unreadable or corrupt one starts ENGAGED (source startup).
/// A small space reserve (<c>stateDir/breaker.reserve</c>) is kept so that the engagement a full disk causes can
/// still be saved: when a save fails, the reserve is deleted and the save tried once more.
/// </summary>
public sealed class BreakerStateFile : IBreakerStateStore
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
    /// Reads the state at start. <paramref name="problem"/> says why the result is a fail-closed ENGAGED state, when it is.
    /// Also (re)creates the space reserve when the directory is writable.
    /// </summary>
    public BreakerState Load(DateTimeOffset now, out string? problem)
    {
        EnsureReserve();
        problem = null;
        byte[] bytes;
        try
        {
            if (!File.Exists(_path)) return BreakerState.FreshInstall(now);
            bytes = File.ReadAllBytes(_path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problem = $"state file {_path} cannot be read: {ex.Message}";
            return FailClosed(now, problem, 0);
        }
        try
        {
            var dto = JsonSerializer.Deserialize(bytes, PersistenceJson.Default.BreakerStateDto)
                ?? throw new JsonException("empty document");
            if (!BreakerNames.TryParsePosition(dto.State, out var pos)) throw new JsonException($"unknown state '{dto.State}'");
            if (!BreakerNames.TryParseSource(dto.Source, out var src)) throw new JsonException($"unknown source '{dto.Source}'");
            if (dto.Generation < 0 || dto.HighestSeenGeneration < dto.Generation || dto.ResetGeneration > dto.HighestSeenGeneration)
                throw new JsonException("inconsistent generations");
            var since = DateTimeOffset.Parse(dto.Since ?? throw new JsonException("missing since"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            return new BreakerState(pos, dto.Generation, dto.Reason ?? "", src, since, dto.HighestSeenGeneration, dto.ResetGeneration);
        }
        catch (Exception ex) when (ex is JsonException or FormatException)
        {
            problem = $"state file {_path} is corrupt ({ex.Message}); starting ENGAGED";
            return FailClosed(now, problem, 0);
        }
    }

    static BreakerState FailClosed(DateTimeOffset now, string reason, long gen) =>
        new(BreakerPosition.Engaged, gen + 1, reason, BreakerSource.Startup, now, gen + 1, 0);

    /// <summary>True when the space reserve is in place.</summary>
    public bool HasReserve => File.Exists(_reserve) && new FileInfo(_reserve).Length >= ReserveBytes;

    void EnsureReserve()
    {
        try
        {
            if (HasReserve) return;
            using (var fs = new FileStream(_reserve, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.None))
            {
                fs.Write(new byte[ReserveBytes]); // written, not sparse: the blocks must really be held
                fs.Flush(flushToDisk: true);
            }
            PosixFile.FsyncDirectory(_dir);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            try { File.Delete(_reserve); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
    }

    /// <inheritdoc/>
    public void Save(BreakerState s)
    {
        try
        {
            SaveOnce(s);
        }
        catch (Exception ex) when ((ex is IOException or UnauthorizedAccessException) && File.Exists(_reserve))
        {
            // Likely a full disk: give the reserve back and try once more, so the latch that a full disk engaged persists.
            File.Delete(_reserve);
            SaveOnce(s);
        }
    }

    void SaveOnce(BreakerState s)
    {
        var dto = new BreakerStateDto
        {
            State = BreakerNames.Of(s.Position),
            Generation = s.Generation,
            Reason = s.Reason,
            Source = BreakerNames.Of(s.Source),
            Since = s.Since.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            HighestSeenGeneration = s.HighestSeenGeneration,
            ResetGeneration = s.ResetGeneration,
        };
        AtomicFile.Write(_path, JsonSerializer.SerializeToUtf8Bytes(dto, PersistenceJson.Default.BreakerStateDto));
    }
}

/// <summary>On-disk form of <see cref="BreakerState"/>.</summary>
internal sealed class BreakerStateDto
{
    public string? State { get; set; }
    public long Generation { get; set; }
    public string? Reason { get; set; }
    public string? Source { get; set; }
    public string? Since { get; set; }
    public long HighestSeenGeneration { get; set; }
    public long ResetGeneration { get; set; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip)]
[JsonSerializable(typeof(BreakerStateDto))]
internal sealed partial class PersistenceJson : JsonSerializerContext;
