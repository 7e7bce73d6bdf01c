using EdgeTrader.Persistence;

namespace EdgeTrader.Tests.Persistence;

public sealed class AtomicFileTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("et-atomic-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_write_replaces_the_whole_content_and_leaves_no_temporary_file()
    {
        string path = Path.Combine(_dir, "f.json");
        AtomicFile.Write(path, "a much longer first content"u8);
        AtomicFile.Write(path, "short"u8);
        Assert.Equal("short", File.ReadAllText(path));
        Assert.False(File.Exists(path + AtomicFile.TempSuffix));
    }

    [Fact]
    public void A_write_that_cannot_happen_throws_and_leaves_the_old_content()
    {
        string path = Path.Combine(_dir, "f.json");
        AtomicFile.Write(path, "old"u8);
        Directory.CreateDirectory(path + AtomicFile.TempSuffix); // the temporary file cannot be created
        File.WriteAllText(Path.Combine(path + AtomicFile.TempSuffix, "x"), "x");
        var ex = Record.Exception(() => AtomicFile.Write(path, "new"u8));
        Assert.True(ex is IOException or UnauthorizedAccessException, $"unexpected {ex}");
        Assert.Equal("old", File.ReadAllText(path));
    }

    [Fact]
    public void A_write_into_a_vanished_directory_throws()
    {
        string gone = Path.Combine(_dir, "gone");
        Directory.CreateDirectory(gone);
        Directory.Delete(gone);
        Assert.ThrowsAny<IOException>(() => AtomicFile.Write(Path.Combine(gone, "f.json"), "x"u8));
    }
}
