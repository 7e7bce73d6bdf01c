using System.Reflection;
using EdgeTrader.Panel.Contract;

namespace EdgeTrader.Tests.Panel.Contract;

/// <summary>
/// The panel driver contract (<see cref="GpioDriverContract"/>), one test per rule, as dotnet/iot's
/// GpioControllerTestBase: a derived class per driver supplies the bench. The uAPI driver's run is in the gpio-sim VM
/// (<c>edgetrader selftest gpio-driver</c> from tests/vm/checks.sh), from the same rules.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public abstract class GpioDriverContractTests
{
    protected abstract IGpioContractRig CreateRig();

    void Check(Action<IGpioContractRig> rule)
    {
        using var rig = CreateRig();
        rule(rig);
    }

    [Fact] public void An_input_reads_the_level_it_had_before_it_was_opened() => Check(GpioDriverContract.InputReadsTheLevelItHadBeforeItWasOpened);
    [Fact] public void Every_edge_reaches_the_callback_with_its_pin_and_direction() => Check(GpioDriverContract.EveryEdgeReachesTheCallbackWithItsPinAndDirection);
    [Fact] public void Edges_carry_a_monotonic_stamp_taken_when_they_happened() => Check(GpioDriverContract.EdgesCarryAMonotonicStampTakenWhenTheyHappened);
    [Fact] public void A_callback_sees_only_the_edge_types_it_asked_for() => Check(GpioDriverContract.ACallbackSeesOnlyTheEdgeTypesItAskedFor);
    [Fact] public void No_callback_after_it_is_unregistered() => Check(GpioDriverContract.NoCallbackAfterItIsUnregistered);
    [Fact] public void An_output_opened_low_or_high_shows_that_level_at_once() => Check(GpioDriverContract.AnOutputOpenedLowOrHighShowsThatLevelAtOnce);
    [Fact] public void A_written_output_is_on_the_line_and_reads_back() => Check(GpioDriverContract.AWrittenOutputIsOnTheLineAndReadsBack);
    [Fact] public void Wait_for_event_returns_on_an_edge_and_times_out_without_one() => Check(GpioDriverContract.WaitForEventReturnsOnAnEdgeAndTimesOutWithoutOne);
    [Fact] public void No_callback_after_the_controller_is_disposed() => Check(GpioDriverContract.NoCallbackAfterTheControllerIsDisposed);

    [Fact]
    public void Every_rule_of_the_contract_has_a_test_here()
    {
        int facts = typeof(GpioDriverContractTests).GetMethods(BindingFlags.Public | BindingFlags.Instance)
            .Count(m => m.GetCustomAttribute<FactAttribute>() is not null && m.Name != nameof(Every_rule_of_the_contract_has_a_test_here));
        Assert.Equal(GpioDriverContract.All.Count, facts);
    }
}

/// <summary>The contract against the sim driver.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SimGpioDriverContractTests : GpioDriverContractTests
{
    protected override IGpioContractRig CreateRig() => new SimContractRig();
}
