using System.Text;
using Appliance.Core.Calendar;
using Appliance.Core.Meetings;

namespace Appliance.Core.Tests.Calendar;

public class CalendarFileTests
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly Uri JoinLink = new("https://meet.kommune.example/j/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCd");

    [TestCase("plain", "plain")]
    [TestCase(@"C:\cases\42", @"C:\\cases\\42")]
    [TestCase("a;b", @"a\;b")]
    [TestCase("a,b", @"a\,b")]
    [TestCase("one\ntwo", @"one\ntwo")]
    [TestCase("one\r\ntwo", @"one\ntwo")]
    [TestCase("a:b \"c\"", "a:b \"c\"")]
    [TestCase("tab\there", "tab\there")]
    [TestCase("bell\u0007gone", "bellgone")]
    [TestCase(@"\;,", @"\\\;\,")]
    public void Escape_follows_RFC_5545_text_escaping(string value, string expected)
    {
        Assert.That(CalendarFile.Escape(value), Is.EqualTo(expected));
    }

    [Test]
    public void A_short_line_is_not_folded_and_ends_with_CRLF()
    {
        var sb = new StringBuilder();
        CalendarFile.Fold(sb, "SUMMARY:short");
        Assert.That(sb.ToString(), Is.EqualTo("SUMMARY:short\r\n"));
    }

    [Test]
    public void A_line_of_exactly_75_octets_is_not_folded()
    {
        var line = new string('x', 75);
        var sb = new StringBuilder();
        CalendarFile.Fold(sb, line);
        Assert.That(sb.ToString(), Is.EqualTo(line + "\r\n"));
    }

    [Test]
    public void A_long_ascii_line_is_folded_at_75_octets_with_CRLF_and_a_space()
    {
        var line = new string('x', 200);
        var sb = new StringBuilder();
        CalendarFile.Fold(sb, line);
        var physical = PhysicalLines(sb.ToString());
        Assert.That(physical.Select(l => l.Length), Is.EqualTo(new[] { 75, 75, 52 }));
        Assert.That(physical.Skip(1), Has.All.StartsWith(" "));
        Assert.That(Unfold(sb.ToString()), Is.EqualTo(line + "\r\n"));
    }

    private static IEnumerable<TestCaseData> MultiByteLines()
    {
        yield return new TestCaseData("SUMMARY:" + string.Concat(Enumerable.Repeat("Æblegrød på Øresund ", 12))).SetName("Folding_never_splits_Danish_letters");
        yield return new TestCaseData("SUMMARY:" + string.Concat(Enumerable.Repeat("Åsa och Örjan äter ", 12))).SetName("Folding_never_splits_Swedish_letters");
        yield return new TestCaseData("SUMMARY:" + string.Concat(Enumerable.Repeat("\U0001F44D", 60))).SetName("Folding_never_splits_an_emoji");
        yield return new TestCaseData("SUMMARY:" + string.Concat(Enumerable.Repeat("x\U0001F468\u200D\U0001F469\u200D\U0001F467æ", 20))).SetName("Folding_never_splits_mixed_widths");

        // Shift a two-, three- and four-octet character across the 75-octet boundary one octet at a time.
        foreach (var (character, label) in new[] { ("ø", "two"), ("€", "three"), ("\U0001F600", "four") })
        {
            for (var prefix = 70; prefix <= 76; prefix++)
            {
                yield return new TestCaseData(new string('x', prefix) + string.Concat(Enumerable.Repeat(character, 40)))
                    .SetName($"Folding_never_splits_a_{label}_octet_character_after_{prefix}_octets");
            }
        }
    }

    [TestCaseSource(nameof(MultiByteLines))]
    public void Folding_keeps_lines_short_and_characters_whole(string line)
    {
        var sb = new StringBuilder();
        CalendarFile.Fold(sb, line);
        var folded = sb.ToString();

        Assert.That(folded, Does.EndWith("\r\n"));
        var physical = PhysicalLines(folded);
        Assert.Multiple(() =>
        {
            foreach (var part in physical)
            {
                // Strict UTF-8 throws on a lone surrogate, that is on a character split between two lines.
                Assert.That(() => StrictUtf8.GetByteCount(part), Throws.Nothing, "a character was split");
                Assert.That(Encoding.UTF8.GetByteCount(part), Is.LessThanOrEqualTo(75), part);
            }

            Assert.That(physical.Skip(1), Has.All.StartsWith(" "));
            Assert.That(physical, Has.Count.GreaterThan(1), "the line should have needed folding");
        });
        Assert.That(Unfold(folded), Is.EqualTo(line + "\r\n"));
    }

    [Test]
    public void Folding_uses_each_line_as_fully_as_whole_characters_allow()
    {
        // 74 'x' then "ø" (2 octets) would make 76: the "ø" must move to the next line, leaving 74 octets.
        var sb = new StringBuilder();
        CalendarFile.Fold(sb, new string('x', 74) + "øø");
        Assert.That(sb.ToString(), Is.EqualTo(new string('x', 74) + "\r\n øø\r\n"));
    }

    [Test]
    public void The_file_is_a_VCALENDAR_with_one_VEVENT_and_only_CRLF_line_ends()
    {
        var ics = Create(SampleMeeting());
        var lines = Unfold(ics).Split("\r\n");
        Assert.That(lines[0], Is.EqualTo("BEGIN:VCALENDAR"));
        Assert.That(lines[^2], Is.EqualTo("END:VCALENDAR"));
        Assert.That(lines[^1], Is.Empty);
        Assert.That(lines.Count(l => l == "BEGIN:VEVENT"), Is.EqualTo(1));
        Assert.That(lines, Does.Contain("VERSION:2.0"));
        Assert.That(ics.Replace("\r\n", string.Empty, StringComparison.Ordinal), Does.Not.Contain("\n").And.Not.Contain("\r"));
    }

    [Test]
    public void Start_end_and_stamp_are_written_in_UTC_basic_format()
    {
        var meeting = SampleMeeting() with
        {
            StartsAt = new DateTimeOffset(2026, 6, 15, 9, 30, 0, TimeSpan.FromHours(2)),
            EndsAt = new DateTimeOffset(2026, 6, 15, 23, 30, 0, TimeSpan.FromHours(-1)),
        };
        var lines = Unfold(CalendarFile.Create(meeting, JoinLink, "uid-1", new DateTimeOffset(2026, 6, 1, 12, 0, 5, TimeSpan.FromHours(2)), "INTERNAL")).Split("\r\n");
        Assert.That(lines, Does.Contain("DTSTART:20260615T073000Z"));
        Assert.That(lines, Does.Contain("DTEND:20260616T003000Z"));
        Assert.That(lines, Does.Contain("DTSTAMP:20260601T100005Z"));
    }

    [Test]
    public void Unfolding_and_unescaping_gives_back_the_original_texts()
    {
        var meeting = SampleMeeting() with
        {
            Title = "Møde om Åsas sag; økonomi, bolig \\ skole – \U0001F3E0 Örjan följer med. Ærlig talt, en meget lang titel på dansk og svensk",
            Agenda = "1. Velkommen, præsentation\n2. Sagens forløb; hvad er der sket?\n3. Næste skridt \\ aftaler\n\U0001F44D Tak",
        };
        var ics = Create(meeting, "FORTROLIG");
        var lines = Unfold(ics).Split("\r\n");

        Assert.That(Unescape(Value(lines, "SUMMARY")), Is.EqualTo("[FORTROLIG] " + meeting.Title));
        Assert.That(Unescape(Value(lines, "DESCRIPTION")), Is.EqualTo(meeting.Agenda + "\n\n" + JoinLink.AbsoluteUri));
        Assert.That(Value(lines, "URL"), Is.EqualTo(JoinLink.AbsoluteUri));
        Assert.That(PhysicalLines(ics).Select(Encoding.UTF8.GetByteCount), Has.All.LessThanOrEqualTo(75));
    }

    [Test]
    public void The_organiser_name_cannot_break_out_of_its_parameter()
    {
        var meeting = SampleMeeting() with { OrganiserName = "Eve\"; ROLE=CHAIR:mailto:x\r\nATTACH:evil" };
        var lines = Unfold(Create(meeting)).Split("\r\n");
        var organiser = lines.Single(l => l.StartsWith("ORGANIZER", StringComparison.Ordinal));
        Assert.That(organiser, Is.EqualTo("ORGANIZER;CN=\"Eve; ROLE=CHAIR:mailto:xATTACH:evil\":invalid:nomail"));
        Assert.That(lines, Has.None.StartsWith("ATTACH"));
    }

    [Test]
    public void A_title_with_a_line_break_cannot_inject_a_property()
    {
        var meeting = SampleMeeting() with { Title = "Harmless\r\nATTACH:https://evil.example/x" };
        var lines = Unfold(Create(meeting)).Split("\r\n");
        Assert.That(lines, Has.None.StartsWith("ATTACH"));
    }

    private static Meeting SampleMeeting() => new()
    {
        Id = "abcdefghijklmnopqrstuvwxyz",
        Title = "Samtale",
        StartsAt = new DateTimeOffset(2026, 3, 10, 9, 0, 0, TimeSpan.Zero),
        EndsAt = new DateTimeOffset(2026, 3, 10, 10, 0, 0, TimeSpan.Zero),
        Agenda = null,
        ClassificationId = "internal",
        OrganiserId = "organiser",
        OrganiserName = "Anna Jensen",
        CreatedAt = new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero),
    };

    private static string Create(Meeting meeting, string marking = "INTERNAL") =>
        CalendarFile.Create(meeting, JoinLink, "inv-1@appliance", new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero), marking);

    private static List<string> PhysicalLines(string folded)
    {
        Assert.That(folded, Does.EndWith("\r\n"));
        return folded[..^2].Split("\r\n").ToList();
    }

    private static string Unfold(string folded) => folded.Replace("\r\n ", string.Empty, StringComparison.Ordinal);

    private static string Value(string[] lines, string name) =>
        lines.Single(l => l.StartsWith(name + ":", StringComparison.Ordinal))[(name.Length + 1)..];

    private static string Unescape(string value)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\' && i + 1 < value.Length)
            {
                i++;
                sb.Append(value[i] is 'n' or 'N' ? '\n' : value[i]);
            }
            else
            {
                sb.Append(value[i]);
            }
        }

        return sb.ToString();
    }
}
