using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace EdgeTrader.Tests.Transports.Mqtt.Support;

/// <summary>
/// A real Mosquitto broker for one test: its own temp directory, config (persistence on) and free 127.0.0.1 port.
/// Killed (SIGKILL) and its directory removed on dispose. Never touches a system broker on :1883.
/// </summary>
internal sealed class MosquittoBroker : IDisposable
{
    Process? _process;

    MosquittoBroker(string dir, int port, string configPath)
    {
        Dir = dir;
        Port = port;
        ConfigPath = configPath;
    }

    /// <summary>The broker's scratch directory (config, persistence, log, credentials).</summary>
    public string Dir { get; }

    /// <summary>The plain (or TLS, when configured so) listener port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>The generated mosquitto.conf.</summary>
    public string ConfigPath { get; }

    /// <summary>The broker's log so far (for failure messages).</summary>
    public string Log => File.Exists(Path.Combine(Dir, "mosquitto.log")) ? File.ReadAllText(Path.Combine(Dir, "mosquitto.log")) : "";

    /// <summary>
    /// Starts a broker. <paramref name="users"/> (name → password) turns on a password file and disables anonymous
    /// access; <paramref name="acl"/> is written as the ACL file; <paramref name="extra"/> is appended to the config.
    /// </summary>
    public static MosquittoBroker Start(IReadOnlyDictionary<string, string>? users = null, string? acl = null, string? extra = null, int? port = null, string? dir = null)
    {
        dir ??= Directory.CreateTempSubdirectory("edgetrader-mqtt-").FullName;
        Directory.CreateDirectory(Path.Combine(dir, "data"));
        int p = port ?? FreePort();
        var conf = new StringBuilder();
        conf.AppendLine("per_listener_settings false");
        conf.AppendLine($"allow_anonymous {(users is null ? "true" : "false")}");
        conf.AppendLine("persistence true");
        conf.AppendLine($"persistence_location {dir}/data/");
        conf.AppendLine("autosave_interval 1");
        conf.AppendLine($"log_dest file {dir}/mosquitto.log");
        conf.AppendLine("log_type error\nlog_type warning\nlog_type notice\nlog_type information");
        conf.AppendLine("connection_messages true");
        conf.AppendLine("set_tcp_nodelay true");
        conf.AppendLine($"user {Environment.UserName}");
        if (users is not null)
        {
            var passwd = Path.Combine(dir, "passwd");
            File.WriteAllText(passwd, "");
            foreach (var (user, password) in users)
            {
                var r = MqttCli.Run("mosquitto_passwd", ["-b", passwd, user, password]).GetAwaiter().GetResult();
                if (r.ExitCode != 0) throw new InvalidOperationException($"mosquitto_passwd failed: {r.Stderr}");
            }
            conf.AppendLine($"password_file {passwd}");
        }
        if (acl is not null)
        {
            File.WriteAllText(Path.Combine(dir, "acl"), acl);
            conf.AppendLine($"acl_file {dir}/acl");
        }
        if (extra is not null) conf.AppendLine(extra);
        else conf.AppendLine($"listener {p} 127.0.0.1");
        var configPath = Path.Combine(dir, "mosquitto.conf");
        File.WriteAllText(configPath, conf.ToString());
        var broker = new MosquittoBroker(dir, p, configPath);
        broker.Launch();
        return broker;
    }

    /// <summary>Starts a broker from an existing config file (e.g. one the setup script wrote).</summary>
    public static MosquittoBroker FromConfig(string dir, string configPath, int port)
    {
        var broker = new MosquittoBroker(dir, port, configPath);
        broker.Launch();
        return broker;
    }

    /// <summary>Kills the broker with SIGKILL (no goodbye to clients, no final persistence save).</summary>
    public void Kill()
    {
        var p = _process;
        if (p is null || p.HasExited) return;
        p.Kill();
        p.WaitForExit(10_000);
        _process = null;
    }

    /// <summary>Starts the broker again on the same port with the same config and persistence directory.</summary>
    public void Restart()
    {
        Kill();
        Launch();
    }

    void Launch()
    {
        var psi = new ProcessStartInfo("mosquitto", ["-c", ConfigPath])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start mosquitto");
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        _process = p;
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (p.HasExited) throw new InvalidOperationException($"mosquitto exited with {p.ExitCode}:\n{Log}");
            try
            {
                using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                s.Connect(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (deadline.ElapsedMilliseconds < 10_000)
            {
                Thread.Sleep(10); // polling the port with a deadline: mosquitto gives no readiness signal
            }
        }
    }

    /// <summary>A port nothing listens on right now.</summary>
    public static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    public void Dispose()
    {
        Kill();
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
