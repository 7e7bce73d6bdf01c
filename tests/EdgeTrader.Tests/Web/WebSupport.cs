using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeTrader.Tests.Cli;

namespace EdgeTrader.Tests.Web;

/// <summary>Paths, tokens and small clients the web tests share.</summary>
internal static class WebSupport
{
    public static string RepoRoot
    {
        get
        {
            string? dir = AppContext.BaseDirectory;
            while (dir is not null && !File.Exists(Path.Combine(dir, "EdgeTrader.sln"))) dir = Path.GetDirectoryName(dir);
            return dir ?? throw new InvalidOperationException("repository root not found");
        }
    }

    /// <summary>Where screenshots and scrapes are kept after the run (artifacts/e2e/web, or $EDGETRADER_ARTIFACTS).</summary>
    public static string ArtifactsDir
    {
        get
        {
            var d = Environment.GetEnvironmentVariable("EDGETRADER_ARTIFACTS") is { Length: > 0 } env ? Path.Combine(env, "web") : Path.Combine(RepoRoot, "artifacts", "e2e", "web");
            Directory.CreateDirectory(d);
            return d;
        }
    }

    public static string RulesFile => Path.Combine(RepoRoot, "docs", "examples", "prometheus", "edgetrader-rules.yml");

    /// <summary>A token file in <paramref name="dir"/>.</summary>
    public static (string Path, string Token) TokenFile(string dir)
    {
        var token = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
        var path = Path.Combine(dir, "http.token");
        File.WriteAllText(path, token + "\n");
        return (path, token);
    }

    public static HttpClient Client(string? token = null)
    {
        var c = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(1) }) { Timeout = TimeSpan.FromSeconds(10) };
        if (token is not null) c.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return c;
    }

    /// <summary>GET as text (throws on a transport error, not on a status).</summary>
    public static string GetString(HttpClient c, string url) => c.GetStringAsync(url).GetAwaiter().GetResult();

    /// <summary>Runs a program to completion; (exit code, stdout+stderr).</summary>
    public static (int Exit, string Output) Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var o = p.StandardOutput.ReadToEndAsync();
        var e = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000)) { p.Kill(true); throw new TimeoutException($"{file} did not finish"); }
        return (p.ExitCode, o.Result + e.Result);
    }

    /// <summary>Feeds <paramref name="input"/> to a program's stdin; (exit code, stdout+stderr).</summary>
    public static (int Exit, string Output) RunWithInput(string file, string input, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var o = p.StandardOutput.ReadToEndAsync();
        var e = p.StandardError.ReadToEndAsync();
        p.StandardInput.Write(input);
        p.StandardInput.Close();
        if (!p.WaitForExit(60_000)) { p.Kill(true); throw new TimeoutException($"{file} did not finish"); }
        return (p.ExitCode, o.Result + e.Result);
    }

    /// <summary>One control-socket request, timed: the engage/reset path as the CLI uses it, without process start-up.</summary>
    public static (JsonElement Reply, double Ms) Control(string socket, string command, string? reason = null)
    {
        var sw = Stopwatch.StartNew();
        using var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        s.Connect(new UnixDomainSocketEndPoint(socket));
        var req = JsonSerializer.Serialize(new JsonObject { ["command"] = command, ["reason"] = reason }) + "\n";
        s.Send(Encoding.UTF8.GetBytes(req));
        var buf = new byte[1 << 16];
        int n = 0, r;
        while ((r = s.Receive(buf, n, buf.Length - n, SocketFlags.None)) > 0)
        {
            n += r;
            if (buf[n - 1] == (byte)'\n') break;
        }
        double ms = sw.Elapsed.TotalMilliseconds;
        using var doc = JsonDocument.Parse(buf.AsMemory(0, n));
        return (doc.RootElement.Clone(), ms);
    }

    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        var s = values.Order().ToArray();
        return s[Math.Clamp((int)Math.Ceiling(p / 100 * s.Length) - 1, 0, s.Length - 1)];
    }
}

