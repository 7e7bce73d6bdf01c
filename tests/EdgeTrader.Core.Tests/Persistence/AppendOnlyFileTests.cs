using EdgeTrader.Journal;
using EdgeTrader.Tests.Support;
using EdgeTrader.Trading;

namespace EdgeTrader.Tests.Persistence;

/// <summary>The journal's file rules: never append after a torn line; a file or directory removed while open is a failure.</summary>
public sealed class AppendOnlyFileTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("et-append-").FullName;
    string Dir => Path.Combine(_root, "state");
    readonly List<string> _failures = [];

    public AppendOnlyFileTests() => Directory.CreateDirectory(Dir);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    DecisionJournal Journal(out DateOnly day)
    {
        var time = TestClock.New();
        var d = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        day = d;
        return new DecisionJournal(Dir, new SymbolTable(["EURUSD"]), new OrderIds("n1", 1), EdgeTrader.Tests.Support.TestDays.At(d), time, _failures.Add, background: false);
    }

    static Order AnOrder(long seq) => new() { Seq = seq, SymbolId = 0, Side = Side.Buy, Qty = 0.01, Price = 1.1, TimeMs = seq };

    [Fact]
    public void Nothing_is_appended_after_a_torn_line_the_start_could_not_cut()
    {
        using var j = Journal(out var day);
        string path = DecisionJournal.FileFor(Dir, day);
        const string Whole = "{\"type\":\"start\",\"run\":1}\n";
        const string Torn = "{\"type\":\"fill\",\"id\":\"n1-1-0000";
        File.WriteAllText(path, Whole + Torn); // left in place by a start on a full or read-only disk

        Assert.True(j.Order(AnOrder(1)));
        j.Commit();

        Assert.NotNull(j.Failure);
        Assert.Contains("torn line", j.Failure);
        Assert.Single(_failures); // reported once: the daemon engages on it
        Assert.Equal(Whole + Torn, File.ReadAllText(path)); // the fragment was not glued to a new line
        Assert.False(j.Order(AnOrder(2))); // and nothing more is accepted
    }

    [Fact]
    public void A_journal_file_removed_while_open_is_a_journal_failure()
    {
        using var j = Journal(out var day);
        j.Order(AnOrder(1));
        j.Commit();
        Assert.Null(j.Failure);

        File.Delete(DecisionJournal.FileFor(Dir, day)); // the open file lives on, unlinked: what it gets is lost
        j.Order(AnOrder(2));
        j.Commit();

        Assert.NotNull(j.Failure);
        Assert.Contains("removed while open", j.Failure);
        Assert.Single(_failures);
    }

    [Fact]
    public void A_journal_file_renamed_and_replaced_by_an_empty_one_while_open_is_a_journal_failure()
    {
        using var j = Journal(out var day);
        j.Order(AnOrder(1));
        j.Commit();
        Assert.Null(j.Failure);

        string path = DecisionJournal.FileFor(Dir, day);
        File.Move(path, Path.Combine(Dir, "moved-away.jsonl")); // mv journal-D.jsonl x; touch journal-D.jsonl
        File.WriteAllBytes(path, []);
        j.Order(AnOrder(2));
        j.Commit();

        Assert.NotNull(j.Failure);
        Assert.Contains("no longer the file", j.Failure);
        Assert.Single(_failures);
        Assert.Equal(0, new FileInfo(path).Length); // nothing was written as if the file at the path were the journal
    }

    [Fact]
    public void A_state_directory_removed_while_the_journal_is_open_is_a_journal_failure()
    {
        using var j = Journal(out _);
        j.Order(AnOrder(1));
        j.Commit();

        Directory.Delete(Dir, recursive: true);
        j.Order(AnOrder(2));
        j.Commit();

        Assert.NotNull(j.Failure);
        Assert.Contains("state directory", j.Failure);
        Assert.Contains("was removed", j.Failure);
        Assert.Single(_failures);
    }

    [Fact]
    public void A_journal_that_ends_with_a_whole_line_keeps_appending()
    {
        using (var j = Journal(out _))
        {
            j.Order(AnOrder(1));
            j.Commit();
        }
        using (var j = Journal(out var day))
        {
            j.Order(AnOrder(2));
            j.Commit();
            Assert.Null(j.Failure);
            Assert.Equal(2, File.ReadAllLines(DecisionJournal.FileFor(Dir, day)).Length);
        }
        Assert.Empty(_failures);
    }
}
