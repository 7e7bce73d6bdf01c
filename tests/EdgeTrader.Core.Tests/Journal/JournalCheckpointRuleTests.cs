using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;
using EdgeTrader.Journal;
using EdgeTrader.Tests.Support;
using EdgeTrader.Trading;

namespace EdgeTrader.Tests.Journal;

/// <summary>
/// A checkpoint is trusted only when it is this journal's (version, node, a journal file of a day not after today,
/// whose bytes before the offset are the ones recorded) and whole; otherwise it is ignored, saying why.
/// </summary>
public sealed class JournalCheckpointRuleTests : IDisposable
{
    static readonly DateOnly Today = new(2026, 11, 23);
    readonly string _dir = Directory.CreateTempSubdirectory("et-cprules-").FullName;
    readonly SymbolTable _symbols = new(["EURUSD"]);
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    string CheckpointPath => Path.Combine(_dir, JournalCheckpoint.FileName);
    string JournalPath => JournalFiles.FileFor(_dir, Today);

    /// <summary>A journal of one run (an order still pending) and its checkpoint, saved at the clean stop.</summary>
    void WriteRun()
    {
        var time = TestClock.New(TestDays.Midnight(Today).AddHours(9));
        var cps = JournalRestore.Load(_dir, "pi-1", _symbols, 100_000, Today).CreateCheckpointer(_dir, TimeSpan.FromHours(1));
        using var j = new DecisionJournal(_dir, _symbols, new OrderIds("pi-1", 1), TestDays.At(Today), time, null, background: false, checkpoints: cps);
        j.Start("run 1");
        j.Order(new Order { Seq = 1, SymbolId = 0, Side = Side.Buy, Qty = 0.01, Price = 1.1, TimeMs = 1 });
        j.Stop("shutdown");
    }

    (JournalCheckpoint.Position Position, JournalState State)? Load(out string? note, DateOnly? today = null) =>
        JournalCheckpoint.TryLoad(_dir, "pi-1", _symbols, 100_000, today ?? Today, out note);

    /// <summary>Rewrites the checkpoint's JSON and closes it with a valid checksum again.</summary>
    void Rewrite(Action<JsonObject> change)
    {
        var line = File.ReadAllText(CheckpointPath).TrimEnd('\n');
        var json = (JsonObject)JsonNode.Parse(line[..^JournalLineCrc.SuffixLength] + "}")!;
        json.Remove("crc");
        change(json);
        WriteClosed(json.ToJsonString());
    }

    void WriteClosed(string json)
    {
        var buf = new ArrayBufferWriter<byte>();
        buf.Write(Encoding.UTF8.GetBytes(json[..^1]));
        JournalLineCrc.Close(buf, 0);
        buf.Write("\n"u8);
        File.WriteAllBytes(CheckpointPath, buf.WrittenSpan.ToArray());
    }

    [Fact]
    public void A_valid_checkpoint_stands_for_the_journal_before_its_offset()
    {
        WriteRun();
        var cp = Load(out var note);
        Assert.Null(note);
        Assert.NotNull(cp);
        Assert.Equal(("journal-2026-11-23.jsonl", Today, new FileInfo(JournalPath).Length), (cp.Value.Position.File, cp.Value.Position.Day, cp.Value.Position.Offset));
        var r = JournalRestore.Load(_dir, "pi-1", _symbols, 100_000, Today);
        Assert.Equal($"journal-2026-11-23.jsonl @ {new FileInfo(JournalPath).Length}", r.FromCheckpoint);
        Assert.Equal(0, r.Lines);
        Assert.Equal(["pi-1-1-000001"], r.Pending.Select(p => p.Id));
    }

    [Fact]
    public void Without_a_checkpoint_there_is_nothing_to_say()
    {
        Assert.Null(Load(out var note));
        Assert.Null(note);
    }

    [Fact]
    public void A_checkpoint_changed_on_disk_is_damaged()
    {
        WriteRun();
        File.WriteAllText(CheckpointPath, File.ReadAllText(CheckpointPath).Replace("\"trades\":1", "\"trades\":0"));
        Assert.Null(Load(out var note));
        Assert.Equal("journal checkpoint damaged (its checksum does not match); reading the journal in full", note);
    }

    [Fact]
    public void A_version_3_checkpoint_without_the_realised_pnl_per_symbol_is_ignored_and_the_journal_read_in_full()
    {
        WriteRun();
        Rewrite(j =>
        {
            Assert.Equal(4, (int)j["version"]!);
            j["version"] = 3;
            j["state"]!.AsObject().Remove("realizedBySymbol");
        });
        Assert.Null(Load(out var note));
        Assert.Equal("journal checkpoint of another version ignored; reading the journal in full", note);
        var r = JournalRestore.Load(_dir, "pi-1", _symbols, 100_000, Today);
        Assert.Null(r.FromCheckpoint);
        Assert.Null(r.Problem);
        Assert.Equal(["pi-1-1-000001"], r.Pending.Select(p => p.Id));
    }

