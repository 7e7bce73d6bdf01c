using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EdgeTrader.Configuration;

namespace EdgeTrader.Transports.Mqtt;

/// <summary>The Last Will: published by the broker when the connection ends without a DISCONNECT.</summary>
internal sealed record MqttWill(string Topic, byte[] Payload, bool Retain);

/// <summary>
/// TLS towards the broker. <paramref name="TrustedCas"/> null: the system's trust store; otherwise only these CAs
/// (<c>mqtt.caFile</c>). The broker's name is always checked against <see cref="MqttConnectSettings.Host"/>.
/// </summary>
internal sealed record MqttTlsSettings(X509Certificate2Collection? TrustedCas, X509Certificate2? ClientCertificate);

/// <summary>Everything one connection attempt needs, read once at start (files included), so retrying reads nothing.</summary>
internal sealed record MqttConnectSettings(
    string Host,
    int Port,
    string ClientId,
    bool CleanSession,
    int KeepAliveSeconds,
    string? Username = null,
    string? Password = null,
    MqttTlsSettings? Tls = null,
    MqttWill? Will = null)
{
    /// <summary>
    /// The mirror's settings from <c>mqtt.*</c>: persistent session (clean session off), the password from the first line
    /// of <c>mqtt.passwordFile</c>, TLS when <c>mqtt.caFile</c> or <c>mqtt.certFile</c> is set. Throws
    /// <see cref="InvalidOperationException"/> naming the key and the file when a file cannot be used: a configuration
    /// fault that retrying would not fix.
    /// </summary>
    public static MqttConnectSettings FromOptions(MqttOptions o, string clientId, MqttWill will) => new(
        o.Host, o.Port, clientId, CleanSession: false, o.KeepAliveSeconds,
        Username: o.Username.Length > 0 ? o.Username : null,
        Password: o.Username.Length > 0 ? ReadPassword(o.PasswordFile) : null,
        Tls: o.CaFile.Length > 0 || o.CertFile.Length > 0 ? ReadTls(o) : null,
        Will: will);

    static string? ReadPassword(string file)
    {
        if (file.Length == 0) return null;
        try
        {
            return (File.ReadLines(file).FirstOrDefault() ?? "").TrimEnd('\r', '\n');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"mqtt.passwordFile: cannot read {file}: {ex.Message}", ex);
        }
    }

    static MqttTlsSettings ReadTls(MqttOptions o)
    {
        X509Certificate2Collection? cas = null;
        if (o.CaFile.Length > 0)
        {
            cas = new X509Certificate2Collection();
            try
            {
                cas.ImportFromPemFile(o.CaFile);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
            {
                throw new InvalidOperationException($"mqtt.caFile: cannot read {o.CaFile}: {ex.Message}", ex);
            }
            if (cas.Count == 0) throw new InvalidOperationException($"mqtt.caFile: {o.CaFile} holds no PEM certificate");
        }
        X509Certificate2? client = null;
        if (o.CertFile.Length > 0)
        {
            if (o.KeyFile.Length == 0) throw new InvalidOperationException("mqtt.keyFile: required with mqtt.certFile (the client certificate's private key, PEM, not encrypted)");
            try
            {
                client = X509Certificate2.CreateFromPemFile(o.CertFile, o.KeyFile);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
            {
                throw new InvalidOperationException($"mqtt.certFile/mqtt.keyFile: cannot use {o.CertFile} with {o.KeyFile}: {ex.Message}", ex);
            }
        }
        return new MqttTlsSettings(cas, client);
    }
}
