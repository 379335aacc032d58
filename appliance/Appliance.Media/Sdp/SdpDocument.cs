namespace Appliance.Media.Sdp;

/// <summary>One "x=value" line and its 1-based number.</summary>
internal sealed record SdpLine(int Number, char Type, string Value);

/// <summary>One a= line split into its name and value (null for a property attribute).</summary>
internal sealed record SdpAttribute(int Line, string Name, string? Value);

/// <summary>An m= line and the lines after it up to the next m= line.</summary>
internal sealed class SdpMediaBlock(SdpLine mediaLine)
{
    public SdpLine MediaLine { get; } = mediaLine;

    public List<SdpLine> Lines { get; } = [];

    public List<SdpAttribute> Attributes { get; } = [];
}

/// <summary>
/// The lexical layer: checks size, characters and line grammar (RFC 8866 §5, §9) and splits the text into
/// the session part and the m-sections. Knows nothing about offers and answers.
/// </summary>
internal sealed class SdpDocument
{
    // RFC 8866 §5: the types defined, which lines may only appear at session level, and which in an m-section.
    private const string KnownTypes = "vosiuepcbtrzkam";
    private const string MediaTypes = "icbka";

    private SdpDocument()
    {
    }

    public List<SdpLine> SessionLines { get; } = [];

    public List<SdpAttribute> SessionAttributes { get; } = [];

    public List<SdpMediaBlock> Media { get; } = [];

    /// <summary>The lines, or null after a problem that makes reading on pointless (size, characters).</summary>
    public static SdpDocument? Read(string? text, SdpErrors errors)
    {
        if (string.IsNullOrEmpty(text))
        {
            errors.Add(SdpErrorCode.Empty, "The SDP is empty.");
            return null;
        }

        if (text.Length > SdpParser.MaxLength)
        {
            errors.Add(SdpErrorCode.TooLarge, $"The SDP has {text.Length} characters; at most {SdpParser.MaxLength} are accepted.");
            return null;
        }

        if (!HasOnlyAllowedCharacters(text, errors))
        {
            return null;
        }

        var lines = text.Split('\n');
        var count = lines.Length;
        if (lines[^1].Length == 0)
        {
            // The text ends with a line break, as it should: no line follows it.
            count--;
        }

        if (count > SdpParser.MaxLines)
        {
            errors.Add(SdpErrorCode.TooManyLines, $"The SDP has {count} lines; at most {SdpParser.MaxLines} are accepted.");
            return null;
        }

        var document = new SdpDocument();
        for (var i = 0; i < count; i++)
        {
            var line = lines[i];
            if (line.EndsWith('\r'))
            {
                line = line[..^1];
            }

            document.Add(i + 1, line, errors);
        }

        document.CheckSessionHeader(errors);
        return document;
    }

    private static bool HasOnlyAllowedCharacters(string text, SdpErrors errors)
    {
        var lineNumber = 1;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\n')
            {
                lineNumber++;
            }
            else if (c == '\r')
            {
                if (i + 1 >= text.Length || text[i + 1] != '\n')
                {
                    errors.Add(SdpErrorCode.InvalidCharacter, "A carriage return is not followed by a line feed.", lineNumber);
                    return false;
                }
            }
            else if (c < 0x20 || c > 0x7E)
            {
                // Browsers write ASCII only; anything else is binary garbage or an attempt at injection.
                errors.Add(
                    SdpErrorCode.InvalidCharacter,
                    $"Character U+{(int)c:X4} is not allowed: only printable ASCII, CR and LF are.",
                    lineNumber);
                return false;
            }
        }

        return true;
    }

    private void Add(int number, string line, SdpErrors errors)
    {
        if (line.Length == 0)
        {
            errors.Add(SdpErrorCode.EmptyLine, "Empty lines are not allowed.", number);
            return;
        }

        if (line.Length > SdpParser.MaxLineLength)
        {
            errors.Add(SdpErrorCode.LineTooLong, $"The line has {line.Length} characters; at most {SdpParser.MaxLineLength} are accepted.", number);
            return;
        }

        if (line.Length < 2 || line[1] != '=' || line[0] < 'a' || line[0] > 'z')
        {
            errors.Add(SdpErrorCode.MalformedLine, "A line must be a lowercase letter, '=' and a value.", number);
            return;
        }

        var type = line[0];
        if (!KnownTypes.Contains(type, StringComparison.Ordinal))
        {
            errors.Add(SdpErrorCode.UnknownLineType, $"'{type}=' is not an SDP line type.", number);
            return;
        }

        var sdpLine = new SdpLine(number, type, line[2..]);
        if (type == 'm')
        {
            Media.Add(new SdpMediaBlock(sdpLine));
            return;
        }

        if ((type is 'v' or 'o' or 's') != (number <= 3) || (number <= 3 && type != "vos"[number - 1]))
        {
            errors.Add(SdpErrorCode.MisplacedLine, $"'{type}=' is misplaced: an SDP starts with v=, o= and s=, and only once.", number);
            return;
        }

        if (Media.Count > 0)
        {
            if (!MediaTypes.Contains(type, StringComparison.Ordinal))
            {
                errors.Add(SdpErrorCode.MisplacedLine, $"'{type}=' belongs to the session part, not to an m-section.", number);
                return;
            }

            var block = Media[^1];
            block.Lines.Add(sdpLine);
            if (type == 'a' && ReadAttribute(sdpLine, errors) is { } mediaAttribute)
            {
                block.Attributes.Add(mediaAttribute);
            }

            return;
        }

        SessionLines.Add(sdpLine);
        if (type == 'a' && ReadAttribute(sdpLine, errors) is { } sessionAttribute)
        {
            SessionAttributes.Add(sessionAttribute);
        }
    }

    private static SdpAttribute? ReadAttribute(SdpLine line, SdpErrors errors)
    {
        var colon = line.Value.IndexOf(':', StringComparison.Ordinal);
        var name = colon < 0 ? line.Value : line.Value[..colon];
        if (!SdpSyntax.IsToken(name, 64))
        {
            errors.Add(SdpErrorCode.MalformedAttribute, "An attribute name must be 1 to 64 token characters.", line.Number);
            return null;
        }

        return new SdpAttribute(line.Number, name, colon < 0 ? null : line.Value[(colon + 1)..]);
    }

    private void CheckSessionHeader(SdpErrors errors)
    {
        // Lines 1 to 3 that were missing or misplaced are reported here once, by what is absent.
        if (SessionLines.Count < 3 || SessionLines[0].Type != 'v' || SessionLines[1].Type != 'o' || SessionLines[2].Type != 's')
        {
            errors.Add(SdpErrorCode.MisplacedLine, "The SDP must start with v=, o= and s= lines, in that order.");
        }
    }
}
