using System.Globalization;
using Appliance.AdminUi.Policies;
using Appliance.AdminUi.Maintenance;
using Appliance.Core.Audit;
using Appliance.Core.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Appliance.AdminUi.Areas.Admin.Pages;

/// <summary>
/// The operator's system page: TLS certificate upload (used from the next start), TURN and SIP settings (stored for
/// when those features are enabled; nothing uses them yet) and backups. Every change is audited.
/// </summary>
public sealed class SystemModel(ISystemAdministration system, IAuditLog audit, Texts texts) : PageModel
{
    private static readonly string[] Transports = ["TLS", "TCP", "UDP"];

    public List<FieldError> Errors { get; } = [];

    public string? Notice { get; private set; }

    [BindProperty]
    public string? CertificatePem { get; set; }

    [BindProperty]
    public string? KeyPem { get; set; }

    [BindProperty]
    public string? TurnUris { get; set; }

    [BindProperty]
    public string? TurnRealm { get; set; }

    [BindProperty]
    public string? SipTrunkHost { get; set; }

    [BindProperty]
    public string? SipTrunkPort { get; set; }

    [BindProperty]
    public string? SipTransport { get; set; }

    [BindProperty]
    public string? SipDialInNumber { get; set; }

    [BindProperty]
    public string? Backup { get; set; }

    [BindProperty]
    public bool Confirmed { get; set; }

    public static IReadOnlyList<string> TransportChoices => Transports;

    public IReadOnlyList<BackupSummary> Backups { get; private set; } = [];

    public RestoreRequest? PendingRestore { get; private set; }

    public RestoreRequest? FailedRestore { get; private set; }

    public void OnGet() => Fill(system.ReadSettings());

    public async Task<IActionResult> OnPostCertificateAsync()
    {
        var problems = system.InstallCertificate(CertificatePem ?? string.Empty, KeyPem ?? string.Empty, out var subject);
        Errors.AddRange(problems.Select(p => new FieldError("certificatePem", texts[p])));
        await audit.AppendAsync(
            new AuditEvent(AdminActor.Of(User).UserId, AuditAction.CertificateInstalled, subject ?? string.Empty, problems.Count == 0 ? AuditOutcome.Success : AuditOutcome.Failed),
            HttpContext.RequestAborted);
        if (problems.Count == 0)
        {
            Notice = texts.Format("admin.system.cert.installed", subject);
        }

        // The key never goes back to the browser.
        CertificatePem = KeyPem = null;
        Fill(system.ReadSettings());
        return Page();
    }

