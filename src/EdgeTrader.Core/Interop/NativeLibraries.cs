using System.Reflection;
using System.Runtime.InteropServices;

namespace EdgeTrader.Interop;

/// <summary>
/// Maps the import names "zmq" and "mosquitto" to the runtime sonames (libzmq.so.5, libmosquitto.so.1): the Debian
/// runtime packages (libzmq5, libmosquitto1) ship only those, not the unversioned -dev symlinks.
/// </summary>
internal static class NativeLibraries
{
    static int _registered;

    /// <summary>Installs the resolver once for this assembly (idempotent, thread-safe).</summary>
    public static void Register()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 1) return;
        NativeLibrary.SetDllImportResolver(typeof(NativeLibraries).Assembly, Resolve);
    }

    static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path)
    {
        string? soname = name switch
        {
            "zmq" => "libzmq.so.5",
            "mosquitto" => "libmosquitto.so.1",
            _ => null,
        };
        if (soname is not null && NativeLibrary.TryLoad(soname, assembly, path, out var handle)) return handle;
        return IntPtr.Zero; // fall back to default probing (and its DllNotFoundException)
    }

    /// <summary>Loads a library now, to fail at start with a useful message instead of at first use.</summary>
    public static void EnsureLoadable(string soname, string debianPackage, string purpose)
    {
        if (!NativeLibrary.TryLoad(soname, out var h))
            throw new DllNotFoundException($"{soname} ({purpose}) is not installed: apt-get install {debianPackage}");
        NativeLibrary.Free(h);
    }
}
