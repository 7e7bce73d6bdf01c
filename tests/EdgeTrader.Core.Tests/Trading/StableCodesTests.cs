using EdgeTrader.Trading;
using EdgeTrader.Trading.Risk;

namespace EdgeTrader.Tests.Trading;

public class StableCodesTests
{
    [Fact]
    public void A_denial_code_without_a_name_throws_instead_of_borrowing_another_codes_name() =>
        Assert.ThrowsAny<ArgumentException>(() => DenialCodes.Code((DenialCode)DenialCodes.Count));

    [Fact]
    public void A_drop_reason_without_a_name_throws_instead_of_borrowing_another_reasons_name() =>
        Assert.ThrowsAny<ArgumentException>(() => TickDropReasons.Code((TickDropReason)TickDropReasons.Count));
}
