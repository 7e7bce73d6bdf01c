#!/usr/bin/env bash
# The HTTP surfaces' costs, rerunnable:
#   scripts/bench-web.sh [--ticks N] [--runs N] [--stacks]
# 1. the AOT binary's size;
# 2. the tick path with the metrics on (tick -> order histogram recorded per order, /metrics rendered on another
#    thread meanwhile): throughput and bytes allocated per tick on the tick thread (`edgetrader bench-tick`);
# 3. tick -> order latency and engage round trips while the HTTP surfaces are flooded (1,000 concurrent connections,
#    slow heads, huge heads, wrong tokens), against a quiet phase of the same run (the e2e test AbuseTests, which
#    writes artifacts/e2e/web/abuse.txt);
# 4. with --stacks: the size each candidate HTTP stack adds to a NativeAOT binary (Kestrel, HttpListener, raw sockets,
#    System.Diagnostics.Metrics), built in a temporary directory.
# Numbers taken while other builds run are provisional: the script prints the load average.
set -euo pipefail
cd "$(dirname "$0")/.."
ticks=5000000; runs=3; stacks=0
while [ $# -gt 0 ]; do
  case "$1" in
    --ticks) ticks="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --stacks) stacks=1; shift ;;
    *) echo "bench-web.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -x artifacts/linux-x64/edgetrader ] || ./build-aot.sh
bin=artifacts/linux-x64/edgetrader
echo "machine: $(nproc) vCPU, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -r); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== binary: $(stat -c %s "$bin") bytes ($("$bin" --version))"

echo "== tick path with metrics (bench-tick)"
"$bin" bench-tick --ticks "$ticks" --runs "$runs" | grep -E "benchmark|every-tick|last run"

echo "== flood of the HTTP surfaces while trading (e2e AbuseTests)"
EDGETRADER_BIN="$PWD/$bin" dotnet test tests/EdgeTrader.Tests --filter "FullyQualifiedName~AbuseTests" -nologo -v q >/dev/null 2>&1 || echo "(the abuse test failed: see dotnet test output)"
cat artifacts/e2e/web/abuse.txt
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

if [ "$stacks" = 1 ]; then
  echo "== size added to a NativeAOT binary by each HTTP/metrics stack (hello-world baseline with sockets and JSON)"
  tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
  cat > "$tmp/common.props" <<'P'
<Project><PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net9.0</TargetFramework><Nullable>enable</Nullable>
<ImplicitUsings>enable</ImplicitUsings><PublishAot>true</PublishAot><StripSymbols>true</StripSymbols><InvariantGlobalization>true</InvariantGlobalization>
<UseSystemResourceKeys>true</UseSystemResourceKeys><EventSourceSupport>false</EventSourceSupport></PropertyGroup></Project>
P
  base='var u = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified); u.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint("/tmp/bw-" + Environment.ProcessId)); using var ms = new MemoryStream(); using (var w = new System.Text.Json.Utf8JsonWriter(ms)) { w.WriteStartObject(); w.WriteEndObject(); } Console.WriteLine(ms.Length);'
  declare -A body sdk
  body[base]="$base"
  body[raw-sockets]="$base var l = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp); l.Bind(System.Net.IPEndPoint.Parse(\"127.0.0.1:0\")); l.Listen(8); l.Blocking = false; var r = new List<System.Net.Sockets.Socket> { l }; System.Net.Sockets.Socket.Select(r, null, null, 1000); if (r.Count > 0) { var c = l.Accept(); var b = new byte[8192]; int n = c.Receive(b); c.Send(System.Text.Encoding.ASCII.GetBytes(\"HTTP/1.1 200 OK\r\nContent-Length: \" + n + \"\r\n\r\n\")); }"
  body[httplistener]="$base var h = new System.Net.HttpListener(); h.Prefixes.Add(\"http://127.0.0.1:9999/\"); h.Start(); var ctx = h.GetContext(); ctx.Response.OutputStream.Write(System.Text.Encoding.UTF8.GetBytes(ctx.Request.Headers[\"Authorization\"] ?? \"\")); ctx.Response.Close();"
  body[kestrel]="$base var b = WebApplication.CreateSlimBuilder(args); var app = b.Build(); app.MapGet(\"/metrics\", (HttpContext c) => Results.Text(c.Request.Headers.Authorization.ToString())); app.Run(\"http://127.0.0.1:9998\");"
  body[diagnostics-metrics]="$base var m = new System.Diagnostics.Metrics.Meter(\"e\"); var c = m.CreateCounter<long>(\"c\"); var h = m.CreateHistogram<double>(\"h\"); using var li = new System.Diagnostics.Metrics.MeterListener(); long t = 0; li.InstrumentPublished = (i, l) => l.EnableMeasurementEvents(i); li.SetMeasurementEventCallback<long>((i, v, tg, s) => t += v); li.SetMeasurementEventCallback<double>((i, v, tg, s) => t++); li.Start(); c.Add(1); h.Record(1); Console.WriteLine(t);"
  sdk[kestrel]="Microsoft.NET.Sdk.Web"
  baseline=0
  for n in base raw-sockets httplistener diagnostics-metrics kestrel; do
    mkdir -p "$tmp/$n"
    echo "<Project Sdk=\"${sdk[$n]:-Microsoft.NET.Sdk}\"><Import Project=\"../common.props\" /></Project>" > "$tmp/$n/$n.csproj"
    echo "${body[$n]}" > "$tmp/$n/Program.cs"
    if (cd "$tmp/$n" && dotnet publish -c Release -r linux-x64 -o out -nologo -v q >/dev/null 2>&1); then
      size=$(stat -c %s "$tmp/$n/out/$n")
      [ "$n" = base ] && baseline=$size
      printf '  %-20s %9d bytes  (+%d KiB over the baseline)\n' "$n" "$size" $(( (size - baseline) / 1024 ))
    else
      echo "  $n: publish failed (a package missing from the feed?)"
    fi
  done
fi
