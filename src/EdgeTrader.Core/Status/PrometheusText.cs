using System.Globalization;
using System.Text;
using EdgeTrader.Health;

namespace EdgeTrader.Status;

/// <summary>
/// Writes the Prometheus text exposition format (version 0.0.4): one <c># HELP</c>/<c># TYPE</c> pair per family,
/// then its samples. Label values and help texts are escaped, so free text (a breaker reason, a symbol) cannot
/// break the format. Not thread-safe: one scrape renders into one writer.
/// </summary>
public sealed class PrometheusText
{
    /// <summary>The Content-Type of this format.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    readonly StringBuilder _sb = new(16 * 1024);
    readonly HashSet<string> _families = new(StringComparer.Ordinal);

    /// <summary>Starts a family. Each name may be started once; its samples follow.</summary>
    public PrometheusText Family(string name, string type, string help)
    {
        if (!IsValidName(name)) throw new ArgumentException($"'{name}' is not a Prometheus metric name", nameof(name));
        if (type is not ("counter" or "gauge" or "histogram" or "untyped")) throw new ArgumentException($"unknown metric type {type}", nameof(type));
        if (!_families.Add(name)) throw new InvalidOperationException($"metric family {name} written twice");
        _sb.Append("# HELP ").Append(name).Append(' ');
        AppendEscaped(help, quotes: false);
        _sb.Append('\n').Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
        return this;
    }

    /// <summary>A sample without labels.</summary>
    public PrometheusText Sample(string name, double value)
    {
        _sb.Append(name).Append(' ');
        AppendValue(value);
        return this;
    }

    /// <summary>A sample with one label.</summary>
    public PrometheusText Sample(string name, string label, string labelValue, double value)
    {
        _sb.Append(name).Append('{');
        Label(label, labelValue);
        _sb.Append("} ");
        AppendValue(value);
        return this;
    }

    /// <summary>A sample with labels given as name/value pairs.</summary>
    public PrometheusText Sample(string name, ReadOnlySpan<(string Name, string Value)> labels, double value)
    {
        _sb.Append(name);
        if (labels.Length > 0)
        {
            _sb.Append('{');
            for (int i = 0; i < labels.Length; i++)
            {
                if (i > 0) _sb.Append(',');
                Label(labels[i].Name, labels[i].Value);
            }
            _sb.Append('}');
        }
        _sb.Append(' ');
        AppendValue(value);
        return this;
    }

    /// <summary>A histogram family (buckets, sum, count) from one coherent reading.</summary>
    public PrometheusText Histogram(string name, string help, LatencyHistogram.Reading r)
    {
        Family(name, "histogram", help);
        long cumulative = 0;
        for (int i = 0; i < r.Counts.Length; i++)
        {
            cumulative += r.Counts[i];
            string le = i < r.UpperBounds.Length ? Format(r.UpperBounds[i]) : "+Inf";
            Sample(name + "_bucket", "le", le, cumulative);
        }
        Sample(name + "_sum", r.SumSeconds);
        Sample(name + "_count", r.Count);
        return this;
    }

    /// <summary>The exposition so far.</summary>
    public override string ToString() => _sb.ToString();

    /// <summary>The exposition as UTF-8.</summary>
    public byte[] ToUtf8() => Encoding.UTF8.GetBytes(_sb.ToString());

    /// <summary>A number as the format writes it: shortest round-trip, <c>+Inf</c>, <c>-Inf</c>, <c>NaN</c>.</summary>
    public static string Format(double v) =>
        double.IsNaN(v) ? "NaN" :
        double.IsPositiveInfinity(v) ? "+Inf" :
        double.IsNegativeInfinity(v) ? "-Inf" :
        v.ToString("R", CultureInfo.InvariantCulture).Replace('E', 'e'); // Go's form: 1e-05

    /// <summary>True for a valid metric name (<c>[a-zA-Z_:][a-zA-Z0-9_:]*</c>).</summary>
    public static bool IsValidName(string name)
    {
        if (string.IsNullOrEmpty(name)) return false;
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            bool ok = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or '_' or ':' || (i > 0 && c is >= '0' and <= '9');
            if (!ok) return false;
        }
        return true;
    }

    void Label(string name, string value)
    {
        _sb.Append(name).Append("=\"");
        AppendEscaped(value, quotes: true);
        _sb.Append('"');
    }

    void AppendValue(double v)
    {
        _sb.Append(Format(v)).Append('\n');
    }

    // Label values escape \, " and newline; help texts escape \ and newline. Other control characters become spaces.
    void AppendEscaped(string s, bool quotes)
    {
        foreach (char c in s)
        {
            switch (c)
            {
                case '\\': _sb.Append("\\\\"); break;
                case '\n': _sb.Append("\\n"); break;
                case '"' when quotes: _sb.Append("\\\""); break;
                default: _sb.Append(char.IsControl(c) ? ' ' : c); break;
            }
        }
    }
}
