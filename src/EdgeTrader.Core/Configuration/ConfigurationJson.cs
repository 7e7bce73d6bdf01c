using System.Text.Json.Serialization;

namespace EdgeTrader.Configuration;

/// <summary>Source-generated binding of the configuration file: no reflection, trims and AOT-compiles cleanly.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    WriteIndented = true)]
[JsonSerializable(typeof(EdgeTraderOptions))]
internal sealed partial class ConfigurationJson : JsonSerializerContext;
