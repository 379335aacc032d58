using System.Text;
using Appliance.Media.Sdp;

namespace Appliance.Media.Tests.Sdp;

/// <summary>
/// Seeded mutations of real Chrome answers through the parser. The answer comes from the signalling socket,
/// so any text at all must end as a result, never as an exception.
/// </summary>
public class SdpFuzzTests
{
    private const int Answers = 5_000;

    // Values that reach the parser's corners when put into an attribute: limits, signs, separators, overflow.
    private static readonly string[] Interesting =
    [
        "", " ", "0", "-1", "+1", "127", "128", "255", "256", "4294967295", "4294967296", "18446744073709551616",
        "99999999999999999999999", "sha-256", "SHA-256 ", "sha-1", "active", "passive", "actpass", "*", "/", ":", "::",
        "FID", "FID 1", "FID 1 1", "SIM 1 2 3", "BUNDLE", "BUNDLE 0 0", "rtx/90000", "opus/48000/2/9", "apt=", "apt=abc",
        "1/sendonly urn:x", "1/bogus urn:x", "x y z", "-", "{}", "a=b=c", "\t", "é", "\0",
    ];

    private static readonly string[] AttributeNames =
    [
        "mid", "ice-ufrag", "ice-pwd", "fingerprint", "setup", "group", "extmap", "rtpmap", "fmtp", "rtcp-fb", "ssrc",
        "ssrc-group", "msid", "sendonly", "recvonly", "sendrecv", "inactive", "rtcp-mux", "rtcp-rsize", "ice-lite",
        "extmap-allow-mixed", "simulcast", "candidate", "end-of-candidates",
    ];

    [TestCase(0x5D9_0001UL)]
    [TestCase(0xFEED_FACE_CAFE_BEEFUL)]
    public void Five_thousand_mutated_answers_never_throw_and_always_give_a_consistent_result(ulong seed)
    {
        var random = new XorShift(seed);
        var cases = new[]
        {
            (Answer: SdpTestData.ChromeAnswer, Offer: TypicalSession.Offer()),
            (Answer: SdpTestData.ChromeAnswerRetired, Offer: TypicalSession.RetiredOffer()),
        };
        var accepted = 0;
        var codes = new HashSet<SdpErrorCode>();

        for (var i = 0; i < Answers; i++)
        {
            var (answer, offer) = cases[random.Below(cases.Length)];
            var mutated = Mutate(answer, random);

            SdpParseResult result;
            try
            {
                result = SdpParser.ParseAnswer(mutated, offer);
            }
            catch (Exception exception)
            {
                Assert.Fail($"answer {i} (seed {seed:X}) threw {exception}\n---\n{mutated}");
                return;
            }

            Assert.That(result.Succeeded, Is.EqualTo(result.Errors.Count == 0), $"answer {i}");
            Assert.That(result.Answer is not null, Is.EqualTo(result.Succeeded), $"answer {i}");
            Assert.That(result.Errors, Has.Count.LessThanOrEqualTo(SdpParser.MaxErrors + 1), $"answer {i}");
            Assert.That(result.Errors.Select(e => e.Message), Has.All.Not.Empty, $"answer {i}");
            if (result.Answer is { } parsed)
            {
                accepted++;
                Assert.That(parsed.Sections, Has.Count.EqualTo(offer.Sections.Count), $"answer {i}");
            }

            codes.UnionWith(result.Errors.Select(e => e.Code));
        }

        TestContext.Out.WriteLine($"{accepted} of {Answers} accepted; error codes seen: {string.Join(", ", codes.Order())}");

        // The mutations must reach deep: some answers survive (a harmless change), most fail in many different ways.
        Assert.That(accepted, Is.InRange(1, Answers / 2));
        Assert.That(codes, Has.Count.GreaterThanOrEqualTo(40), string.Join(", ", codes));
    }