    public async Task<IActionResult> OnPostNetworkAsync()
    {
        var uris = (TurnUris ?? string.Empty).Split(['\n', '\r'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var uri in uris.Where(u => !IsTurnUri(u)))
        {
            Errors.Add(new FieldError("turnUris", texts.Format("admin.system.invalid.turn", uri)));
        }

        if ((TurnRealm ?? string.Empty).Length > 100 || (TurnRealm ?? string.Empty).Any(char.IsControl))
        {
            Errors.Add(new FieldError("turnRealm", texts["admin.system.invalid.realm"]));
        }

        var host = (SipTrunkHost ?? string.Empty).Trim();
        if (host.Length > 0 && Uri.CheckHostName(host) == UriHostNameType.Unknown)
        {
            Errors.Add(new FieldError("sipTrunkHost", texts["admin.system.invalid.host"]));
        }

        if (!int.TryParse(SipTrunkPort, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            Errors.Add(new FieldError("sipTrunkPort", texts["admin.system.invalid.port"]));
        }

        if (!Transports.Contains(SipTransport))
        {
            Errors.Add(new FieldError("sipTransport", texts["admin.system.invalid.transport"]));
        }

        var number = (SipDialInNumber ?? string.Empty).Trim();
        if (number.Length > 0 && (number[0] != '+' || number.Length > 16 || number.Length < 8 || !number[1..].All(char.IsAsciiDigit)))
        {
            Errors.Add(new FieldError("sipDialInNumber", texts["admin.system.invalid.number"]));
        }

        if (Errors.Count == 0)
        {
            system.SaveSettings(new NetworkSettings(uris, (TurnRealm ?? string.Empty).Trim(), host, port, SipTransport!, number));
            await audit.AppendAsync(new AuditEvent(AdminActor.Of(User).UserId, AuditAction.SettingsChanged, "network", AuditOutcome.Success), HttpContext.RequestAborted);
            Notice = texts["admin.system.network.saved"];
        }

        // The posted settings stay in the form (with their errors); only the backup list is read.
        LoadBackups();
        return Page();
    }

    public async Task<IActionResult> OnPostBackupAsync()
    {
        var folder = await system.BackupAsync(HttpContext.RequestAborted);
        await audit.AppendAsync(new AuditEvent(AdminActor.Of(User).UserId, AuditAction.BackupCreated, Path.GetFileName(folder), AuditOutcome.Success), HttpContext.RequestAborted);
        Notice = texts.Format("admin.system.backup.done", folder);
        Fill(system.ReadSettings());
        return Page();
    }

    /// <summary>
    /// Marks a listed backup for restoring at the next start. The operator must tick the confirmation: the database
    /// goes back to the backup's state (the audit log does not). The name must be one the page listed.
    /// </summary>
    public async Task<IActionResult> OnPostRestoreAsync()
    {
        var actor = AdminActor.Of(User).UserId;
        var name = Backup ?? string.Empty;
        var listed = system.ListBackups().Any(b => b.Restorable && string.Equals(b.Name, name, StringComparison.Ordinal));
        if (!listed)
        {
            Errors.Add(new FieldError("restore-title", texts["admin.system.restore.unknown"]));
        }
        else if (!Confirmed)
        {
            Errors.Add(new FieldError("confirm-" + name, texts["admin.system.restore.confirm.missing"]));
        }
        else if (system.RequestRestore(name, actor))
        {
            Notice = texts.Format("admin.system.restore.requested", name);
        }
        else
        {
            Errors.Add(new FieldError("restore-title", texts["admin.system.restore.unknown"]));
        }

        var details = new Dictionary<string, string>(StringComparer.Ordinal) { ["step"] = "requested" };
        // A name that is not a backup is not written to the log as given: it is whatever the request carried.
        var target = listed ? name : "?";
        await audit.AppendAsync(new AuditEvent(actor, AuditAction.RestoreRequested, target, Errors.Count == 0 ? AuditOutcome.Success : AuditOutcome.Failed, details), HttpContext.RequestAborted);
        Fill(system.ReadSettings());
        return Page();
    }

    public async Task<IActionResult> OnPostCancelRestoreAsync()
    {
        var pending = system.PendingRestore();
        if (system.CancelRestore())
        {
            await audit.AppendAsync(
                new AuditEvent(AdminActor.Of(User).UserId, AuditAction.RestoreRequested, pending?.Backup ?? "?", AuditOutcome.Success, new Dictionary<string, string>(StringComparer.Ordinal) { ["step"] = "cancelled" }),
                HttpContext.RequestAborted);
            Notice = texts["admin.system.restore.cancelled"];
        }

        Fill(system.ReadSettings());
        return Page();
    }

    private static bool IsTurnUri(string text) =>
        (text.StartsWith("turn:", StringComparison.Ordinal) || text.StartsWith("turns:", StringComparison.Ordinal))
        && text.Length <= 200
        && Uri.CheckHostName(text[(text.IndexOf(':', StringComparison.Ordinal) + 1)..].Split('?')[0].Split(':')[0]) != UriHostNameType.Unknown;

    private void Fill(NetworkSettings settings)
    {
        TurnUris = string.Join('\n', settings.TurnUris);
        TurnRealm = settings.TurnRealm;
        SipTrunkHost = settings.SipTrunkHost;
        SipTrunkPort = settings.SipTrunkPort.ToString(CultureInfo.InvariantCulture);
        SipTransport = settings.SipTransport;
        SipDialInNumber = settings.SipDialInNumber;
        LoadBackups();
    }

    private void LoadBackups()
    {
        Backups = system.ListBackups();
        PendingRestore = system.PendingRestore();
        FailedRestore = system.FailedRestore();
    }
}
