using EdgeTrader.Configuration;

namespace EdgeTrader.Tests.Configuration;

public class HttpOptionsTests
{
    static ConfigException Fails(string json) => Assert.Throws<ConfigException>(() => ConfigLoader.Parse(json));

    [Fact]
    public void The_defaults_serve_loopback_only_without_the_book()
    {
        var o = ConfigLoader.Parse("{}");
        Assert.True(o.Http.Enabled);
        Assert.Equal("127.0.0.1:9464", o.Http.Listen);
        Assert.False(o.Http.ShowTrading);
        Assert.Equal("", o.Http.TokenFile);
    }

    [Theory]
    [InlineData("{\"http\":{\"listen\":\"localhost:9464\"}}", "http.listen")]
    [InlineData("{\"http\":{\"listen\":\"127.0.0.1\"}}", "http.listen")]
    [InlineData("{\"http\":{\"listen\":\"127.0.0.1:70000\"}}", "http.listen")]
    [InlineData("{\"http\":{\"listen\":\"::1:9464\"}}", "http.listen")]
    [InlineData("{\"http\":{\"maxConnections\":0}}", "http.maxConnections")]
    [InlineData("{\"http\":{\"requestsPerSecond\":0}}", "http.requestsPerSecond")]
    [InlineData("{\"http\":{\"tokenFile\":\"/nonexistent/token\"}}", "http.tokenFile")]
    [InlineData("{\"http\":{\"showTraading\":true}}", "http.showTraading")]
    [InlineData("{\"http\":null}", "http")]
    public void Invalid_http_values_name_the_key(string json, string key)
    {
        Assert.Contains(Fails(json).Errors, e => e.Key == key);
    }

    [Fact]
    public void A_short_token_is_refused_naming_the_key()
    {
        var f = Path.GetTempFileName();
        try
        {
            File.WriteAllText(f, "short\n");
            var e = Assert.Single(Fails($"{{\"http\":{{\"tokenFile\":\"{f}\"}}}}").Errors);
            Assert.Equal("http.tokenFile", e.Key);
            Assert.Contains("shorter than 16", e.Reason);
        }
        finally { File.Delete(f); }
    }

    [Fact]
    public void A_disabled_server_is_not_validated_further()
    {
        Assert.False(ConfigLoader.Parse("{\"http\":{\"enabled\":false,\"listen\":\"nonsense\"}}").Http.Enabled);
    }

    [Theory]
    [InlineData("127.0.0.1:9464", "127.0.0.1", 9464)]
    [InlineData("0.0.0.0:0", "0.0.0.0", 0)]
    [InlineData("[::1]:9464", "::1", 9464)]
    public void Listen_addresses_parse(string text, string ip, int port)
    {
        Assert.True(HttpOptions.TryParseListen(text, out var ep));
        Assert.Equal(ip, ep.Address.ToString());
        Assert.Equal(port, ep.Port);
    }
}
