namespace EdgeTrader.Tests.Health;

/// <summary>A directory tree standing in for / (sysfs, /run) in probe tests; deleted on dispose.</summary>
internal sealed class FakeSysfs : IDisposable
{
    public string Root { get; } = Directory.CreateTempSubdirectory("et-sysfs-").FullName;

    public FakeSysfs File(string relative, string content)
    {
        var p = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(p)!);
        System.IO.File.WriteAllText(p, content);
        return this;
    }

    public FakeSysfs Dir(string relative)
    {
        Directory.CreateDirectory(Path.Combine(Root, relative));
        return this;
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, true); } catch (IOException) { }
    }
}
