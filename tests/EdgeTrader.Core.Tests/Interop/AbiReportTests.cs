using System.Reflection;
using System.Runtime.CompilerServices;
using EdgeTrader.Interop;

namespace EdgeTrader.Tests.Interop;

/// <summary>
/// The ABI report must name every number the interop code hands to native code: the ABI test (tests/EdgeTrader.Tests,
/// run per architecture against the kernel and libc headers) checks only what the report lists.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class AbiReportTests
{
    static readonly Assembly Core = typeof(AbiReport).Assembly;

    static bool IsInteger(Type t) => t == typeof(int) || t == typeof(uint) || t == typeof(short) || t == typeof(ushort)
        || t == typeof(long) || t == typeof(ulong) || t == typeof(byte) || t == typeof(sbyte);

    static bool IsInterop(Type t) => t.Namespace?.StartsWith("EdgeTrader.Interop", StringComparison.Ordinal) == true
        && t != typeof(AbiReport) && t.DeclaringType != typeof(AbiReport) && !t.IsDefined(typeof(CompilerGeneratedAttribute));

    static string Name(Type t) => t.DeclaringType is { } d ? $"{Name(d)}.{t.Name}" : t.Name;

    static bool IsBlittable(Type t) => t.IsPrimitive || t.IsPointer || t == typeof(nint) || t == typeof(nuint)
        || (t.IsValueType && !t.IsEnum && t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic).All(f => IsBlittable(f.FieldType)));

    [Fact]
    public void Every_integer_constant_of_the_interop_code_is_in_the_abi_report()
    {
        var codes = AbiReport.Entries().Select(e => e.Code).ToHashSet();
        var missing = new List<string>();
        foreach (var t in Core.GetTypes().Where(IsInterop))
        {
            const BindingFlags statics = BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;
            foreach (var f in t.GetFields(statics).Where(f => (f.IsLiteral || f.IsInitOnly) && IsInteger(f.FieldType) && !f.IsDefined(typeof(CompilerGeneratedAttribute))))
                if (!codes.Contains($"{Name(t)}.{f.Name}")) missing.Add($"{Name(t)}.{f.Name}");
            foreach (var p in t.GetProperties(statics).Where(p => p.GetMethod is not null && IsInteger(p.PropertyType)))
                if (!codes.Contains($"{Name(t)}.{p.Name}")) missing.Add($"{Name(t)}.{p.Name}");
        }
        Assert.True(missing.Count == 0, "not in AbiReport (so not checked against the headers): " + string.Join(", ", missing));
    }

    [Fact]
    public void Every_struct_passed_to_native_code_is_in_the_abi_report_with_its_size_and_each_field_offset()
    {
        var codes = AbiReport.Entries().Select(e => e.Code).ToHashSet();
        var structs = Core.GetTypes().Where(t => IsInterop(t) && t.IsValueType && !t.IsEnum && IsBlittable(t)
            && !t.IsDefined(typeof(InlineArrayAttribute))).ToList();
        Assert.Contains(structs, t => t.Name == "GpioV2LineRequest");
        var missing = new List<string>();
        foreach (var t in structs)
        {
            if (!codes.Contains(Name(t))) missing.Add($"sizeof {Name(t)}");
            foreach (var f in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
                if (!codes.Contains($"{Name(t)}.{f.Name}")) missing.Add($"{Name(t)}.{f.Name}");
        }
        Assert.True(missing.Count == 0, "not in AbiReport: " + string.Join(", ", missing));
    }

    [Fact]
    public void The_report_has_each_code_symbol_once_and_the_open_flags_of_the_running_architecture()
    {
        var entries = AbiReport.Entries();
        var twice = entries.GroupBy(e => e.Code).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.Empty(twice);
        // This JIT run is x86_64 (or a native arm64 machine): O_DIRECTORY follows the process architecture.
        long expected = System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.Arm64 ? 0x4000 : 0x10000;
        Assert.Equal(expected, entries.Single(e => e.Code == "PosixFile.O_DIRECTORY").Value);
    }
}
