using System.Reflection;
using EdgeTrader.Configuration;
using EdgeTrader.Transports;

namespace EdgeTrader.Tests.Transports;

/// <summary>
/// A contract suite proves something only for the implementations that run it: every transport in EdgeTrader.Core runs
/// the tick-feed and gateway-link suites, and every ZeroMQ transport <c>bridge.transport</c> can name runs the peer-loss
/// suite. A new transport, or a suite's test class dropped, renamed out of xunit's sight or pointed at the wrong
/// transport, fails here.
/// </summary>
public sealed class TransportContractCoverageTests
{
    /// <summary>The transports each runnable test class of <paramref name="suite"/> exercises (by creating one).</summary>
    static HashSet<Type> Covered(Type suite, Func<object, Type> underTest)
    {
        var covered = new HashSet<Type>();
        foreach (var c in typeof(TransportContractCoverageTests).Assembly.GetTypes().Where(t => t.IsSubclassOf(suite)))
        {
            // xunit runs the inherited facts of a public, concrete class with a public parameterless constructor.
            Assert.True(c is { IsAbstract: false } && (c.IsPublic || c.IsNestedPublic) && c.GetConstructor(Type.EmptyTypes) is not null,
                $"{c.Name} derives from {suite.Name} but xunit would not run it");
            var instance = Activator.CreateInstance(c)!;
            try
            {
                Assert.True(covered.Add(underTest(instance)), $"{c.Name} runs {suite.Name} against a transport another class already covers");
            }
            finally
            {
                (instance as IDisposable)?.Dispose();
            }
        }
        return covered;
    }

    static HashSet<Type> Transports() => typeof(ITradingTransport).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(ITradingTransport).IsAssignableFrom(t)).ToHashSet();

    static string Names(IEnumerable<Type> types) => string.Join(", ", types.Select(t => t.Name).Order(StringComparer.Ordinal));

    [Fact]
    public void Every_transport_runs_the_tick_feed_and_the_gateway_link_suites()
    {
        var all = Transports();
        Assert.NotEmpty(all);
        foreach (var (suite, underTest) in new (Type, Func<object, Type>)[]
                 {
                     (typeof(TickFeedContractTests), o => ((TickFeedContractTests)o).TransportUnderTest()),
                     (typeof(GatewayLinkContractTests), o => ((GatewayLinkContractTests)o).TransportUnderTest()),
                 })
        {
            var covered = Covered(suite, underTest);
            Assert.True(all.SetEquals(covered), $"{suite.Name}: transports {Names(all)}; run against {Names(covered)}");
        }
    }

    [Fact]
    public void Every_zeromq_transport_the_configuration_can_name_runs_the_peer_loss_suite()
    {
        var kinds = Enum.GetValues<ZmqTransportKind>().Select(k =>
        {
            using var t = ZmqTransports.Create(new BridgeOptions { Ticks = Loopback.Endpoint(), Transport = k }, new GatewayOptions { Endpoint = Loopback.Endpoint() });
            return t.GetType();
        }).ToHashSet();
        Assert.True(kinds.Count == Enum.GetValues<ZmqTransportKind>().Length, $"two bridge.transport values give the same transport: {Names(kinds)}");
        var covered = Covered(typeof(ZmqPeerLossTests), o => ((ZmqPeerLossTests)o).TransportUnderTest());
        Assert.True(kinds.SetEquals(covered), $"bridge.transport gives {Names(kinds)}; the peer-loss suite runs against {Names(covered)}");
    }

    [Fact]
    public void Each_suite_has_facts_that_every_derived_class_inherits()
    {
        foreach (var suite in new[] { typeof(TickFeedContractTests), typeof(GatewayLinkContractTests), typeof(ZmqPeerLossTests) })
        {
            var facts = suite.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                .Where(m => m.GetCustomAttributes<FactAttribute>().Any()).ToList();
            Assert.NotEmpty(facts);
            Assert.All(facts, m => Assert.True(!m.IsVirtual && m.GetCustomAttribute<FactAttribute>()!.Skip is null,
                $"{suite.Name}.{m.Name} can be overridden or is skipped: some implementation might not run it"));
        }
    }
}
