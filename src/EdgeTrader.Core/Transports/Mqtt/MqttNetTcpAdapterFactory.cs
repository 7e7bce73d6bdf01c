using MQTTnet;
using MQTTnet.Adapter;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Formatter;
using MQTTnet.Implementations;

namespace EdgeTrader.Transports.Mqtt;

/// <summary>
/// MQTTnet's channel for TCP (and TLS over it) only. MQTTnet's own factory also reaches its WebSocket channel, which
/// pulls the WebSocket and HTTP client stacks into the NativeAOT binary although the mirror never uses them.
/// </summary>
internal sealed class MqttNetTcpAdapterFactory : IMqttClientAdapterFactory
{
    public IMqttChannelAdapter CreateClientAdapter(MqttClientOptions options, MqttPacketInspector packetInspector, IMqttNetLogger logger)
    {
        if (options.ChannelOptions is not MqttClientTcpOptions) throw new NotSupportedException("the MQTT mirror connects over TCP only");
        var formatter = new MqttPacketFormatterAdapter(options.ProtocolVersion, new MqttBufferWriter(options.WriterBufferSize, options.WriterBufferSizeMax));
        return new MqttChannelAdapter(new MqttTcpChannel(options), formatter, logger)
        {
            AllowPacketFragmentation = options.AllowPacketFragmentation,
            PacketInspector = packetInspector,
        };
    }
}
