using System.Reflection;
using System.Runtime.InteropServices;

namespace EdgeTrader.Interop;

/// <summary>
/// The one DllImport resolver of this assembly (the runtime allows only one per assembly). It maps the logical names
/// used in <c>[LibraryImport]</c> to the sonames that Debian's runtime packages install, so only the runtime packages
/// are needed on the appliance: the unversioned <c>libX.so</c> names that default probing would look for come only
/// with the -dev packages. Names it does not know (e.g. "libc") fall through to default probing.
/// </summary>
internal static class NativeLibraries
{
    /// <summary>Import name of libzmq (package libzmq5).</summary>
    public const string Zmq = "zmq";

    static readonly object _lock = new();
    static bool _registered;

    /// <summary>Installs the resolver; idempotent and thread-safe. Must run before the first call into a mapped library.</summary>
    public static void Register()
    {
        lock (_lock)
        {
            if (_registered) return;
            NativeLibrary.SetDllImportResolver(typeof(NativeLibraries).Assembly, Resolve);
            _registered = true;
        }
    }

    /// <summary>The soname an import name maps to, or null when the name is left to default probing.</summary>
    public static string? SonameOf(string importName) => importName switch
    {
        Zmq => "libzmq.so.5",
        _ => null,
    };

    /// <summary>The Debian runtime package that provides an import name's library, for error messages.</summary>
    public static string? PackageOf(string importName) => importName switch
    {
        Zmq => "libzmq5",
        _ => null,
    };

    /// <summary>Loads a library now, to fail at start with a useful message instead of at first use.</summary>
    public static void EnsureLoadable(string soname, string debianPackage, string purpose)
    {
        if (!NativeLibrary.TryLoad(soname, out var h))
            throw new DllNotFoundException($"{soname} ({purpose}) is not installed: apt-get install {debianPackage}");
        NativeLibrary.Free(h);
    }

    static nint Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        var soname = SonameOf(name);
        if (soname is null) return 0;
        if (NativeLibrary.TryLoad(soname, out var handle)) return handle;
        // A development machine may have only a self-built library under the unversioned name.
        if (NativeLibrary.TryLoad($"lib{name}.so", out handle)) return handle;
        return 0;
    }
}
