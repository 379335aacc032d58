using System.Globalization;
using System.Text;
using Appliance.AdminUi.Audit;
using Appliance.AdminUi.Policies;
using Appliance.Core.Audit;
using Appliance.Core.Identity;
using Appliance.Core.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;

namespace Appliance.AdminUi.Areas.Admin.Pages;

/// <summary>
/// The audit log: auditors and security officers filter, page through and export it; they and operators verify its
/// chain. An export is itself audited. A page reads only the entries it shows: the newest that match the filter, or
/// those just before (<see cref="Before"/>) or after (<see cref="After"/>) the page it came from, found by reading the log
/// from that point on; a sequence number marks the place, so that pages stay put while the log grows. Verifying and
/// exporting read the whole log.
/// </summary>
public sealed class AuditModel(IAuditLog audit, IIdentityStore identity, Texts texts, TimeProvider time) : PageModel
{
    public const int PageSize = 100;

    private const int ReadChunk = 1000;

    [BindProperty(SupportsGet = true)]
    public string? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? To { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Actor { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Action { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Outcome { get; set; }

    /// <summary>Show the matching entries older than this sequence (the "older" link).</summary>
    [BindProperty(SupportsGet = true)]
    public long? Before { get; set; }

    /// <summary>Show the matching entries newer than this sequence (the "newer" link).</summary>
    [BindProperty(SupportsGet = true)]
    public long? After { get; set; }

    public List<FieldError> Errors { get; } = [];

    public IReadOnlyList<AuditEntry> Entries { get; private set; } = [];

    /// <summary>Whether matching entries newer than the page's exist.</summary>
    public bool HasNewer { get; private set; }

    /// <summary>Whether matching entries older than the page's exist.</summary>
    public bool HasOlder { get; private set; }

    public AuditVerification? Verification { get; private set; }

    public Dictionary<string, string> Names { get; } = new(StringComparer.Ordinal);

    /// <summary>Reading and exporting entries is for auditors and security officers; operators only verify.</summary>
    public bool CanRead => User.IsInRole(RoleNames.Auditor) || User.IsInRole(RoleNames.SecurityOfficer);

    public async Task OnGetAsync()
    {
        if (CanRead)
        {
            await SearchAsync();
        }
    }

    public async Task<IActionResult> OnPostExportAsync(string? format)
    {
        if (!CanRead)
        {
            return Forbid();
        }

        var filter = await FilterAsync();
        if (filter is null)
        {
            await SearchAsync();
            return Page();
        }

        var matching = new List<AuditEntry>();
        for (long next = 1; ; )
        {
            var chunk = await audit.ReadForwardAsync(next, ReadChunk, filter, HttpContext.RequestAborted);
            matching.AddRange(chunk);
            if (chunk.Count < ReadChunk)
            {
                break;
            }

            next = chunk[^1].Sequence + 1;
        }

        var jsonLines = format == "jsonl";
        var actor = AdminActor.Of(User);
        await audit.AppendAsync(
            new AuditEvent(actor.UserId, AuditAction.Exported, "audit-log", AuditOutcome.Success, new Dictionary<string, string>
            {
                ["format"] = jsonLines ? "jsonl" : "csv",
                ["count"] = matching.Count.ToString(CultureInfo.InvariantCulture),
            }),
            HttpContext.RequestAborted);
        var body = jsonLines ? AuditExport.JsonLines(matching) : AuditExport.Csv(matching);
        var name = "audit-" + time.GetUtcNow().ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture) + (jsonLines ? ".jsonl" : ".csv");
        return File(Encoding.UTF8.GetBytes(body), jsonLines ? "application/x-ndjson" : "text/csv", name);
    }

    public async Task<IActionResult> OnPostVerifyAsync()
    {
        Verification = await audit.VerifyAsync(HttpContext.RequestAborted);
        var details = new Dictionary<string, string> { ["entries"] = Verification.EntriesChecked.ToString(CultureInfo.InvariantCulture) };
        if (Verification.Break is { } broken)
        {
            details["brokenAt"] = broken.Sequence.ToString(CultureInfo.InvariantCulture);
            details["problem"] = broken.Problem.ToString();
        }

        await audit.AppendAsync(
            new AuditEvent(AdminActor.Of(User).UserId, AuditAction.AuditVerified, "audit-log", Verification.Intact ? AuditOutcome.Success : AuditOutcome.Failed, details),
            HttpContext.RequestAborted);
        if (CanRead)
        {
            await SearchAsync();
        }

        return Page();
    }

    /// <summary>The address of the newer entries of the same search (an empty page leads back from where it was).</summary>
    public string NewerLink => PageLink(nameof(After), Entries.Count > 0 ? Entries[0].Sequence : (Before ?? 1) - 1);

    /// <summary>The address of the older entries of the same search.</summary>
    public string OlderLink => PageLink(nameof(Before), Entries.Count > 0 ? Entries[^1].Sequence : (After ?? 0) + 1);

    /// <summary>The address of the newest entries of the same search.</summary>
    public string NewestLink => PageLink(null, 0);

    private string PageLink(string? cursor, long sequence)
    {
        var query = new Dictionary<string, string?> { ["From"] = From, ["To"] = To, ["Actor"] = Actor, ["Action"] = Action, ["Outcome"] = Outcome };
        if (cursor is not null)
        {
            query[cursor] = sequence.ToString(CultureInfo.InvariantCulture);
        }

        return QueryHelpers.AddQueryString("/admin/audit", query.Where(q => !string.IsNullOrEmpty(q.Value)));
    }

    private async Task SearchAsync()
    {
        if (await FilterAsync() is not { } filter)
        {
            return;
        }

        var cancellation = HttpContext.RequestAborted;
        // One entry more than the page shows tells whether there is another page that way; on the other side, one
        // matching entry is looked for.
        if (After is { } after)
        {
            after = Math.Clamp(after, 0, long.MaxValue - 1);
            var found = await audit.ReadForwardAsync(after + 1, PageSize + 1, filter, cancellation);
            HasNewer = found.Count > PageSize;
            Entries = [.. found.Take(PageSize).Reverse()];
            HasOlder = (await audit.ReadBackwardAsync(after, 1, filter, cancellation)).Count > 0;
        }
        else
        {
            var found = await audit.ReadBackwardAsync(Before is { } before ? Math.Max(before, 1) - 1 : long.MaxValue, PageSize + 1, filter, cancellation);
            HasOlder = found.Count > PageSize;
            Entries = [.. found.Take(PageSize)];
            HasNewer = Before is { } newerThan && newerThan < long.MaxValue && (await audit.ReadForwardAsync(Math.Max(newerThan, 1), 1, filter, cancellation)).Count > 0;
        }

        foreach (var id in Entries.Select(e => e.Actor).Distinct(StringComparer.Ordinal).Where(a => !a.Contains(':', StringComparison.Ordinal) && a != "system"))
        {
            if ((await identity.FindUserByIdAsync(id, HttpContext.RequestAborted)) is { } user)
            {
                Names[id] = user.DisplayName;
            }
        }
    }

    /// <summary>The filter as the log reads it (days as a period it need not read outside); null with errors when not valid.</summary>
    private async Task<AuditFilter?> FilterAsync()
    {
        var from = Date(From, "from");
        var to = Date(To, "to");
        AuditAction? action = null;
        if (!string.IsNullOrEmpty(Action))
        {
            if (!int.TryParse(Action, out _) && Enum.TryParse<AuditAction>(Action, out var parsed) && Enum.IsDefined(parsed))
            {
                action = parsed;
            }
            else
            {
                Errors.Add(new FieldError("action", texts["admin.audit.invalid.action"]));
            }
        }

        AuditOutcome? outcome = null;
        if (!string.IsNullOrEmpty(Outcome))
        {
            if (!int.TryParse(Outcome, out _) && Enum.TryParse<AuditOutcome>(Outcome, out var parsed) && Enum.IsDefined(parsed))
            {
                outcome = parsed;
            }
            else
            {
                Errors.Add(new FieldError("outcome", texts["admin.audit.invalid.outcome"]));
            }
        }

        if (from is not null && to is not null && to < from)
        {
            Errors.Add(new FieldError("to", texts["admin.audit.invalid.range"]));
        }

        if (Errors.Count > 0)
        {
            return null;
        }

        var actorIds = await ActorIdsAsync();
        return new AuditFilter(from, to?.AddDays(1), e =>
            (action is null || e.Action == action)
            && (outcome is null || e.Outcome == outcome)
            && (actorIds is null || actorIds.Contains(e.Actor)));
    }

    // The actor filter matches an actor id as written, or the staff members whose name or user name contains the text.
    private async Task<HashSet<string>?> ActorIdsAsync()
    {
        if (string.IsNullOrWhiteSpace(Actor))
        {
            return null;
        }

        var wanted = Actor.Trim();
        var ids = new HashSet<string>(StringComparer.Ordinal) { wanted };
        foreach (var user in await identity.ListUsersAsync(HttpContext.RequestAborted))
        {
            if (user.DisplayName.Contains(wanted, StringComparison.OrdinalIgnoreCase) || user.UserName.Contains(wanted, StringComparison.OrdinalIgnoreCase))
            {
                ids.Add(user.Id);
            }
        }

        return ids;
    }

    private DateTimeOffset? Date(string? text, string field)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        }

        Errors.Add(new FieldError(field, texts["admin.audit.invalid.date"]));
        return null;
    }
}