    private static string Mutate(string answer, XorShift random)
    {
        var lines = answer.Split("\r\n").ToList();
        lines.RemoveAt(lines.Count - 1);
        var rounds = 1 + random.Below(3);
        for (var round = 0; round < rounds && lines.Count > 1; round++)
        {
            var at = random.Below(lines.Count);
            switch (random.Below(12))
            {
                case 0:
                    lines.RemoveAt(at);
                    break;
                case 1:
                    lines.Insert(at, lines[random.Below(lines.Count)]);
                    break;
                case 2:
                    var other = random.Below(lines.Count);
                    (lines[at], lines[other]) = (lines[other], lines[at]);
                    break;
                case 3:
                    lines[at] = ReplaceCharacter(lines[at], random);
                    break;
                case 4:
                    lines[at] = ReplaceNumber(lines[at], random);
                    break;
                case 5:
                    lines[at] = ReplaceValue(lines[at], random);
                    break;
                case 6:
                    lines.Insert(at, $"a={AttributeNames[random.Below(AttributeNames.Length)]}:{Interesting[random.Below(Interesting.Length)]}");
                    break;
                case 7:
                    lines[at] = lines[at].Replace(' ', random.Below(2) == 0 ? '\t' : ' ').Replace(" ", random.Below(4) == 0 ? "  " : " ", StringComparison.Ordinal);
                    break;
                case 8:
                    lines.RemoveRange(at, lines.Count - at);
                    break;
                case 9:
                    lines[at] = lines[at].Length > 0 ? (char)('a' + random.Below(26)) + lines[at][1..] : "x";
                    break;
                case 10:
                    lines[at] = lines[at] + new string('9', random.Below(1100));
                    break;
                default:
                    MoveSection(lines, random);
                    break;
            }
        }

        var separator = random.Below(8) switch
        {
            0 => "\n",
            1 => "\r",
            _ => "\r\n",
        };
        return string.Join(separator, lines) + (random.Below(10) == 0 ? string.Empty : separator);
    }

    private static string ReplaceCharacter(string line, XorShift random)
    {
        if (line.Length == 0)
        {
            return line;
        }

        var builder = new StringBuilder(line);
        builder[random.Below(line.Length)] = random.Below(4) switch
        {
            0 => (char)random.Below(0x20),
            1 => (char)(0x7F + random.Below(0x200)),
            _ => (char)(0x20 + random.Below(0x5F)),
        };
        return builder.ToString();
    }

    private static string ReplaceNumber(string line, XorShift random)
    {
        var start = -1;
        for (var i = 0; i < line.Length; i++)
        {
            if (char.IsAsciiDigit(line[i]) && random.Below(3) == 0)
            {
                start = i;
                break;
            }
        }

        if (start < 0)
        {
            return line;
        }

        var end = start;
        while (end < line.Length && char.IsAsciiDigit(line[end]))
        {
            end++;
        }

        var number = random.Below(3) switch
        {
            0 => random.Below(130).ToString(System.Globalization.CultureInfo.InvariantCulture),
            1 => random.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            _ => Interesting[random.Below(Interesting.Length)],
        };
        return string.Concat(line.AsSpan(0, start), number, line.AsSpan(end));
    }

    private static string ReplaceValue(string line, XorShift random)
    {
        var colon = line.IndexOf(':', StringComparison.Ordinal);
        var equals = line.IndexOf('=', StringComparison.Ordinal);
        var at = colon > 0 ? colon : equals;
        return at < 0 ? line : line[..(at + 1)] + Interesting[random.Below(Interesting.Length)];
    }

    private static void MoveSection(List<string> lines, XorShift random)
    {
        var starts = lines.Select((line, index) => (line, index)).Where(l => l.line.StartsWith("m=", StringComparison.Ordinal)).Select(l => l.index).ToList();
        if (starts.Count < 2)
        {
            return;
        }

        var which = random.Below(starts.Count);
        var start = starts[which];
        var end = which + 1 < starts.Count ? starts[which + 1] : lines.Count;
        var block = lines.GetRange(start, end - start);
        lines.RemoveRange(start, end - start);
        var target = starts[random.Below(starts.Count)];
        lines.InsertRange(Math.Min(target, lines.Count), block);
    }
}
