using EdgeTrader.Interop;

namespace EdgeTrader.Tests.Interop;

public sealed class NativeLibrariesTests
{
    [Fact]
    public void Only_libzmq_is_mapped_to_a_runtime_soname_and_other_names_fall_through()
    {
        Assert.Equal("libzmq.so.5", NativeLibraries.SonameOf(NativeLibraries.Zmq));
        Assert.Equal("libzmq5", NativeLibraries.PackageOf(NativeLibraries.Zmq));
        // MQTT is managed code (MQTTnet): no native MQTT library is loaded.
        Assert.Null(NativeLibraries.SonameOf("mosquitto"));
        Assert.Null(NativeLibraries.SonameOf("libc"));
    }

    [Fact]
    public void Registering_the_resolver_again_is_harmless()
    {
        NativeLibraries.Register();
        NativeLibraries.Register();
        NativeLibraries.EnsureLoadable("libzmq.so.5", "libzmq5", "ZeroMQ");
    }
}
