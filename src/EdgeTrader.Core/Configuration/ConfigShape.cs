using System.Text;
using System.Text.Json;

namespace EdgeTrader.Configuration;

/// <summary>
/// Checks the shape of the file before it is bound, because binding cannot see these: a key given twice (the binder
/// keeps the last, so <c>"dryRun": true, "dryRun": false</c> would run live) and a JSON null (which binds to null
/// past the nullable annotations and fails later, at start). Every problem is reported, with its key and lines.
/// </summary>
internal static class ConfigShape
{
    sealed class Frame(string path, bool isObject)
    {
        public readonly string Path = path;
        public readonly bool IsObject = isObject;
        public readonly Dictionary<string, int> Lines = new(StringComparer.Ordinal);
        public string? Property;
        public int Index = -1;
    }

    /// <summary>Duplicate keys and nulls; empty when the shape is fine or the text is not JSON (the binder says why).</summary>
    public static List<ConfigError> Check(string json)
    {
        var errors = new List<ConfigError>();
        byte[] utf8 = Encoding.UTF8.GetBytes(json);
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var stack = new Stack<Frame>();
        try
        {
            while (reader.Read())
            {
                var token = reader.TokenType;
                if (token is JsonTokenType.EndObject or JsonTokenType.EndArray)
                {
                    stack.Pop();
                    continue;
                }
                if (token == JsonTokenType.PropertyName)
                {
                    var frame = stack.Peek();
                    string name = reader.GetString()!;
                    int line = LineOf(utf8, reader.TokenStartIndex);
                    frame.Property = name;
                    if (!frame.Lines.TryAdd(name, line))
                        errors.Add(new ConfigError(Join(frame.Path, name), $"given twice (lines {frame.Lines[name]} and {line}); a key may appear once"));
                    continue;
                }
                string path = ValuePath(stack);
                if (token == JsonTokenType.Null)
                    errors.Add(new ConfigError(path, "null is not a value here; leave the key out to take its default"));
                else if (token == JsonTokenType.StartObject) stack.Push(new Frame(path, isObject: true));
                else if (token == JsonTokenType.StartArray) stack.Push(new Frame(path, isObject: false));
            }
        }
        catch (JsonException)
        {
            // Not JSON: the binder reports where and why.
        }
        return errors;
    }

    // The key of the value the reader is on: the parent's current property, or its next index.
    static string ValuePath(Stack<Frame> stack)
    {
        if (stack.Count == 0) return "(root)";
        var parent = stack.Peek();
        if (parent.IsObject) return Join(parent.Path, parent.Property!);
        parent.Index++;
        return $"{(parent.Path == "(root)" ? "" : parent.Path)}[{parent.Index}]";
    }

    static string Join(string path, string name) => path == "(root)" ? name : path + "." + name;

    static int LineOf(byte[] utf8, long index)
    {
        int line = 1;
        for (long i = 0; i < index; i++)
            if (utf8[i] == (byte)'\n') line++;
        return line;
    }
}
