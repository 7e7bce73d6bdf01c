using System.Diagnostics;
using System.Text;

namespace EdgeTrader.Tests.Transports.Mqtt.Support;

/// <summary>The outside world: mosquitto_pub / mosquitto_sub (and other tools) as real processes.</summary>
internal static class MqttCli
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    /// <summary>Runs a program to completion (killed after <paramref name="timeoutMs"/>).</summary>
    public static async Task<Result> Run(string file, IEnumerable<string> args, int timeoutMs = 30_000, string? stdin = null)
    {
        var psi = new ProcessStartInfo(file, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
        };
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}");
        if (stdin is not null)
        {
            await p.StandardInput.WriteAsync(stdin);
            p.StandardInput.Close();
        }
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeoutMs);
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in {timeoutMs} ms");
        }
        return new Result(p.ExitCode, await stdout, await stderr);
    }

    static List<string> Common(int port, string? user, string? password)
    {
        var a = new List<string> { "-h", "127.0.0.1", "-p", port.ToString(), "-V", "mqttv311" };
        if (user is not null) { a.Add("-u"); a.Add(user); }
        if (password is not null) { a.Add("-P"); a.Add(password); }
        return a;
    }

    /// <summary>mosquitto_pub -q 1 of a text message; returns once the broker acknowledged it.</summary>
    public static Task<Result> Publish(int port, string topic, string message, bool retain = false, string? user = null, string? password = null)
    {
        var a = Common(port, user, password);
        a.AddRange(["-q", "1", "-t", topic, "-m", message]);
        if (retain) a.Add("-r");
        return Run("mosquitto_pub", a);
    }

    /// <summary>mosquitto_pub -q 1 of raw bytes (through a file, so any byte goes).</summary>
    public static async Task<Result> PublishBytes(int port, string topic, byte[] payload, string? user = null, string? password = null)
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(file, payload);
            var a = Common(port, user, password);
            a.AddRange(["-q", "1", "-t", topic]);
            if (payload.Length == 0) a.Add("-n");
            else { a.Add("-f"); a.Add(file); }
            return await Run("mosquitto_pub", a);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>The retained messages under <paramref name="filter"/>: topic → payload (mosquitto_sub --retained-only).</summary>
    public static async Task<Dictionary<string, string>> Retained(int port, string filter, int count, string? user = null, string? password = null)
    {
        var a = Common(port, user, password);
        a.AddRange(["-q", "1", "-t", filter, "-v", "--retained-only", "-C", count.ToString(), "-W", "5"]);
        var r = await Run("mosquitto_sub", a);
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            int space = line.IndexOf(' ');
            if (space > 0) map[line[..space]] = line[(space + 1)..];
        }
        return map;
    }
}
