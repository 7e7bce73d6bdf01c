using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeTrader.Journal;

/// <summary>
/// <c>stateDir/journal.checkpoint</c>: the journal's meaning (<see cref="JournalState"/>) up to a byte offset of one
/// journal file, written atomically (<see cref="Persistence.AtomicFile"/>). It is trusted only when that file
/// still holds, just before the offset, the very bytes the checkpoint recorded, when its own checksum matches and when
/// every field is there and fits; otherwise the journal is read in full. Losing it costs time at start, never correctness.
/// </summary>
internal static class JournalCheckpoint
{
    public const string FileName = "journal.checkpoint";
    // 2: the runs the journal holds; the file's own checksum. 3: the last price per symbol. 4: today's realised P&L per symbol.
    const int Version = 4;
    public const int TailBytes = 64;

    /// <summary>Where a checkpoint stands: everything in files before <see cref="Day"/>, and in <see cref="File"/> before <see cref="Offset"/>.</summary>
    public readonly record struct Position(string File, DateOnly Day, long Offset);

    /// <summary>
    /// The checkpoint of <paramref name="stateDir"/> when it is valid for this journal (node, version, file, tail bytes,
    /// every field); null otherwise, with <paramref name="note"/> saying why when there was one to ignore.
    /// </summary>
    public static (Position Position, JournalState State)? TryLoad(string stateDir, string node, Trading.SymbolTable symbols, double contractSize, DateOnly today, out string? note) =>
        TryLoad(stateDir, node, symbols, contractSize, today, out note, out _);

    /// <summary>
    /// The same; <paramref name="mismatch"/> says why when a checkpoint valid in itself no longer matches its journal
    /// file (the file it names is gone, shorter than its offset, or holds other bytes before it): lines the checkpoint
    /// stood for were lost, so the journal read in full is short of them.
    /// </summary>
    public static (Position Position, JournalState State)? TryLoad(string stateDir, string node, Trading.SymbolTable symbols, double contractSize, DateOnly today, out string? note, out string? mismatch)
    {
        note = null;
        mismatch = null;
        string path = Path.Combine(stateDir, FileName);
        if (!File.Exists(path)) return null;
        try
        {
            byte[] raw = File.ReadAllBytes(path);
            var line = raw.AsSpan().TrimEnd((byte)'\n');
            if (JournalLineCrc.Check(line) != LineCrc.Valid) { note = "journal checkpoint damaged (its checksum does not match); reading the journal in full"; return null; }
            byte[] json = [.. line[..^JournalLineCrc.SuffixLength], (byte)'}'];
            // Stryker disable once String : null comes only from the literal null, which a line ending in its checksum's "} cannot be
            var c = JsonSerializer.Deserialize(json, JournalCheckpointJson.Default.JournalCheckpointDto)
                ?? throw new JsonException("null checkpoint");
            if (c.Version != Version) { note = "journal checkpoint of another version ignored; reading the journal in full"; return null; }
            if (c.State.Node != node) { note = "journal checkpoint of another node ignored; reading the journal in full"; return null; }
            byte[] tail = Convert.FromBase64String(c.Tail);
            if (!JournalFiles.TryParseFileDay(c.File, out var day) || Path.GetFileName(c.File) != c.File || c.Offset < tail.Length || day > today)
            {
                note = "journal checkpoint does not fit this journal; reading the journal in full";
                return null;
            }
            string journal = Path.Combine(stateDir, c.File);
            if (!File.Exists(journal) || new FileInfo(journal).Length < c.Offset || !TailMatches(journal, c.Offset, tail))
            {
                note = $"journal checkpoint does not match {c.File} any more; reading the journal in full";
                string how = !File.Exists(journal) ? "is gone" : new FileInfo(journal).Length < c.Offset
                    ? $"is {new FileInfo(journal).Length} bytes long, shorter than the checkpoint's offset {c.Offset}"
                    : $"holds other bytes before the checkpoint's offset {c.Offset}";
                mismatch = $"the journal file {c.File} {how} (the journal checkpoint recorded it up to that offset): lines were lost or replaced, so the day's trades, P&L and positions may be short of them";
                return null;
            }
            var state = JournalState.FromDto(c.State, symbols, contractSize);
            if (state.Day > today) { note = "journal checkpoint is from a later day than today; reading the journal in full"; return null; }
            return (new Position(c.File, day, c.Offset), state);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or IOException or UnauthorizedAccessException)
        {
            note = $"journal checkpoint unreadable ({ex.Message}); reading the journal in full";
            return null;
        }
    }

