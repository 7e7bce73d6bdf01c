using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using EdgeTrader.Tests.Cli;
using Xunit.Abstractions;

namespace EdgeTrader.Tests.Interop;

/// <summary>
/// The ABI values compiled into the binary (`edgetrader abi --json`: open flags, errno values, poll flags, GPIO uAPI
/// ioctl numbers, struct sizes and field offsets, libzmq constants and structs) against the same
/// names printed by tests/abi/abi-values.c, compiled from the headers of the binary's own architecture and run on
/// it: on x86_64 natively, for the linux-arm64 binary with clang --target=aarch64-linux-gnu and Debian's arm64 cross
/// headers, run through the launcher (qemu-aarch64). scripts/test.sh runs it once per architecture (stage abi).
/// </summary>
[Trait("Arch", "arm64")]
[Trait("Category", "Abi")]
public class AbiConstantsTests(ITestOutputHelper output)
{
    static string Triple(string rid) => rid == "linux-arm64" ? "aarch64-linux-gnu" : "x86_64-linux-gnu";

    static string? Which(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists);

    /// <summary>zmq.h (arch-independent text): the host's -dev package, else the arm64 root's copy.</summary>
    static string? LibraryHeaders()
    {
        if (File.Exists("/usr/include/zmq.h")) return null;
        string root = Environment.GetEnvironmentVariable("EDGETRADER_ARM64_ROOT") is { Length: > 0 } r ? r : Path.Combine(Bin.RepoRoot, ".arm64", "root");
        string inc = Path.Combine(root, "usr", "include");
        Assert.True(File.Exists(Path.Combine(inc, "zmq.h")),
            $"zmq.h not found in /usr/include nor {inc}: run scripts/arm64-root.sh");
        return inc;
    }

    /// <summary>The header values for <paramref name="rid"/>: compiles tests/abi/abi-values.c for it and runs it there.</summary>
    Dictionary<string, long> HeaderValues(string rid, string work)
    {
        string exe = Path.Combine(work, "abi-values");
        var args = new List<string>();
        bool cross = Triple(rid) != (RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "aarch64-linux-gnu" : "x86_64-linux-gnu");
        if (cross) args.AddRange(["--target=" + Triple(rid), "-fuse-ld=lld", "-static"]);
        args.AddRange(["-O1", "-Wall", "-Werror", "-o", exe, Path.Combine(Bin.RepoRoot, "tests", "abi", "abi-values.c")]);
        if (LibraryHeaders() is { } inc) args.AddRange(["-idirafter", inc]);
        var psi = new ProcessStartInfo("clang") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using (var cc = Process.Start(psi)!)
        {
            string err = cc.StandardError.ReadToEnd();
            cc.WaitForExit();
            Assert.True(cc.ExitCode == 0, $"clang {string.Join(' ', args)} failed:\n{err}");
        }
        output.WriteLine($"clang {string.Join(' ', args)}");
        var (exit, stdout, stderr) = Bin.RunExe(exe);
        Assert.True(exit == 0, $"abi-values exited {exit}: {stderr}");
        using var doc = JsonDocument.Parse(stdout);
        Assert.Equal(rid == "linux-arm64" ? "arm64" : "x64", doc.RootElement.GetProperty("arch").GetString());
        return doc.RootElement.GetProperty("values").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64());
    }

    [SkippableFact]
    public void Every_flag_errno_ioctl_number_and_struct_layout_the_binary_uses_equals_its_architectures_headers()
    {
        Skip.If(Which("clang") is null, "clang is not installed (scripts/install-deps.sh installs it)");
        string rid = Bin.Rid;
        var work = Directory.CreateTempSubdirectory("et-abi-");
        try
        {
            var headers = HeaderValues(rid, work.FullName);

            var (exit, stdout, stderr) = Bin.Run("abi", "--json");
            Assert.True(exit == 0, $"edgetrader abi --json exited {exit}: {stderr}");
            using var doc = JsonDocument.Parse(stdout);
            Assert.Equal(rid == "linux-arm64" ? "arm64" : "x64", doc.RootElement.GetProperty("arch").GetString());
            var used = doc.RootElement.GetProperty("entries").EnumerateArray()
                .Select(e => (Name: e.GetProperty("name").GetString()!, Code: e.GetProperty("code").GetString()!, Value: e.GetProperty("value").GetInt64(),
                    AtLeast: e.TryGetProperty("atLeast", out var a) && a.GetBoolean()))
                .ToList();
            Assert.True(used.Count >= 150, $"only {used.Count} entries reported");

            var wrong = new List<string>();
            foreach (var (name, code, value, atLeast) in used)
            {
                if (!headers.TryGetValue(name, out long expected)) wrong.Add($"{code}: {name} is not printed by tests/abi/abi-values.c");
                else if (atLeast ? value < expected : value != expected)
                    wrong.Add($"{code} = 0x{value:x} ({value}), but {name} = 0x{expected:x} ({expected}) on {rid}{(atLeast ? " (at least that is needed)" : "")}");
            }
            // Every value the headers were asked for is one the code uses (no stale line in abi-values.c).
            foreach (var name in headers.Keys.Except(used.Select(u => u.Name))) wrong.Add($"{name}: printed by abi-values.c but used by no code symbol");
            Assert.True(wrong.Count == 0, $"{wrong.Count} ABI values differ from the {rid} headers:\n" + string.Join('\n', wrong));
            output.WriteLine($"{rid}: {used.Count} values of {used.Select(u => u.Code).Distinct().Count()} code symbols equal {headers.Count} header values; O_DIRECTORY = 0x{headers["O_DIRECTORY"]:x}");
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }
}
