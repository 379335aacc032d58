namespace Appliance.Media.Tests.Sdp;

/// <summary>
/// Edits an SDP text for a test. Every edit asserts that what it changes is there, so that a test cannot
/// pass because its edit silently missed. Works on LF text and gives CRLF back, as a browser sends it.
/// </summary>
internal sealed class Edit
{
    private string _text;

    private Edit(string text) => _text = text.Replace("\r\n", "\n", StringComparison.Ordinal);

    public static Edit Text(string sdp) => new(sdp);

    public Edit ReplaceAll(string old, string replacement)
    {
        Assert.That(_text, Does.Contain(old), "the edit's target is missing");
        _text = _text.Replace(old, replacement, StringComparison.Ordinal);
        return this;
    }

    public Edit RemoveLinesStartingWith(params string[] prefixes)
    {
        var lines = Lines();
        foreach (var prefix in prefixes)
        {
            Assert.That(lines, Has.Some.StartsWith(prefix), "the edit's target is missing");
        }

        return Set(lines.Where(line => !prefixes.Any(p => line.StartsWith(p, StringComparison.Ordinal))));
    }

    public Edit InsertAfter(string line, params string[] newLines)
    {
        var lines = Lines();
        var at = lines.IndexOf(line);
        Assert.That(at, Is.GreaterThanOrEqualTo(0), $"the line '{line}' is missing");
        lines.InsertRange(at + 1, newLines);
        return Set(lines);
    }

    public Edit InSection(int index, Func<Edit, Edit> change)
    {
        var (session, sections) = Split();
        Assert.That(index, Is.LessThan(sections.Count), "no such m-section");
        sections[index] = change(new Edit(string.Join('\n', sections[index]) + "\n")).Lines();
        return Join(session, sections);
    }

    public Edit SwapSections(int first, int second)
    {
        var (session, sections) = Split();
        (sections[first], sections[second]) = (sections[second], sections[first]);
        return Join(session, sections);
    }

    public Edit DuplicateSection(int index)
    {
        var (session, sections) = Split();
        sections.Insert(index + 1, sections[index]);
        return Join(session, sections);
    }

    public Edit RemoveSection(int index)
    {
        var (session, sections) = Split();
        sections.RemoveAt(index);
        return Join(session, sections);
    }

    public override string ToString() => _text.Replace("\n", "\r\n", StringComparison.Ordinal);

    private List<string> Lines()
    {
        var lines = _text.Split('\n').ToList();
        if (lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        return lines;
    }

    private Edit Set(IEnumerable<string> lines)
    {
        _text = string.Join('\n', lines) + "\n";
        return this;
    }

    private (List<string> Session, List<List<string>> Sections) Split()
    {
        var session = new List<string>();
        var sections = new List<List<string>>();
        foreach (var line in Lines())
        {
            if (line.StartsWith("m=", StringComparison.Ordinal))
            {
                sections.Add([line]);
            }
            else if (sections.Count > 0)
            {
                sections[^1].Add(line);
            }
            else
            {
                session.Add(line);
            }
        }

        return (session, sections);
    }

    private Edit Join(List<string> session, List<List<string>> sections) =>
        Set(session.Concat(sections.SelectMany(s => s)));
}