/// <summary>A real Prometheus (Debian's package) on a free loopback port with a generated configuration.</summary>
internal sealed class PrometheusServer : IDisposable
{
    readonly Process _p;
    readonly StringBuilder _log = new();
    public string Dir { get; } = Directory.CreateTempSubdirectory("et-prom-").FullName;
    public string Base { get; }

    public static bool Installed => File.Exists("/usr/bin/prometheus") && File.Exists("/usr/bin/promtool");

    public PrometheusServer(string target, string? tokenFile, string? rulesFile, string interval = "500ms")
    {
        int port = Bin.FreePort();
        Base = $"http://127.0.0.1:{port}";
        var auth = tokenFile is null ? "" : $"    authorization:\n      type: Bearer\n      credentials_file: {tokenFile}\n";
        var rules = rulesFile is null ? "" : $"rule_files:\n  - {rulesFile}\n";
        File.WriteAllText(Path.Combine(Dir, "prometheus.yml"),
            $"global:\n  scrape_interval: {interval}\n  scrape_timeout: 400ms\n  evaluation_interval: {interval}\n{rules}" +
            $"scrape_configs:\n  - job_name: edgetrader\n{auth}    static_configs:\n      - targets: ['{target}']\n");
        var psi = new ProcessStartInfo("/usr/bin/prometheus") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { $"--config.file={Dir}/prometheus.yml", $"--storage.tsdb.path={Dir}/data", $"--web.listen-address=127.0.0.1:{port}", "--log.level=warn" })
            psi.ArgumentList.Add(a);
        _p = Process.Start(psi)!;
        _p.OutputDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
        _p.ErrorDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
        _p.BeginOutputReadLine();
        _p.BeginErrorReadLine();
        using var http = WebSupport.Client();
        Assert.True(Bin.WaitFor(() => Try(() => http.GetAsync(Base + "/-/ready").Result.IsSuccessStatusCode), TimeSpan.FromSeconds(30)), "prometheus did not become ready:\n" + Log);
    }

    public string Log { get { lock (_log) return _log.ToString(); } }

    /// <summary>An instant query; the result array.</summary>
    public JsonElement Query(string promql)
    {
        using var http = WebSupport.Client();
        var body = http.GetStringAsync($"{Base}/api/v1/query?query={Uri.EscapeDataString(promql)}").Result;
        using var doc = JsonDocument.Parse(body);
        return doc.RootElement.GetProperty("data").GetProperty("result").Clone();
    }

    /// <summary>The single value of an instant query, or null when it has no result.</summary>
    public double? Value(string promql)
    {
        var r = Query(promql);
        if (r.GetArrayLength() == 0) return null;
        return double.Parse(r[0].GetProperty("value")[1].GetString()!, System.Globalization.CultureInfo.InvariantCulture);
    }

    public JsonElement Get(string path)
    {
        using var http = WebSupport.Client();
        using var doc = JsonDocument.Parse(http.GetStringAsync(Base + path).Result);
        return doc.RootElement.GetProperty("data").Clone();
    }

    static bool Try(Func<bool> f)
    {
        try { return f(); }
        catch (AggregateException) { return false; }
        catch (HttpRequestException) { return false; }
    }

    public void Dispose()
    {
        try { _p.Kill(true); _p.WaitForExit(5000); } catch (InvalidOperationException) { }
        _p.Dispose();
        try { Directory.Delete(Dir, true); } catch (IOException) { }
    }
}

/// <summary>
/// Debian's headless Chromium driven over the DevTools protocol (a WebSocket): navigate, evaluate, screenshot. Started
/// with the flags that keep it off the network (no background services, no component updates).
/// </summary>
internal sealed class Chromium : IDisposable
{
    readonly Process _p;
    readonly ClientWebSocket _ws = new();
    readonly string _profile = Directory.CreateTempSubdirectory("et-chromium-").FullName;
    int _id;