    static bool TailMatches(string journal, long offset, byte[] tail)
    {
        using var fs = new FileStream(journal, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        fs.Seek(offset - tail.Length, SeekOrigin.Begin);
        var buf = new byte[tail.Length];
        fs.ReadExactly(buf);
        return buf.AsSpan().SequenceEqual(tail) && (offset == 0 || tail.Length > 0 && tail[^1] == (byte)'\n');
    }

    /// <summary>Saves <paramref name="state"/> as standing at <paramref name="offset"/> of <paramref name="file"/>, whose last bytes are <paramref name="tail"/>.</summary>
    public static void Save(string stateDir, JournalState state, string file, long offset, ReadOnlySpan<byte> tail, long timeMs)
    {
        var dto = new JournalCheckpointDto
        {
            Version = Version,
            File = file,
            Offset = offset,
            // Stryker disable once Equality : a tail of exactly TailBytes is its own last TailBytes
            Tail = Convert.ToBase64String(tail.Length > TailBytes ? tail[^TailBytes..] : tail),
            State = state.ToDto(),
            Time = timeMs,
        };
        // One line closed by its checksum, like a journal line: a checkpoint changed on disk is ignored, never trusted.
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(dto, JournalCheckpointJson.Default.JournalCheckpointDto);
        // Stryker disable once Arithmetic : a capacity hint; the writer grows
        var buf = new System.Buffers.ArrayBufferWriter<byte>(json.Length + JournalLineCrc.SuffixLength + 1);
        System.Buffers.BuffersExtensions.Write(buf, json.AsSpan(0, json.Length - 1));
        JournalLineCrc.Close(buf, 0);
        System.Buffers.BuffersExtensions.Write(buf, "\n"u8);
        Persistence.AtomicFile.Write(Path.Combine(stateDir, FileName), buf.WrittenSpan.ToArray());
    }
}

/// <summary>The checkpoint file: where it stands in the journal, and the state there.</summary>
internal sealed class JournalCheckpointDto
{
    public required int Version { get; set; }
    public required string File { get; set; }
    public required long Offset { get; set; }
    /// <summary>Base64 of the last bytes before <see cref="Offset"/>: the file must still hold them.</summary>
    public required string Tail { get; set; }
    public required JournalStateDto State { get; set; }
    public required long Time { get; set; }
}

/// <summary>A <see cref="JournalState"/> as data.</summary>
internal sealed class JournalStateDto
{
    public required string Node { get; set; }
    public required string Day { get; set; }
    public required int Trades { get; set; }
    public required double Realized { get; set; }
    public required int Streak { get; set; }
    public required long LastTime { get; set; }
    public required bool LastWasStop { get; set; }
    public required List<JournalPositionDto> Positions { get; set; }
    public required List<JournalPendingDto> Pending { get; set; }
    /// <summary>[run, highest seq] pairs.</summary>
    public required List<long[]> MaxSeq { get; set; }
    /// <summary>Runs whose start line the journal holds.</summary>
    public required List<long> Runs { get; set; }
    /// <summary>The last journaled price per symbol (absent in older checkpoints: none known).</summary>
    public List<JournalPriceDto>? LastPrices { get; set; }
    /// <summary>
    /// Today's realised P&amp;L per symbol, non-zero ones only (version 4 on). Optional so that a version 3 checkpoint
    /// still deserialises far enough to be ignored for its version.
    /// </summary>
    public List<JournalRealizedDto>? RealizedBySymbol { get; set; }
}

/// <summary>Today's realised P&amp;L of one symbol.</summary>
internal sealed class JournalRealizedDto
{
    public required string Symbol { get; set; }
    public required double Realized { get; set; }
}

/// <summary>The last journaled price of one symbol.</summary>
internal sealed class JournalPriceDto
{
    public required string Symbol { get; set; }
    public required double Price { get; set; }
}

/// <summary>A net position of one symbol.</summary>
internal sealed class JournalPositionDto
{
    public required string Symbol { get; set; }
    public required double Net { get; set; }
    public required double Avg { get; set; }
}

/// <summary>An order still pending.</summary>
internal sealed class JournalPendingDto
{
    public required long Run { get; set; }
    public required long Seq { get; set; }
    public required string Day { get; set; }
    public required string Symbol { get; set; }
    public required string Side { get; set; }
    public required double Qty { get; set; }
    public required double Price { get; set; }
    public required long Time { get; set; }
    public required double Filled { get; set; }
    public required double Notional { get; set; }
    public required bool Acked { get; set; }
    public required bool CountedToday { get; set; }
}

/// <summary>Source-generated (de)serialisation of the checkpoint: a missing, extra or null field makes it unreadable.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectNullableAnnotations = true)]
[JsonSerializable(typeof(JournalCheckpointDto))]
internal sealed partial class JournalCheckpointJson : JsonSerializerContext;