    [Fact]
    public void A_checkpoint_of_another_version_or_node_is_ignored()
    {
        WriteRun();
        Rewrite(j => j["version"] = 1);
        Assert.Null(Load(out var note));
        Assert.Equal("journal checkpoint of another version ignored; reading the journal in full", note);
        File.Delete(CheckpointPath);
        WriteRun();
        Rewrite(j => j["state"]!["node"] = "pi-2");
        Assert.Null(Load(out note));
        Assert.Equal("journal checkpoint of another node ignored; reading the journal in full", note);
    }

    [Theory]
    [InlineData("sub/journal-2026-11-23.jsonl", null)]
    [InlineData("journal-2026-11-24.jsonl", null)]
    [InlineData("notes.txt", null)]
    [InlineData(null, 3L)]
    public void A_checkpoint_that_does_not_fit_this_journal_is_ignored(string? file, long? offset)
    {
        WriteRun();
        Rewrite(j => { if (file is not null) j["file"] = file; if (offset is { } o) j["offset"] = o; });
        Assert.Null(Load(out var note));
        Assert.Equal("journal checkpoint does not fit this journal; reading the journal in full", note);
    }

    [Fact]
    public void A_checkpoint_of_a_file_that_is_gone_shorter_or_changed_is_ignored()
    {
        WriteRun();
        var bytes = File.ReadAllBytes(JournalPath);
        File.WriteAllBytes(JournalPath, bytes[..^1]);
        Assert.Null(Load(out var note));
        Assert.Equal("journal checkpoint does not match journal-2026-11-23.jsonl any more; reading the journal in full", note);
        File.Delete(JournalPath);
        Assert.Null(Load(out note));
        Assert.Equal("journal checkpoint does not match journal-2026-11-23.jsonl any more; reading the journal in full", note);
        var changed = (byte[])bytes.Clone();
        changed[^10] ^= 1;
        File.WriteAllBytes(JournalPath, changed);
        Assert.Null(Load(out note));
        File.WriteAllBytes(JournalPath, bytes);
        Assert.NotNull(Load(out note));
    }

    [Fact]
    public void A_checkpoint_whose_tail_does_not_end_a_line_is_ignored()
    {
        WriteRun();
        long length = new FileInfo(JournalPath).Length;
        var bytes = File.ReadAllBytes(JournalPath);
        Rewrite(j => { j["offset"] = length - 1; j["tail"] = Convert.ToBase64String(bytes[(int)(length - 33)..(int)(length - 1)]); });
        Assert.Null(Load(out var note));
        Assert.Contains("does not match", note);
    }

    [Fact]
    public void A_checkpoint_past_the_start_of_its_file_with_no_tail_is_ignored()
    {
        WriteRun();
        Rewrite(j => j["tail"] = "");
        Assert.Null(Load(out var note));
        Assert.Equal("journal checkpoint does not match journal-2026-11-23.jsonl any more; reading the journal in full", note);
        Assert.Null(JournalRestore.Load(_dir, "pi-1", _symbols, 100_000, Today).FromCheckpoint);
    }

    [Fact]
    public void A_saved_checkpoint_is_one_line_and_records_only_the_last_tail_bytes()
    {
        var tail = Enumerable.Range(0, 100).Select(i => (byte)i).ToArray();
        JournalCheckpoint.Save(_dir, new JournalState("pi-1", _symbols, 100_000, Today), "journal-2026-11-23.jsonl", 500, tail, 1);
        var text = File.ReadAllText(CheckpointPath);
        Assert.EndsWith("}\n", text);
        Assert.Single(text, '\n');
        var json = JsonNode.Parse(text)!;
        Assert.Equal(tail[^JournalCheckpoint.TailBytes..], Convert.FromBase64String((string)json["tail"]!));
    }

    [Fact]
    public void A_checkpoint_of_an_empty_journal_at_offset_zero_is_valid()
    {
        WriteRun();
        File.WriteAllText(JournalPath, "");
        Rewrite(j => { j["offset"] = 0; j["tail"] = ""; });
        Assert.NotNull(Load(out var note));
        Assert.Null(note);
    }

    [Fact]
    public void A_checkpoint_whose_state_is_of_a_later_day_than_today_is_ignored()
    {
        WriteRun();
        Rewrite(j => j["state"]!["day"] = "2026-11-24");
        Assert.Null(Load(out var note));
        Assert.Equal("journal checkpoint is from a later day than today; reading the journal in full", note);
        Assert.NotNull(Load(out note, Today.AddDays(1)));
    }

    [Theory]
    [InlineData("null")]
    [InlineData("{\"version\":2}")]
    public void An_unreadable_checkpoint_is_ignored_saying_why(string json)
    {
        WriteRun();
        WriteClosed(json);
        Assert.Null(Load(out var note));
        Assert.StartsWith("journal checkpoint unreadable (", note);
        Assert.EndsWith("); reading the journal in full", note);
    }