    public static string? Executable => new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists);

    public Chromium(int width = 1280, int height = 1000)
    {
        var psi = new ProcessStartInfo(Executable!) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--disable-extensions", "--disable-default-apps", "--mute-audio",
                     $"--user-data-dir={_profile}", "--remote-debugging-port=0", $"--window-size={width},{height}", "about:blank" })
            psi.ArgumentList.Add(a);
        _p = Process.Start(psi)!;
        _p.OutputDataReceived += (_, _) => { };
        _p.ErrorDataReceived += (_, _) => { };
        _p.BeginOutputReadLine();
        _p.BeginErrorReadLine();
        var portFile = Path.Combine(_profile, "DevToolsActivePort");
        Assert.True(Bin.WaitFor(() => File.Exists(portFile) && File.ReadAllLines(portFile).Length >= 2, TimeSpan.FromSeconds(30)), "chromium did not open its DevTools port");
        int port = int.Parse(File.ReadAllLines(portFile)[0]);
        using var http = WebSupport.Client();
        string? wsUrl = null;
        Assert.True(Bin.WaitFor(() =>
        {
            try
            {
                using var doc = JsonDocument.Parse(http.GetStringAsync($"http://127.0.0.1:{port}/json/list").Result);
                wsUrl = doc.RootElement.EnumerateArray().Where(t => t.GetProperty("type").GetString() == "page")
                    .Select(t => t.GetProperty("webSocketDebuggerUrl").GetString()).FirstOrDefault();
                return wsUrl is not null;
            }
            catch (AggregateException) { return false; }
        }, TimeSpan.FromSeconds(15)), "no page target");
        _ws.ConnectAsync(new Uri(wsUrl!), CancellationToken.None).Wait(TimeSpan.FromSeconds(10));
        Send("Page.enable");
    }

    /// <summary>One DevTools command; its result (events in between are skipped).</summary>
    public JsonElement Send(string method, JsonObject? parameters = null)
    {
        int id = ++_id;
        var msg = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? new JsonObject() };
        _ws.SendAsync(Encoding.UTF8.GetBytes(msg.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None).Wait(TimeSpan.FromSeconds(10));
        var buf = new byte[1 << 16];
        while (true)
        {
            using var ms = new MemoryStream();
            WebSocketReceiveResult r;
            do
            {
                var t = _ws.ReceiveAsync(buf, CancellationToken.None);
                if (!t.Wait(TimeSpan.FromSeconds(30))) throw new TimeoutException($"DevTools did not answer {method}");
                r = t.Result;
                ms.Write(buf, 0, r.Count);
            } while (!r.EndOfMessage);
            using var doc = JsonDocument.Parse(ms.ToArray());
            var root = doc.RootElement;
            if (!root.TryGetProperty("id", out var rid) || rid.GetInt32() != id) continue;
            if (root.TryGetProperty("error", out var err)) throw new InvalidOperationException($"{method}: {err}");
            return root.GetProperty("result").Clone();
        }
    }

    public void Navigate(string url) => Send("Page.navigate", new JsonObject { ["url"] = url });

    /// <summary>Evaluates a JavaScript expression in the page; its value as a string.</summary>
    public string Eval(string expression)
    {
        var r = Send("Runtime.evaluate", new JsonObject { ["expression"] = $"String({expression})", ["returnByValue"] = true });
        return r.GetProperty("result").TryGetProperty("value", out var v) ? v.GetString() ?? "" : "";
    }

    public void Screenshot(string path)
    {
        var r = Send("Page.captureScreenshot", new JsonObject { ["format"] = "png", ["captureBeyondViewport"] = true });
        File.WriteAllBytes(path, Convert.FromBase64String(r.GetProperty("data").GetString()!));
    }

    public void Dispose()
    {
        try { _ws.Dispose(); } catch (WebSocketException) { }
        try { _p.Kill(true); _p.WaitForExit(5000); } catch (InvalidOperationException) { }
        _p.Dispose();
        try { Directory.Delete(_profile, true); } catch (IOException) { }
    }
}
