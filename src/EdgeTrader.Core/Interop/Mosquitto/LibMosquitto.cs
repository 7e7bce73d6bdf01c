using System.Runtime.InteropServices;

namespace EdgeTrader.Interop.Mosquitto;

/// <summary>C layout of <c>struct mosquitto_message</c> (libmosquitto 1.6/2.0).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct MosquittoMessage
{
    public int Mid;
    public nint Topic;
    public nint Payload;
    public int PayloadLen;
    public int Qos;
    public byte Retain; // C99 bool
}

/// <summary>
/// Source-generated bindings for the subset of libmosquitto (2.0, soname libmosquitto.so.1) that the MQTT mirror uses.
/// Everything that takes a client takes a <see cref="MosquittoHandle"/>, so a call in flight keeps the client alive
/// while another thread disposes it.
/// </summary>
internal static unsafe partial class LibMosquitto
{
    const string Lib = NativeLibraries.Mosquitto;

    public const int MOSQ_ERR_SUCCESS = 0;
    public const int MOSQ_ERR_NO_CONN = 4;
    public const int MOSQ_ERR_CONN_REFUSED = 5;
    public const int MOSQ_ERR_CONN_LOST = 7;
    public const int MOSQ_ERR_TLS = 8;
    public const int MOSQ_ERR_ERRNO = 14;

    public const int MOSQ_OPT_PROTOCOL_VERSION = 1;
    public const int MOSQ_OPT_TCP_NODELAY = 11;
    public const int MQTT_PROTOCOL_V311 = 4;

    public const int MOSQ_LOG_INFO = 0x01;
    public const int MOSQ_LOG_NOTICE = 0x02;
    public const int MOSQ_LOG_WARNING = 0x04;
    public const int MOSQ_LOG_ERR = 0x08;

    static readonly object _initLock = new();
    static string? _version;

    // Every P/Invoke of this class goes through the soname resolver: register it before the first one can bind.
    static LibMosquitto() => NativeLibraries.Register();

    /// <summary>
    /// Loads libmosquitto and initialises it once per process. Throws <see cref="DllNotFoundException"/> naming the
    /// Debian package when the library is missing, so a node that is configured to mirror fails at start with a
    /// message an operator can act on, not at the first engagement. Returns the library version.
    /// </summary>
    public static string EnsureAvailable()
    {
        lock (_initLock)
        {
            if (_version is not null) return _version;
            int major, minor, revision;
            try
            {
                LibVersion(out major, out minor, out revision);
            }
            catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
            {
                throw new DllNotFoundException(
                    "libmosquitto.so.1 (the MQTT client library) could not be loaded; install the Debian package: " +
                    "apt-get install libmosquitto1", ex);
            }
            if (major < 1 || (major == 1 && minor < 6))
            {
                throw new NotSupportedException($"libmosquitto {major}.{minor}.{revision} is too old: 1.6 or newer is needed (Debian: libmosquitto1 from bookworm)");
            }
            Check(LibInit(), "mosquitto_lib_init");
            _version = $"{major}.{minor}.{revision}";
            return _version;
        }
    }

    /// <summary>libmosquitto's text for an error code; for MOSQ_ERR_ERRNO the system error text of <paramref name="errno"/>.</summary>
    public static string Describe(int rc, int errno = 0)
    {
        if (rc == MOSQ_ERR_ERRNO && errno != 0) return Marshal.GetPInvokeErrorMessage(errno);
        return Marshal.PtrToStringUTF8(StrError(rc)) ?? $"error {rc}";
    }

    /// <summary>libmosquitto's text for a CONNACK return code (e.g. "Connection Refused: not authorised.").</summary>
    public static string DescribeConnack(int code) => Marshal.PtrToStringUTF8(ConnackString(code)) ?? $"connack {code}";

    /// <summary>Throws when <paramref name="rc"/> is not success.</summary>
    public static void Check(int rc, string what)
    {
        if (rc != MOSQ_ERR_SUCCESS)
        {
            throw new InvalidOperationException($"{what} failed: {Describe(rc, Marshal.GetLastPInvokeError())} (rc {rc})");
        }
    }

    [LibraryImport(Lib, EntryPoint = "mosquitto_lib_version")]
    private static partial int LibVersion(out int major, out int minor, out int revision);

    [LibraryImport(Lib, EntryPoint = "mosquitto_lib_init")]
    private static partial int LibInit();

    [LibraryImport(Lib, EntryPoint = "mosquitto_strerror")]
    private static partial nint StrError(int rc);

    [LibraryImport(Lib, EntryPoint = "mosquitto_connack_string")]
    private static partial nint ConnackString(int code);

