using System.Globalization;
using EdgeTrader.Tests.Cli;
using EdgeTrader.Tests.Transports.Mqtt.Support;

namespace EdgeTrader.Tests.Cluster;

/// <summary>
/// An engagement's identity through the AOT binary and a real Mosquitto: the counter never reaches what peers refuse
/// (a poisoned version-1 file), never goes back below what peers saw (a restored backup), an explicit MQTT engage of
/// an ENGAGED node is a new engagement, and an automatic one is not.
/// </summary>
public class EngagementIdentityTests
{
    static readonly TimeSpan Reach = TimeSpan.FromSeconds(30); // reconnect back-off is up to 5 s, on a loaded 2-core machine
    const string Prefix = "et/ident";

    static Daemon Node(MosquittoBroker broker, string name, string extra = "") =>
        new($"tcp://127.0.0.1:{Bin.FreePort()}", $"tcp://127.0.0.1:{Bin.FreePort()}", dryRun: true, node: name,
            mqtt: $$"""{ "enabled": true, "host": "127.0.0.1", "port": {{broker.Port}}, "topicPrefix": "{{Prefix}}", "keepAliveSeconds": 5{{extra}} }""");

    static string State(Daemon d) => d.Status().GetProperty("state").GetString()!;
    static string Engagement(Daemon d) => d.Status().GetProperty("engagement").GetString() ?? "";
    static bool MqttUp(Daemon d) => d.Status().GetProperty("links").GetProperty("mqtt").GetProperty("state").GetString() == "up";
    static string Port(MosquittoBroker b) => b.Port.ToString(CultureInfo.InvariantCulture);
    static void Cli(Daemon d, params string[] args) => Assert.Equal(0, Bin.Run([.. args, "--socket", d.Socket]).Exit);
    static string BreakerFile(Daemon d) => Path.Combine(d.Dir, "state", "breaker.json");

    static void Up(params Daemon[] nodes)
    {
        foreach (var d in nodes) d.Start();
        Assert.True(Bin.WaitFor(() => nodes.All(MqttUp), TimeSpan.FromSeconds(20)), "cluster did not connect");
    }

    [Fact]
    public void A_version_1_state_file_poisoned_at_the_largest_generation_migrates_and_its_first_engagement_reaches_a_peer()
    {
        using var broker = MosquittoBroker.Start();
        using var a = Node(broker, "a");
        using var b = Node(broker, "b");
        // What the old code wrote after the rogue retained {"state":"ENGAGED","generation":9007199254740991}.
        Directory.CreateDirectory(Path.GetDirectoryName(BreakerFile(a))!);
        File.WriteAllText(BreakerFile(a), """{"state":"SAFE","generation":0,"highestSeenGeneration":9007199254740991,"resetGeneration":0,"reason":"reset","source":"cli","since":"2026-11-21T10:00:00.123Z"}""");
        Up(a, b);
        Assert.Equal("SAFE", State(a));
        Assert.Equal("SAFE", State(b));

        Cli(a, "engage", "--reason", "first after the upgrade");
        Assert.True(Bin.WaitFor(() => State(b) == "ENGAGED", Reach),
            $"a's first engagement ({Engagement(a)}, counter {a.Status().GetProperty("counter")}) did not reach b: {b.Status()}");
        Assert.Equal(Engagement(a), Engagement(b));
        Assert.EndsWith(":1", Engagement(a));

        // And the state it saved reads back: a restart is not a corrupt file.
        a.Stop();
        a.Start();
        Assert.Equal("cli", a.Status().GetProperty("source").GetString());
        Assert.Equal(Engagement(b), Engagement(a));
    }

    [Fact]
    public void A_restored_older_state_file_under_a_newer_retained_own_state_does_not_reuse_an_identity_the_peer_dealt_with()
    {
        using var broker = MosquittoBroker.Start();
        using var a = Node(broker, "a");
        using var b = Node(broker, "b");
        Up(a, b);
        var backup = File.ReadAllBytes(BreakerFile(a)); // SAFE, counter 0: the backup

        Cli(a, "engage", "--reason", "after the backup");
        Assert.True(Bin.WaitFor(() => State(b) == "ENGAGED", Reach));
        var lost = Engagement(a);
        Cli(b, "reset", "--yes");
        Cli(a, "reset", "--yes");
        Assert.True(Bin.WaitFor(() => State(a) == "SAFE" && State(b) == "SAFE", TimeSpan.FromSeconds(5)));

        a.Stop();
        File.WriteAllBytes(BreakerFile(a), backup); // the backup is restored
        a.Start();
        Assert.True(Bin.WaitFor(() => MqttUp(a), TimeSpan.FromSeconds(20)));
        // The own engagement above the restored counter, read back from the broker, is a lost latch: it engages a.
        Assert.True(Bin.WaitFor(() => State(a) == "ENGAGED", Reach), a.Status().ToString());
        Assert.Equal(lost, Engagement(a));
        Assert.Equal("SAFE", State(b));

        Cli(a, "engage", "--reason", "a new stop");
        Assert.True(Bin.WaitFor(() => State(b) == "ENGAGED", Reach),
            $"a's new engagement {Engagement(a)} (the lost one was {lost}) did not stop b, which had dealt with {lost}");
        Assert.NotEqual(lost, Engagement(a));
        Assert.Equal(Engagement(a), Engagement(b));
    }

