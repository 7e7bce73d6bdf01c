using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using EdgeTrader.Control;
using EdgeTrader.Tests.Support;

namespace EdgeTrader.Tests.Control;

/// <summary>The control socket over a real Unix socket: what a client, a broken client or a hostile one gets.</summary>
public sealed class ControlServerTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("et-ctl-").FullName;
    readonly ConcurrentQueue<ControlRequest> _seen = new();
    string SocketPath => Path.Combine(_dir, "control.sock");
    ControlServer? _server;

    /// <summary>Echoes the request it got: the command and the reason as the server parsed them.</summary>
    string Echo(ControlRequest r)
    {
        _seen.Enqueue(r);
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WriteBoolean("ok", true);
            w.WriteString("command", r.Command);
            if (r.Reason is not null) w.WriteString("reason", r.Reason);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    ControlServer Start(Func<ControlRequest, string>? handler = null, TimeProvider? time = null) =>
        _server = new ControlServer(SocketPath, handler ?? Echo, Serilog.Core.Logger.None, time);

    public void Dispose()
    {
        _server?.Dispose();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    Socket Connect()
    {
        var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified) { ReceiveTimeout = 10_000, SendTimeout = 10_000 };
        s.Connect(new UnixDomainSocketEndPoint(SocketPath));
        return s;
    }

    /// <summary>Sends <paramref name="request"/> as it is and reads the answer line (or what came before the close).</summary>
    string Raw(byte[] request)
    {
        using var s = Connect();
        s.Send(request);
        return ReadAnswer(s);
    }

    string Raw(string request) => Raw(Encoding.UTF8.GetBytes(request));

    static string ReadAnswer(Socket s)
    {
        var buf = new byte[1 << 20];
        int n = 0;
        while (n < buf.Length)
        {
            int r = s.Receive(buf, n, buf.Length - n, SocketFlags.None);
            if (r == 0) break;
            n += r;
            if (buf.AsSpan(0, n).IndexOf((byte)'\n') >= 0) break;
        }
        return Encoding.UTF8.GetString(buf, 0, n).TrimEnd('\n');
    }

    static JsonElement Json(string line)
    {
        using var doc = JsonDocument.Parse(line);
        return doc.RootElement.Clone();
    }

    static bool Ok(string line) => Json(line).GetProperty("ok").GetBoolean();

    [Fact]
    public void A_request_line_reaches_the_handler_and_its_answer_comes_back_as_one_line()
    {
        Start();
        var answer = Json(Raw("{\"command\":\"status\"}\n"));
        Assert.True(answer.GetProperty("ok").GetBoolean());
        Assert.Equal("status", answer.GetProperty("command").GetString());

        answer = Json(Raw("{\"command\":\"engage\",\"reason\":\"desk: stop\"}\n"));
        Assert.Equal("engage", answer.GetProperty("command").GetString());
        Assert.Equal("desk: stop", answer.GetProperty("reason").GetString());

        answer = Json(Raw("{\"reason\":\"after maintenance\",\"command\":\"reset\"}\n"));
        Assert.Equal("reset", answer.GetProperty("command").GetString());
        Assert.Equal("after maintenance", answer.GetProperty("reason").GetString());
    }

    [Fact]
    public void An_unknown_command_is_passed_on_for_the_appliance_to_refuse()
    {
        Start();
        Assert.Equal("explode", Json(Raw("{\"command\":\"explode\"}\n")).GetProperty("command").GetString());
    }

    [Fact]
    public void A_request_without_a_final_newline_is_served_when_the_client_shuts_its_side()
    {
        Start();
        using var s = Connect();
        s.Send(Encoding.UTF8.GetBytes("{\"command\":\"status\"}"));
        s.Shutdown(SocketShutdown.Send);
        Assert.Equal("status", Json(ReadAnswer(s)).GetProperty("command").GetString());
    }

    [Theory]
    [InlineData("not json\n")]
    [InlineData("[\"status\"]\n")]
    [InlineData("{}\n")]
    [InlineData("{\"command\":1}\n")]
    [InlineData("{\"command\":null}\n")]
    [InlineData("{\"command\":\"status\",\"command\":\"reset\"}\n")]
    [InlineData("{\"command\":\"status\"\n")]
    [InlineData("\n")]
    [InlineData("\"status\"\n")]
    public void A_malformed_request_gets_an_error_line_and_reaches_no_handler(string request)
    {
        Start();
        var answer = Json(Raw(request));
        Assert.False(answer.GetProperty("ok").GetBoolean());
        Assert.False(string.IsNullOrEmpty(answer.GetProperty("error").GetString()));
        Assert.Empty(_seen);
        Assert.True(Ok(Raw("{\"command\":\"status\"}\n")), "the server keeps serving");
    }

    [Fact]
    public void Binary_junk_gets_an_error_line_and_the_server_keeps_serving()
    {
        Start();
        var junk = new byte[3000];
        new Random(7).NextBytes(junk);
        junk[^1] = (byte)'\n';
        var answer = Raw(junk);
        Assert.False(Ok(answer));
        Assert.Empty(_seen);
        Assert.True(Ok(Raw("{\"command\":\"status\"}\n")));
    }

    [Fact]
    public void A_request_longer_than_the_limit_is_refused_as_oversized_and_the_next_is_served()
    {
        Start();
        string big = "{\"command\":\"status\",\"pad\":\"" + new string('x', ControlServer.MaxRequestBytes) + "\"}\n";
        var answer = Json(Raw(big));
        Assert.False(answer.GetProperty("ok").GetBoolean());
        Assert.Contains("longer than", answer.GetProperty("error").GetString());
        Assert.Empty(_seen);
        Assert.True(Ok(Raw("{\"command\":\"status\"}\n")));
    }

    public static TheoryData<string> LongReasons => new() { new string('r', 5 * 1024), string.Concat(Enumerable.Repeat("€", 1500)), string.Concat(Enumerable.Repeat("a😀", 800)) };

    [Theory]
    [MemberData(nameof(LongReasons))]
    public void A_reason_of_any_length_engages_cut_to_the_limit_on_a_character_boundary(string reason)
    {
        Start();
        // As the CLI sends it: Utf8JsonWriter escapes every non-ASCII character (1,500 x "€" is 9,000 bytes on the wire).
        var answer = Json(ControlClient.Call(SocketPath, new ControlRequest("engage", reason), TimeSpan.FromSeconds(5)));
        Assert.True(answer.GetProperty("ok").GetBoolean());
        var got = Assert.Single(_seen);
        Assert.Equal("engage", got.Command);
        Assert.True(Encoding.UTF8.GetByteCount(got.Reason!) <= ControlRequest.MaxReasonBytes, $"{Encoding.UTF8.GetByteCount(got.Reason!)} bytes");
        Assert.EndsWith("…", got.Reason);
        Assert.StartsWith(got.Reason![..^1], reason, StringComparison.Ordinal); // a prefix: no half character, no replacement char
        Assert.DoesNotContain('\uFFFD', got.Reason);

        // A raw client that does not escape gets the same.
        _seen.Clear();
        Assert.True(Ok(Raw("{\"command\":\"engage\",\"reason\":\"" + reason + "\"}\n")));
        Assert.Equal(got.Reason, Assert.Single(_seen).Reason);
    }

    [Fact]
    public void A_reason_within_the_limit_is_kept_as_it_is()
    {
        Start();
        string reason = string.Concat(Enumerable.Repeat("€", ControlRequest.MaxReasonBytes / 3));
        Assert.True(Ok(Raw("{\"command\":\"engage\",\"reason\":\"" + reason + "\"}\n")));
        Assert.Equal(reason, Assert.Single(_seen).Reason);
    }

    static void Within(TimeSpan bound, TimeSpan took, string what) =>
        Assert.True(took < bound, $"{what} took {took.TotalMilliseconds:0.0} ms; bound {bound.TotalMilliseconds:0.0} ms");

    /// <summary>Round trip of one status request from connect to answer.</summary>
    TimeSpan Timed(string command = "status")
    {
        var sw = Stopwatch.StartNew();
        var line = Raw($"{{\"command\":\"{command}\"}}\n");
        sw.Stop();
        Assert.True(Ok(line), line);
        return sw.Elapsed;
    }

    /// <summary>
    /// How long a request may take while hostile clients are connected: derived from the round trip measured just
    /// before on the same machine (median of 5), with room for a loaded machine. Today's attacks cost 2 s or more.
    /// </summary>
    TimeSpan Prompt()
    {
        var base_ = Enumerable.Range(0, 5).Select(_ => Timed()).Order().ElementAt(2);
        return TimeSpan.FromTicks(Math.Max(base_.Ticks * 10, (base_ + TimeSpan.FromMilliseconds(300)).Ticks));
    }

    [Fact]
    public void A_client_trickling_one_byte_every_1_5_s_delays_nobody_and_is_cut_at_the_deadline()
    {
        Start();
        var prompt = Prompt();
        using var slow = Connect();
        var cut = new ManualResetEventSlim();
        var trickle = new Thread(() =>
        {
            try
            {
                foreach (byte b in "{\"command\":\"status\"}"u8.ToArray())
                {
                    slow.Send([b]);
                    if (cut.Wait(1500)) return;
                }
            }
            catch (SocketException) { }
        });
        trickle.Start();
        try
        {
            for (int i = 0; i < 5; i++) Within(prompt, Timed(), "status");
            Within(prompt, Timed("engage"), "engage");
            // The trickler is closed once its request deadline passes (2 s), long before it finishes (30 s).
            var sw = Stopwatch.StartNew();
            string rest = ReadAnswer(slow);
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), $"closed after {sw.Elapsed}");
            if (rest.Length > 0) Assert.False(Ok(rest));
        }
        finally
        {
            cut.Set();
            trickle.Join();
        }
    }

    [Fact]
    public void Thirty_idle_connections_delay_nobody()
    {
        Start();
        var prompt = Prompt();
        var idle = Enumerable.Range(0, 30).Select(_ => Connect()).ToList();
        try
        {
            Within(prompt, Timed(), "status");
            Within(prompt, Timed("engage"), "engage");
        }
        finally
        {
            idle.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public void Beyond_the_client_bound_the_oldest_connection_is_closed_and_the_newest_is_served()
    {
        Start();
        // Warm the eviction path first: under the JIT its first exception costs this process up to ~0.8 s on a busy
        // machine (type loading, stack trace), which is the test host's cost, not the server's.
        var warm = Enumerable.Range(0, ControlServer.MaxClients + 1).Select(_ => Connect()).ToList();
        Assert.Equal("", ReadAnswer(warm[0]));
        warm.ForEach(s => s.Dispose());
        var prompt = Prompt();
        var idle = Enumerable.Range(0, ControlServer.MaxClients).Select(_ => Connect()).ToList();
        try
        {
            Within(prompt, Timed(), "status");
            // The oldest idle connection made room: it reads the end of the stream.
            Assert.Equal("", ReadAnswer(idle[0]));
        }
        finally
        {
            idle.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public void A_request_not_complete_by_the_deadline_is_answered_with_an_error_and_closed()
    {
        var time = TestClock.New();
        Start(time: time);
        var prompt = Prompt();
        using var s = Connect();
        s.Send("{\"command\":"u8.ToArray());
        Within(prompt, Timed(), "status"); // the partial one is in the server's hands
        time.Advance(ControlServer.RequestDeadline);
        var answer = ReadAnswer(s);
        Assert.False(Ok(answer));
        Assert.Contains("deadline", Json(answer).GetProperty("error").GetString());
        Assert.DoesNotContain(_seen, r => r.Command != "status");
    }

    [Fact]
    public void A_request_that_was_read_is_answered_with_its_result_however_long_the_handler_took()
    {
        var time = TestClock.New();
        using var release = new ManualResetEventSlim();
        using var entered = new ManualResetEventSlim();
        Start(r =>
        {
            if (r.Command == "engage")
            {
                entered.Set();
                release.Wait(TimeSpan.FromSeconds(10)); // the state file's fsync on a busy disk
            }
            return Echo(r);
        }, time);
        using var s = Connect();
        s.Send("{\"command\":\"engage\",\"reason\":\"slow disk\"}\n"u8.ToArray());
        Assert.True(entered.Wait(TimeSpan.FromSeconds(5)));
        time.Advance(ControlServer.RequestDeadline + TimeSpan.FromSeconds(1)); // the deadline passes while it engages
        release.Set();
        var answer = ReadAnswer(s);
        Assert.True(Ok(answer), answer);
        Assert.Equal("engage", Json(answer).GetProperty("command").GetString());
    }

    [Fact]
    public async Task A_request_already_in_the_socket_is_read_even_when_the_server_gets_to_it_after_the_deadline()
    {
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(Path.Combine(_dir, "pair.sock")));
        listener.Listen(1);
        using var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        client.Connect(new UnixDomainSocketEndPoint(Path.Combine(_dir, "pair.sock")));
        using var server = listener.Accept();
        client.Send("{\"command\":\"engage\"}\n"u8.ToArray());
        var until = Stopwatch.StartNew();
        while (server.Available == 0 && until.Elapsed < TimeSpan.FromSeconds(5)) Thread.Yield(); // the bytes are in the kernel
        using var expired = new CancellationTokenSource();
        expired.Cancel(); // a starved pool ran this read after the deadline
        var (line, problem) = await ControlServer.ReadLineAsync(server, expired.Token);
        Assert.Null(problem);
        Assert.Equal("{\"command\":\"engage\"}", Encoding.UTF8.GetString(line.Span));

        using var idle = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        idle.Connect(new UnixDomainSocketEndPoint(Path.Combine(_dir, "pair.sock")));
        using var idleServer = listener.Accept();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await ControlServer.ReadLineAsync(idleServer, expired.Token)); // nothing there: the deadline holds
    }

    [Fact]
    public void Requests_are_served_concurrently_a_slow_handler_call_does_not_hold_the_next()
    {
        using var release = new ManualResetEventSlim();
        using var entered = new ManualResetEventSlim();
        Start(r =>
        {
            if (r.Command == "slow")
            {
                entered.Set();
                release.Wait(TimeSpan.FromSeconds(10));
            }
            return Echo(r);
        });
        var prompt = Prompt();
        string? slowAnswer = null;
        var slow = new Thread(() => slowAnswer = Raw("{\"command\":\"slow\"}\n"));
        slow.Start();
        Assert.True(entered.Wait(TimeSpan.FromSeconds(5)));
        try
        {
            Within(prompt, Timed("engage"), "engage");
        }
        finally
        {
            release.Set();
        }
        slow.Join();
        Assert.True(Ok(slowAnswer!));
    }

    [Fact]
    public void A_handler_that_throws_gets_an_error_answer_and_the_server_keeps_serving()
    {
        Start(r => r.Command == "status" ? throw new InvalidOperationException("status broke") : Echo(r));
        var answer = Json(Raw("{\"command\":\"status\"}\n"));
        Assert.False(answer.GetProperty("ok").GetBoolean());
        Assert.Contains("status broke", answer.GetProperty("error").GetString());
        Assert.True(Ok(Raw("{\"command\":\"engage\"}\n")));
    }

    [Fact]
    public void A_second_server_on_a_live_socket_is_refused_and_a_stale_socket_file_is_replaced()
    {
        Start();
        Assert.Throws<IOException>(() => new ControlServer(SocketPath, Echo, Serilog.Core.Logger.None));
        Assert.True(Ok(Raw("{\"command\":\"status\"}\n")), "the first server still serves");
        _server!.Dispose();
        _server = null;
        Assert.False(File.Exists(SocketPath), "a clean stop removes the socket file");

        // A socket file left by a killed daemon: a socket inode nobody listens on. (.NET unlinks the path of a socket
        // it bound when it is disposed, so the file is moved into place first.)
        string elsewhere = Path.Combine(_dir, "dead.sock");
        using (var dead = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            dead.Bind(new UnixDomainSocketEndPoint(elsewhere));
            File.Move(elsewhere, SocketPath);
        }
        Assert.True(File.Exists(SocketPath));
        Start();
        Assert.True(Ok(Raw("{\"command\":\"status\"}\n")));
    }
}
