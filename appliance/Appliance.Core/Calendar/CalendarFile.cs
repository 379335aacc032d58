using System.Globalization;
using System.Text;
using Appliance.Core.Meetings;

namespace Appliance.Core.Calendar;

/// <summary>
/// Writes an iCalendar (RFC 5545) file for an invitation, so that a guest or a case system can put the meeting with
/// its link in a calendar.
/// </summary>
public static class CalendarFile
{
    private const int MaxLineOctets = 75;

    /// <summary>A VCALENDAR with one VEVENT for the meeting, the join link as URL and in the description.</summary>
    /// <param name="meeting">The meeting.</param>
    /// <param name="joinLink">The guest's personal link.</param>
    /// <param name="uid">A stable unique id for the event (per invitation, so that updates replace it).</param>
    /// <param name="stamp">When the file was made.</param>
    /// <param name="marking">The classification marking text to put in front of the summary.</param>
    public static string Create(Meeting meeting, Uri joinLink, string uid, DateTimeOffset stamp, string marking)
    {
        ArgumentNullException.ThrowIfNull(meeting);
        ArgumentNullException.ThrowIfNull(joinLink);

        var description = new StringBuilder();
        if (!string.IsNullOrEmpty(meeting.Agenda))
        {
            description.Append(meeting.Agenda).Append("\n\n");
        }

        description.Append(joinLink.AbsoluteUri);

        var lines = new List<string>
        {
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//Sovereign Meeting Appliance//EN",
            "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH",
            "BEGIN:VEVENT",
            "UID:" + Escape(uid),
            "DTSTAMP:" + Utc(stamp),
            "DTSTART:" + Utc(meeting.StartsAt),
            "DTEND:" + Utc(meeting.EndsAt),
            "SUMMARY:" + Escape($"[{marking}] {meeting.Title}"),
            "DESCRIPTION:" + Escape(description.ToString()),
            "URL:" + joinLink.AbsoluteUri,
            "ORGANIZER;CN=" + QuoteParameter(meeting.OrganiserName) + ":invalid:nomail",
            "CLASS:" + (marking.Length > 0 ? "CONFIDENTIAL" : "PUBLIC"),
            "END:VEVENT",
            "END:VCALENDAR",
        };

        var result = new StringBuilder();
        foreach (var line in lines)
        {
            Fold(result, line);
        }

        return result.ToString();
    }

    /// <summary>Escapes a TEXT value (RFC 5545 §3.3.11).</summary>
    public static string Escape(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var sb = new StringBuilder(value.Length + 8);
        foreach (var c in value.Replace("\r\n", "\n", StringComparison.Ordinal))
        {
            switch (c)
            {
                case '\\': sb.Append("\\\\"); break;
                case ';': sb.Append("\\;"); break;
                case ',': sb.Append("\\,"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': break;
                default:
                    if (!char.IsControl(c) || c == '\t')
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        return sb.ToString();
    }

    /// <summary>Folds a content line at 75 octets without splitting a UTF-8 sequence (RFC 5545 §3.1), ending with CRLF.</summary>
    public static void Fold(StringBuilder output, string line)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(line);
        var octets = 0;
        var limit = MaxLineOctets;
        for (var i = 0; i < line.Length; i++)
        {
            var width = char.IsHighSurrogate(line[i]) && i + 1 < line.Length ? 2 : 1;
            var size = Encoding.UTF8.GetByteCount(line.AsSpan(i, width));
            if (octets + size > limit)
            {
                output.Append("\r\n ");
                octets = 0;
                limit = MaxLineOctets - 1; // the leading space of a continuation line counts
            }

            output.Append(line, i, width);
            octets += size;
            i += width - 1;
        }

        output.Append("\r\n");
    }

    private static string Utc(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    // Parameter values cannot hold '"' at all; quote so that ':' ';' ',' are safe.
    private static string QuoteParameter(string value) =>
        "\"" + new string(value.Where(c => c != '"' && !char.IsControl(c)).ToArray()) + "\"";
}