    [Fact]
    public async Task An_MQTT_engage_of_an_engaged_node_makes_a_peer_that_reset_since_engage_again()
    {
        // b may not read the engage topic: it learns of the command only through a's state.
        var dir = Directory.CreateTempSubdirectory("et-ident-").FullName;
        var users = new Dictionary<string, string> { ["a"] = "pa", ["b"] = "pb", ["desk"] = "pd" };
        foreach (var (u, p) in users) File.WriteAllText(Path.Combine(dir, u), p + "\n");
        using var broker = MosquittoBroker.Start(users, acl: $"""
            user a
            topic readwrite {Prefix}/#
            user b
            topic readwrite {Prefix}/nodes/#
            user desk
            topic readwrite {Prefix}/#
            """);
        string Creds(string u) => $$""", "username": "{{u}}", "passwordFile": "{{Path.Combine(dir, u)}}" """;
        using var a = Node(broker, "a", Creds("a"));
        using var b = Node(broker, "b", Creds("b"));
        Up(a, b);

        async Task EngageOverMqtt(string reason)
        {
            var pub = await MqttCli.Run("mosquitto_pub", ["-h", "127.0.0.1", "-p", Port(broker), "-u", "desk", "-P", "pd",
                "-q", "1", "-t", $"{Prefix}/killswitch/engage", "-m", $$"""{"reason":"{{reason}}"}"""]);
            Assert.Equal(0, pub.ExitCode);
        }

        await EngageOverMqtt("desk stop");
        Assert.True(Bin.WaitFor(() => State(a) == "ENGAGED" && State(b) == "ENGAGED", Reach));
        var first = Engagement(a);
        Assert.Equal(first, Engagement(b)); // b adopted a's: it never got the command itself
        Cli(b, "reset", "--yes");
        Assert.Equal("SAFE", State(b));

        await EngageOverMqtt("desk stop again");
        Assert.True(Bin.WaitFor(() => Engagement(a) != first, Reach), "the MQTT engage did not renew a's engagement");
        Assert.Equal("mqtt", a.Status().GetProperty("source").GetString());
        Assert.True(Bin.WaitFor(() => State(b) == "ENGAGED", Reach), "the renewed engagement did not stop b again");
        Assert.Equal(Engagement(a), Engagement(b));
        try { Directory.Delete(dir, true); } catch (IOException) { }
    }

    [Fact]
    public void An_automatic_engage_of_an_engaged_node_publishes_no_new_engagement_and_a_peer_that_reset_stays_SAFE()
    {
        using var broker = MosquittoBroker.Start();
        int isolation = Bin.Scaled(1500);
        using var a = Node(broker, "a", $", \"engageOnIsolationMs\": {isolation}");
        using var b = Node(broker, "b");
        Up(a, b);
        Cli(a, "engage", "--reason", "desk");
        Assert.True(Bin.WaitFor(() => State(b) == "ENGAGED", Reach));
        var first = Engagement(a);
        Cli(b, "reset", "--yes");

        // Cut off from the broker for longer than engageOnIsolationMs: the isolation rule engages a again (automatic).
        broker.Kill();
        var log = Path.Combine(a.Dir, "log");
        Assert.True(Bin.WaitFor(() => Directory.Exists(log) && Directory.GetFiles(log).SelectMany(ReadShared).Any(l => l.Contains("cut off from the MQTT broker", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(30)), "the isolation rule did not fire");
        Assert.Equal(first, Engagement(a));
        Assert.Equal("cli", a.Status().GetProperty("source").GetString());

        broker.Restart();
        Assert.True(Bin.WaitFor(() => MqttUp(a) && MqttUp(b), Reach), "the nodes did not reconnect");
        // a published its state again at the reconnect, and b read it: still the engagement b dealt with.
        Assert.False(Bin.WaitFor(() => State(b) == "ENGAGED", TimeSpan.FromSeconds(3)), $"b engaged again: {b.Status()}");
        Assert.Equal(first, Engagement(a));
    }

    static IEnumerable<string> ReadShared(string path)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var r = new StreamReader(fs);
        var lines = new List<string>();
        while (r.ReadLine() is { } l) lines.Add(l);
        return lines;
    }
}
