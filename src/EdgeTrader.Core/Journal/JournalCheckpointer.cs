namespace EdgeTrader.Journal;

/// <summary>
/// Carries the start-up reading of the journal on with every batch the journal commits (on its writer thread, after
/// the fsync), and saves it as <c>journal.checkpoint</c> every interval and at a clean stop. Restore time then depends
/// on the journal written since the last checkpoint, not on the journal's size. A failed checkpoint write is ignored:
/// the previous checkpoint (or none) stays valid.
/// </summary>
public sealed class JournalCheckpointer
{
    readonly string _stateDir;
    readonly JournalState _state;
    readonly TimeSpan _interval;
    readonly byte[] _tail = new byte[JournalCheckpoint.TailBytes];
    int _tailLength;
    string? _file;
    long _offset;
    long _lastSaveTs;
    bool _dirty;

    internal JournalCheckpointer(string stateDir, JournalState state, TimeSpan interval)
    {
        _stateDir = stateDir;
        _state = state;
        _interval = interval;
    }

    /// <summary>Checkpoints written.</summary>
    public long Saved { get; private set; }

    /// <summary>The last checkpoint failure, if any (for status and the log).</summary>
    public string? LastError { get; private set; }

    /// <summary>A batch of whole lines was written and fsync'd to <paramref name="path"/>, ending at <paramref name="endOffset"/>.</summary>
    internal void OnCommitted(string path, DateOnly day, long endOffset, ReadOnlySpan<byte> batch, TimeProvider time)
    {
        _state.Feed(batch, day);
        _file = Path.GetFileName(path);
        _offset = endOffset;
        int keep = Math.Min(batch.Length, _tail.Length);
        if (keep == _tail.Length) batch[^keep..].CopyTo(_tail);
        else
        {
            // A short batch: shift the previous tail left and append.
            int old = Math.Min(_tailLength, _tail.Length - keep);
            Buffer.BlockCopy(_tail, _tailLength - old, _tail, 0, old);
            batch.CopyTo(_tail.AsSpan(old));
            keep += old;
        }
        _tailLength = keep;
        _dirty = true;
        long now = time.GetTimestamp();
        if (_lastSaveTs == 0) _lastSaveTs = now;
        if (time.GetElapsedTime(_lastSaveTs, now) >= _interval) Save(time);
    }

    /// <summary>A new file was opened (day roll): the tail restarts.</summary>
    internal void OnNewFile() => _tailLength = 0;

    /// <summary>Saves now (clean stop), when anything was committed since the last save.</summary>
    internal void Save(TimeProvider time)
    {
        _lastSaveTs = time.GetTimestamp();
        if (!_dirty || _file is null) return;
        try
        {
            JournalCheckpoint.Save(_stateDir, _state, _file, _offset, _tail.AsSpan(0, _tailLength), time.GetUtcNow().ToUnixTimeMilliseconds());
            Saved++;
            _dirty = false;
            LastError = null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LastError = ex.Message;
        }
    }
}
