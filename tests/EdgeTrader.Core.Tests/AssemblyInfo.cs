// The code under test is Linux-only (EdgeTrader.Core declares the same); without this every call is CA1416.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