    [LibraryImport(Lib, EntryPoint = "mosquitto_new", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial MosquittoHandle New(string id, [MarshalAs(UnmanagedType.U1)] bool cleanSession, nint obj);

    [LibraryImport(Lib, EntryPoint = "mosquitto_destroy")]
    public static partial void Destroy(nint mosq);

    [LibraryImport(Lib, EntryPoint = "mosquitto_int_option")]
    public static partial int IntOption(MosquittoHandle mosq, int option, int value);

    [LibraryImport(Lib, EntryPoint = "mosquitto_threaded_set")]
    public static partial int ThreadedSet(MosquittoHandle mosq, [MarshalAs(UnmanagedType.U1)] bool threaded);

    [LibraryImport(Lib, EntryPoint = "mosquitto_username_pw_set", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int UsernamePwSet(MosquittoHandle mosq, string? username, string? password);

    [LibraryImport(Lib, EntryPoint = "mosquitto_will_set", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int WillSet(MosquittoHandle mosq, string topic, int payloadLen, byte* payload, int qos, [MarshalAs(UnmanagedType.U1)] bool retain);

    [LibraryImport(Lib, EntryPoint = "mosquitto_reconnect_delay_set")]
    public static partial int ReconnectDelaySet(MosquittoHandle mosq, uint delay, uint delayMax, [MarshalAs(UnmanagedType.U1)] bool exponentialBackoff);

    /// <summary>pw_callback is null: key files must not be encrypted.</summary>
    [LibraryImport(Lib, EntryPoint = "mosquitto_tls_set", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int TlsSet(MosquittoHandle mosq, string? caFile, string? caPath, string? certFile, string? keyFile, nint pwCallback);

    [LibraryImport(Lib, EntryPoint = "mosquitto_connect", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Connect(MosquittoHandle mosq, string host, int port, int keepAlive);

    [LibraryImport(Lib, EntryPoint = "mosquitto_disconnect")]
    public static partial int Disconnect(MosquittoHandle mosq);

    [LibraryImport(Lib, EntryPoint = "mosquitto_loop_forever", SetLastError = true)]
    public static partial int LoopForever(MosquittoHandle mosq, int timeoutMs, int maxPackets);

    [LibraryImport(Lib, EntryPoint = "mosquitto_publish", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Publish(MosquittoHandle mosq, int* mid, string topic, int payloadLen, byte* payload, int qos, [MarshalAs(UnmanagedType.U1)] bool retain);

    [LibraryImport(Lib, EntryPoint = "mosquitto_subscribe", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Subscribe(MosquittoHandle mosq, int* mid, string pattern, int qos);

    [LibraryImport(Lib, EntryPoint = "mosquitto_socket")]
    public static partial int Socket(MosquittoHandle mosq);

    // void (*)(struct mosquitto*, void* obj, int rc)
    [LibraryImport(Lib, EntryPoint = "mosquitto_connect_callback_set")]
    public static partial void ConnectCallbackSet(MosquittoHandle mosq, delegate* unmanaged[Cdecl]<nint, nint, int, void> callback);

    // void (*)(struct mosquitto*, void* obj, int rc)
    [LibraryImport(Lib, EntryPoint = "mosquitto_disconnect_callback_set")]
    public static partial void DisconnectCallbackSet(MosquittoHandle mosq, delegate* unmanaged[Cdecl]<nint, nint, int, void> callback);

    // void (*)(struct mosquitto*, void* obj, int mid)
    [LibraryImport(Lib, EntryPoint = "mosquitto_publish_callback_set")]
    public static partial void PublishCallbackSet(MosquittoHandle mosq, delegate* unmanaged[Cdecl]<nint, nint, int, void> callback);

    // void (*)(struct mosquitto*, void* obj, int mid, int qos_count, const int* granted_qos)
    [LibraryImport(Lib, EntryPoint = "mosquitto_subscribe_callback_set")]
    public static partial void SubscribeCallbackSet(MosquittoHandle mosq, delegate* unmanaged[Cdecl]<nint, nint, int, int, int*, void> callback);

    // void (*)(struct mosquitto*, void* obj, const struct mosquitto_message*)
    [LibraryImport(Lib, EntryPoint = "mosquitto_message_callback_set")]
    public static partial void MessageCallbackSet(MosquittoHandle mosq, delegate* unmanaged[Cdecl]<nint, nint, MosquittoMessage*, void> callback);

    // void (*)(struct mosquitto*, void* obj, int level, const char* str)
    [LibraryImport(Lib, EntryPoint = "mosquitto_log_callback_set")]
    public static partial void LogCallbackSet(MosquittoHandle mosq, delegate* unmanaged[Cdecl]<nint, nint, int, nint, void> callback);
}
