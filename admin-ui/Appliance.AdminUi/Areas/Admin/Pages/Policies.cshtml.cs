using Appliance.AdminUi.Policies;
using Appliance.Core.Identity;
using Appliance.Core.Localization;
using Appliance.Core.Meetings;
using Appliance.Core.Policy;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Appliance.AdminUi.Areas.Admin.Pages;

/// <summary>
/// The classification policy: every level's controls, one level's edit form, pending loosenings for a second officer,
/// and the history with its diffs. Security officers change; auditors read (the host's conventions admit both, the
/// handlers here and <see cref="PolicyAdministration"/> refuse changes by anyone but an officer).
/// </summary>
public sealed class PoliciesModel(PolicyAdministration policies, IMeetingStore meetings, IIdentityStore identity, Texts texts, TimeProvider time) : PageModel
{
    public PolicyVersion? Current { get; private set; }

    public IReadOnlyList<PendingPolicyChange> Pending { get; private set; } = [];

    public IReadOnlyList<PolicyVersion> History { get; private set; } = [];

    public List<FieldError> Errors { get; } = [];

    public List<string> Notices { get; } = [];

    /// <summary>The meetings a previewed change would reach; null when no preview was asked for.</summary>
    public IReadOnlyList<MeetingImpact>? Impacts { get; private set; }

    public Dictionary<string, string> MeetingTitles { get; } = new(StringComparer.Ordinal);

    /// <summary>Staff names by user id, for the history and the pending list.</summary>
    public Dictionary<string, string> Names { get; } = new(StringComparer.Ordinal);

    /// <summary>The level whose edit form is shown.</summary>
    public PolicyLevel? Editing { get; private set; }

    [BindProperty]
    public LevelForm Form { get; set; } = new();

    public bool CanChange => User.IsInRole(RoleNames.SecurityOfficer);

    public async Task OnGetAsync(string? edit)
    {
        await LoadAsync();
        if (CanChange && Current is not null && Current.Set.TryGet(edit, out var level))
        {
            Editing = level;
            Form = LevelForm.From(level);
        }
    }

    public async Task<IActionResult> OnPostProposeAsync()
    {
        if (!CanChange)
        {
            return Forbid();
        }

        await LoadAsync();
        var proposed = Build();
        if (proposed is null)
        {
            return Page();
        }

        var outcome = await policies.ProposeAsync(AdminActor.Of(User), proposed, string.IsNullOrWhiteSpace(Form.Comment) ? null : Form.Comment.Trim(), HttpContext.RequestAborted);
        if (!outcome.Succeeded)
        {
            AddFailure(outcome.Message, outcome.Errors?.All().Select(e => e.Message));
            return Page();
        }

        var result = outcome.Value!;
        if (result.Applied is not null)
        {
            Notices.Add(texts.Format("admin.policy.applied", result.Applied.Version));
        }

        if (result.Pending is not null)
        {
            Notices.Add(texts["admin.policy.pending"]);
        }

        Editing = null;
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostPreviewAsync()
    {
        if (!CanChange)
        {
            return Forbid();
        }

        await LoadAsync();
        var proposed = Build();
        if (proposed is null)
        {
            return Page();
        }

        var booked = await meetings.ListScheduledAsync(time.GetUtcNow(), HttpContext.RequestAborted);
        foreach (var meeting in booked)
        {
            MeetingTitles[meeting.Id] = meeting.Title;
        }

        Impacts = await policies.PreviewAsync(proposed, booked.Select(BookedMeetings.Of), HttpContext.RequestAborted);
        return Page();
    }

    public Task<IActionResult> OnPostApproveAsync(string? id) =>
        DecideAsync(async actor =>
        {
            var outcome = await policies.ApproveAsync(actor, id ?? string.Empty, HttpContext.RequestAborted);
            return (outcome.Succeeded ? texts.Format("admin.policy.approved", outcome.Value!.Version) : null, outcome.Message);
        });

    public Task<IActionResult> OnPostRejectAsync(string? id) =>
        DecideAsync(async actor =>
        {
            var outcome = await policies.RejectAsync(actor, id ?? string.Empty, HttpContext.RequestAborted);
            return (outcome.Succeeded ? texts["admin.policy.rejected"] : null, outcome.Message);
        });

    public Task<IActionResult> OnPostInstallAsync(string? preset) =>
        DecideAsync(async actor =>
        {
            var outcome = await policies.InstallAsync(actor, preset ?? string.Empty, HttpContext.RequestAborted);
            return (null, outcome.Succeeded ? null : outcome.Message);
        });

    /// <summary>Runs an officer's decision; it answers with a notice on success or a message key on failure.</summary>
    private async Task<IActionResult> DecideAsync(Func<StaffActor, Task<(string? Notice, string? Failure)>> decide)
    {
        if (!CanChange)
        {
            return Forbid();
        }

        var (notice, failure) = await decide(AdminActor.Of(User));
        if (notice is not null)
        {
            Notices.Add(notice);
        }
        else if (failure is not null)
        {
            AddFailure(failure, null);
        }

        await LoadAsync();
        return Page();
    }

    /// <summary>The current set with the edited level's controls replaced; null with errors when the form is not valid.</summary>
    private PolicySet? Build()
    {
        if (Current is null || !Current.Set.TryGet(Form.LevelId, out var level))
        {
            Errors.Add(new FieldError("levels", texts["admin.policy.invalid.level"]));
            return null;
        }

        Editing = level;
        var controls = Form.ToControls(texts, Errors);
        if (controls is null)
        {
            return null;
        }

        // The domain's own checks (for example chat kept longer than the meeting's data) in case the form's ranges miss one.
        foreach (var problem in controls.Validate())
        {
            Errors.Add(new FieldError("maxParticipants", problem));
        }

        return Errors.Count == 0 ? Current.Set.WithLevel(level.WithControls(controls)) : null;
    }

    private void AddFailure(string? message, IEnumerable<string>? details)
    {
        var problems = details?.ToList() ?? [];
        if (problems.Count > 0)
        {
            // The domain's validation texts are English sentences for the officer's form.
            Errors.AddRange(problems.Select(p => new FieldError("levels", p)));
        }
        else
        {
            Errors.Add(new FieldError("levels", texts[message ?? "form.errors"]));
        }
    }

    private async Task LoadAsync()
    {
        var cancel = HttpContext.RequestAborted;
        Current = await policies.CurrentAsync(cancel);
        Pending = await policies.PendingAsync(cancel);
        History = [.. (await policies.HistoryAsync(cancel)).Reverse()];
        var ids = History.SelectMany(v => new[] { v.ProposedBy, v.ApprovedBy }).Concat(Pending.Select(p => p.ProposedBy)).OfType<string>().Distinct(StringComparer.Ordinal);
        foreach (var id in ids.Where(i => !Names.ContainsKey(i)))
        {
            Names[id] = (await identity.FindUserByIdAsync(id, cancel))?.DisplayName ?? id;
        }
    }
}
