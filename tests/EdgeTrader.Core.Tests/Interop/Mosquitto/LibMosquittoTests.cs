using EdgeTrader.Interop;
using EdgeTrader.Interop.Mosquitto;

namespace EdgeTrader.Tests.Interop.Mosquitto;

public sealed class LibMosquittoTests
{
    [Fact]
    public void Import_names_map_to_the_runtime_package_sonames()
    {
        Assert.Equal("libmosquitto.so.1", NativeLibraries.SonameOf(NativeLibraries.Mosquitto));
        Assert.Equal("libzmq.so.5", NativeLibraries.SonameOf(NativeLibraries.Zmq));
        Assert.Null(NativeLibraries.SonameOf("libc"));
    }

    [Fact]
    public void Libmosquitto_loads_through_the_resolver_and_registering_again_is_harmless()
    {
        NativeLibraries.Register();
        NativeLibraries.Register();

        var version = LibMosquitto.EnsureAvailable();

        Assert.Matches(@"^\d+\.\d+\.\d+$", version);
        Assert.Equal(version, LibMosquitto.EnsureAvailable());
    }

    [Fact]
    public void Error_codes_are_described_in_words()
    {
        LibMosquitto.EnsureAvailable();
        Assert.Contains("not authorised", LibMosquitto.DescribeConnack(5), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(111), LibMosquitto.Describe(LibMosquitto.MOSQ_ERR_ERRNO, 111));
    }
}
