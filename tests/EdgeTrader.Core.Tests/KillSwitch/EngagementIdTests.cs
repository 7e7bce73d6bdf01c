using EdgeTrader.KillSwitch;

namespace EdgeTrader.Tests.KillSwitch;

/// <summary>An engagement's identity is read exactly as it is written: anything else names no engagement.</summary>
public sealed class EngagementIdTests
{
    static readonly string Node64 = new('n', 64);
    const string Inc = "0123456789abcdef";

    [Theory]
    [InlineData("pi-1:0123456789abcdef:7", "pi-1", 7L)]
    [InlineData("a_B-9:0123456789abcdef:1", "a_B-9", 1L)]
    [InlineData("x:0000000000000000:3", "x", 3L)] // a v1 peer's engagement, relayed: it must read back
    [InlineData("x:0123456789abcdef:9007199254740991", "x", EngagementId.MaxSeq)]
    [InlineData("x:0123456789abcdef:1000000000000000", "x", 1_000_000_000_000_000L)] // 16 digits
    public void What_ToString_writes_parses_back(string text, string origin, long seq)
    {
        Assert.True(EngagementId.TryParse(text, out var id));
        Assert.Equal(origin, id.Origin);
        Assert.Equal(seq, id.Seq);
        Assert.Equal(text, id.ToString());
    }

    [Fact]
    public void The_longest_identity_parses()
    {
        var text = $"{Node64}:{Inc}:9007199254740991";
        Assert.Equal(64 + 1 + 16 + 1 + 16, text.Length);
        Assert.True(EngagementId.TryParse(text, out var id));
        Assert.Equal(new EngagementId(Node64, Inc, EngagementId.MaxSeq), id);
    }

    public static TheoryData<string?> NotAnIdentity => new()
    {
        null,
        "",
        "x",
        "x:0123456789abcdef",
        ":0123456789abcdef:1",
        "x::1",
        "x:0123456789abcdef:",
        "x:0123456789abcdef:0",
        "x:0123456789abcdef:01",
        "x:0123456789abcdef:+1",
        "x:0123456789abcdef:-1",
        "x:0123456789abcdef:1a",
        "x:0123456789abcdef:1:2",
        "x:0123456789abcdef: 1",
        "x:0123456789abcdef:9007199254740992",
        "x:0123456789abcdef:10000000000000000", // 17 digits
        "x:0123456789ABCDEF:1",
        "x:0123456789abcdeg:1",
        "x:0123456789abcde:1",
        "x:0123456789abcdef0:1",
        "a.b:0123456789abcdef:1",
        "x y:0123456789abcdef:1",
        "x:0123456789abcdef:1\n",
        "١:0123456789abcdef:1", // a non-ASCII digit is no node name character
        "x:0123456789abcdef:١", // nor a counter digit
        new string('n', 65) + ":0123456789abcdef:1",
    };

    [Theory]
    [MemberData(nameof(NotAnIdentity))]
    public void Anything_ToString_would_not_write_is_refused(string? text)
    {
        Assert.False(EngagementId.TryParse(text, out var id));
        Assert.Equal(default, id);
    }

    [Theory]
    [InlineData("a", true)]
    [InlineData("pi-1", true)]
    [InlineData("A_z-0", true)]
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("a b", false)]
    [InlineData("a.b", false)]
    [InlineData("a/b", false)]
    [InlineData("a+", false)]
    [InlineData("é", false)]
    public void A_node_name_is_1_to_64_letters_digits_dashes_or_underscores(string? name, bool valid)
    {
        Assert.Equal(valid, EngagementId.IsValidNode(name));
    }

    [Fact]
    public void A_node_name_of_64_characters_is_valid_and_of_65_is_not()
    {
        Assert.True(EngagementId.IsValidNode(Node64));
        Assert.False(EngagementId.IsValidNode(Node64 + "n"));
    }

    [Theory]
    [InlineData("0123456789abcdef", true)]
    [InlineData("0000000000000000", true)]
    [InlineData("ffffffffffffffff", true)]
    [InlineData("0123456789ABCDEF", false)]
    [InlineData("0123456789abcdeg", false)]
    [InlineData("0123456789abcde", false)]
    [InlineData("0123456789abcdef0", false)]
    [InlineData("0123456789abcde/", false)]
    [InlineData("0123456789abcde:", false)]
    [InlineData("0123456789abcde`", false)]
    [InlineData(null, false)]
    public void An_incarnation_is_16_lower_case_hex_digits(string? s, bool valid)
    {
        Assert.Equal(valid, EngagementId.IsValidIncarnation(s));
    }

    [Fact]
    public void A_new_incarnation_is_valid_random_and_never_the_legacy_one()
    {
        var a = EngagementId.NewIncarnation();
        var b = EngagementId.NewIncarnation();
        Assert.True(EngagementId.IsValidIncarnation(a));
        Assert.NotEqual(EngagementId.LegacyIncarnation, a);
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void Only_the_all_zero_incarnation_is_legacy()
    {
        Assert.True(new EngagementId("x", EngagementId.LegacyIncarnation, 1).IsLegacy);
        Assert.False(new EngagementId("x", Inc, 1).IsLegacy);
    }

    [Fact]
    public void A_node_identity_names_its_latest_own_engagement_and_the_next_one()
    {
        var none = new NodeIdentity("me", Inc, 0);
        Assert.Null(none.Latest);
        Assert.Equal(new EngagementId("me", Inc, 1), none.Next);
        var some = new NodeIdentity("me", Inc, 4);
        Assert.Equal(new EngagementId("me", Inc, 4), some.Latest);
        Assert.Equal(new EngagementId("me", Inc, 5), some.Next);
    }
}
