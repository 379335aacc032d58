using System.Net;
using System.Text.RegularExpressions;
using Appliance.Core.Audit;
using Appliance.Core.Identity;
using Appliance.Host.Tests.Infrastructure;
using Appliance.Storage.Audit;

namespace Appliance.Host.Tests.Admin;

/// <summary>
/// The audit page over a long log (20,000 entries, one a minute from 2026-01-01, every seventh a denial): a page reads
/// only what it shows, and the newer/older links keep the filter and meet exactly at the page boundaries.
/// </summary>
public sealed partial class AuditPagingTests
{
    private const int Written = 20_000;
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private TestAppliance _appliance = null!;
    private StaffSession _admin = null!;
    private StaffSession _auditor = null!;
    private string _data = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _data = Path.Combine(Path.GetTempPath(), "appliance-audit-paging-" + Guid.NewGuid().ToString("N"));
        var clock = new ManualClock(Start);
        await using (var log = FileAuditLog.Open(new AuditLogOptions { DataDirectory = _data, CheckpointEvery = 1000 }, clock))
        {
            for (var i = 1; i <= Written; i++)
            {
                var denied = i % 7 == 0;
                await log.AppendAsync(new AuditEvent("u-" + i, denied ? AuditAction.Denied : AuditAction.MeetingBooked, "m-" + i, denied ? AuditOutcome.Denied : AuditOutcome.Success));
                clock.Advance(TimeSpan.FromMinutes(1));
            }
        }

        _appliance = await TestAppliance.StartAsync(dataDirectory: _data);
        _admin = await StaffSession.BootstrapAsync(_appliance);
        _auditor = await _admin.CreateUserAsync("paging-auditor", "Paula Pager", RoleNames.Auditor);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _auditor.Dispose();
        _admin.Dispose();
        await _appliance.DisposeAsync();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // A log file still being flushed; the temp folder is cleaned by the OS eventually.
        }
    }

    [TestCase("")]
    [TestCase("?Action=Denied")]
    [TestCase("?Action=Denied&Outcome=Denied&From=2026-01-10")]
    [TestCase("?To=2026-01-03")]
    [TestCase("?Action=Denied&From=2026-01-02&To=2026-01-04")]
    public async Task A_page_reads_only_the_entries_it_shows_not_the_whole_log(string query)
    {
        var log = _appliance.Service<FileAuditLog>();
        var fileLength = new FileInfo(log.LogPath).Length;
        var before = log.BytesRead;

        var page = await Forms.GetAsync(_auditor.Client, "/admin/audit" + query);

        var read = log.BytesRead - before;
        Assert.Multiple(() =>
        {
            Assert.That(page.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(Sequences(page.Body), Has.Count.EqualTo(100));
            Assert.That(read, Is.GreaterThan(0).And.LessThan(fileLength / 10), $"{read} of {fileLength} bytes");
        });
    }

    [Test]
    public async Task Older_and_newer_links_keep_the_filter_and_meet_at_the_page_boundaries()
    {
        var denied = (await AllAsync()).Where(e => e.Action == AuditAction.Denied).Select(e => e.Sequence).Reverse().ToList();

        var first = await Forms.GetAsync(_auditor.Client, "/admin/audit?Action=Denied");
        var older = Link(first.Body, "next");
        var second = await Forms.GetAsync(_auditor.Client, older!);
        var third = await Forms.GetAsync(_auditor.Client, Link(second.Body, "next")!);
        var backToFirst = await Forms.GetAsync(_auditor.Client, Link(second.Body, "prev")!);
        var newest = await Forms.GetAsync(_auditor.Client, Link(third.Body, "newest")!);

        Assert.Multiple(() =>
        {
            Assert.That(Sequences(first.Body), Is.EqualTo(denied.Take(100)));
            Assert.That(Link(first.Body, "prev"), Is.Null, "nothing is newer than the first page");
            Assert.That(older, Does.Contain("Action=Denied").And.Contain("Before=" + denied[99]));
            Assert.That(Sequences(second.Body), Is.EqualTo(denied.Skip(100).Take(100)));
            Assert.That(Sequences(third.Body), Is.EqualTo(denied.Skip(200).Take(100)));
            Assert.That(Sequences(backToFirst.Body), Is.EqualTo(denied.Take(100)));
            Assert.That(Link(backToFirst.Body, "prev"), Is.Null);
            Assert.That(Sequences(newest.Body), Is.EqualTo(denied.Take(100)));
            Assert.That(first.Body, Does.Contain("<nav aria-label=\"Pages\""));
        });
    }

    [Test]
    public async Task The_last_page_has_no_older_link_and_the_date_filter_takes_whole_days()
    {
        var all = await AllAsync();
        var january3 = all.Where(e => e.Time >= Start.AddDays(2) && e.Time < Start.AddDays(3)).Select(e => e.Sequence).Reverse().ToList();
        var oldest = all.Where(e => e.Action == AuditAction.MeetingBooked && e.Sequence <= 150).Select(e => e.Sequence).Reverse().ToList();

        var day = await Forms.GetAsync(_auditor.Client, "/admin/audit?From=2026-01-03&To=2026-01-03");
        var lastPage = await Forms.GetAsync(_auditor.Client, $"/admin/audit?Action=MeetingBooked&Before={oldest[0] + 1}");
        var pastTheEnd = await Forms.GetAsync(_auditor.Client, "/admin/audit?Action=MeetingBooked&Before=1");

        Assert.Multiple(() =>
        {
            Assert.That(Sequences(day.Body), Is.EqualTo(january3.Take(100)));
            Assert.That(january3[0], Is.EqualTo(3 * 1440), "the day ends with its last minute");
            Assert.That(Link(day.Body, "next"), Does.Contain("From=2026-01-03").And.Contain("To=2026-01-03"));
            Assert.That(Sequences(lastPage.Body), Is.EqualTo(oldest.Take(100)));
            Assert.That(Link(lastPage.Body, "next"), Is.Not.Null, "29 more are older");
            Assert.That(Sequences(pastTheEnd.Body), Is.Empty);
            Assert.That(Link(pastTheEnd.Body, "next"), Is.Null);
            Assert.That(Link(pastTheEnd.Body, "prev"), Is.Not.Null);
        });
    }

    private async Task<IReadOnlyList<AuditEntry>> AllAsync() => await _appliance.Service<IAuditLog>().ReadAsync(1, 100_000);

    private static List<long> Sequences(string html) =>
        [.. RowSequence().Matches(html).Select(m => long.Parse(m.Groups["seq"].Value, System.Globalization.CultureInfo.InvariantCulture))];

    /// <summary>The href of the paging link with rel="next" or rel="prev", or of the "Newest" link; null when absent.</summary>
    private static string? Link(string html, string which)
    {
        var nav = Regex.Match(html, "<nav[^>]*id=\"audit-pages\"[^>]*>(?<inner>.*?)</nav>", RegexOptions.Singleline | RegexOptions.CultureInvariant);
        var pattern = which == "newest" ? "<a href=\"(?<href>[^\"]*)\">Newest</a>" : "<a href=\"(?<href>[^\"]*)\" rel=\"" + which + "\">";
        var link = Regex.Match(nav.Groups["inner"].Value, pattern, RegexOptions.CultureInvariant);
        return link.Success ? WebUtility.HtmlDecode(link.Groups["href"].Value) : null;
    }

    [GeneratedRegex("<tr>\\s*<td>(?<seq>\\d+)</td>", RegexOptions.CultureInvariant)]
    private static partial Regex RowSequence();
}