    [Fact]
    public void A_checkpoint_whose_tail_is_not_base64_is_unreadable()
    {
        WriteRun();
        Rewrite(j => j["tail"] = "not base64!");
        Assert.Null(Load(out var note));
        Assert.StartsWith("journal checkpoint unreadable (", note);
    }
}

/// <summary>The checkpointer follows every committed batch and saves at its interval; the tail it records is the file's.</summary>
public sealed class JournalCheckpointerTests : IDisposable
{
    static readonly DateOnly Today = new(2026, 11, 23);
    readonly string _dir = Directory.CreateTempSubdirectory("et-cpr-").FullName;
    readonly SymbolTable _symbols = new(["EURUSD"]);
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    string JournalPath => JournalFiles.FileFor(_dir, Today);

    JournalCheckpointer New(TimeSpan interval) =>
        new(_dir, new JournalState("pi-1", _symbols, 100_000, Today), interval);

    void Commit(JournalCheckpointer cp, string lines, Microsoft.Extensions.Time.Testing.FakeTimeProvider time)
    {
        File.AppendAllText(JournalPath, lines);
        var bytes = Encoding.UTF8.GetBytes(lines);
        cp.OnCommitted(JournalPath, Today, new FileInfo(JournalPath).Length, bytes, time);
    }

    [Fact]
    public void Short_batches_build_up_the_tail_the_file_ends_with()
    {
        var time = TestClock.New();
        var cp = New(TimeSpan.FromHours(1));
        Commit(cp, "{\"type\":\"ack\",\"id\":\"a\"}\n", time);
        Commit(cp, "{\"type\":\"x\"}\n", time);
        cp.Save(time);
        Assert.NotNull(JournalCheckpoint.TryLoad(_dir, "pi-1", _symbols, 100_000, Today, out var note));
        Assert.Null(note);
        for (int i = 0; i < 6; i++) Commit(cp, "{\"type\":\"other\",\"n\":" + i + "}\n", time); // past 64 bytes, a short batch at a time
        cp.Save(time);
        Assert.NotNull(JournalCheckpoint.TryLoad(_dir, "pi-1", _symbols, 100_000, Today, out note));
        Commit(cp, "{\"type\":\"other\",\"long\":\"" + new string('z', 100) + "\"}\n", time);
        Commit(cp, "{\"type\":\"x\"}\n", time);
        cp.Save(time);
        Assert.NotNull(JournalCheckpoint.TryLoad(_dir, "pi-1", _symbols, 100_000, Today, out note));
        Assert.Equal(3, cp.Saved);
    }

    [Fact]
    public void A_new_file_starts_a_new_tail()
    {
        var time = TestClock.New();
        var cp = New(TimeSpan.FromHours(1));
        Commit(cp, "{\"type\":\"ack\",\"id\":\"a\"}\n", time);
        File.Delete(JournalPath);
        cp.OnNewFile();
        Commit(cp, "{\"type\":\"x\"}\n", time);
        cp.Save(time);
        Assert.NotNull(JournalCheckpoint.TryLoad(_dir, "pi-1", _symbols, 100_000, Today, out var note));
        Assert.Null(note);
    }

    [Fact]
    public void A_checkpoint_is_saved_once_its_interval_has_passed_and_only_when_something_was_committed()
    {
        var time = TestClock.New();
        var cp = New(TimeSpan.FromSeconds(1));
        cp.Save(time); // nothing committed yet
        Assert.Equal(0, cp.Saved);
        Assert.False(File.Exists(Path.Combine(_dir, JournalCheckpoint.FileName)));
        Commit(cp, "{\"type\":\"x\"}\n", time);
        Assert.Equal(0, cp.Saved);
        time.Advance(TimeSpan.FromMilliseconds(999));
        Commit(cp, "{\"type\":\"x\"}\n", time);
        Assert.Equal(0, cp.Saved);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Commit(cp, "{\"type\":\"x\"}\n", time);
        Assert.Equal(1, cp.Saved);
        cp.Save(time); // nothing new since
        Assert.Equal(1, cp.Saved);
        time.Advance(TimeSpan.FromMilliseconds(999));
        Commit(cp, "{\"type\":\"x\"}\n", time);
        Assert.Equal(1, cp.Saved); // the interval runs from the last save
    }

    [Fact]
    public void A_failed_save_is_reported_and_the_next_good_one_clears_it()
    {
        var time = TestClock.New();
        var cp = New(TimeSpan.FromHours(1));
        Commit(cp, "{\"type\":\"x\"}\n", time);
        string cpPath = Path.Combine(_dir, JournalCheckpoint.FileName);
        Directory.CreateDirectory(cpPath); // the checkpoint cannot be replaced
        cp.Save(time);
        Assert.Equal(0, cp.Saved);
        Assert.NotNull(cp.LastError);
        Directory.Delete(cpPath);
        cp.Save(time); // still dirty
        Assert.Equal(1, cp.Saved);
        Assert.Null(cp.LastError);
    }
}
