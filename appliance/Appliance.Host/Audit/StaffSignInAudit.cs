using Appliance.Core.Audit;

namespace Appliance.Host.Audit;

/// <summary>
/// Staff sign-ins and sign-outs in the audit log: who (user id when known), from where, by which method and how it
/// ended. Never the user name typed (it may be a mistyped password), the password, the code or a token. The local
/// sign-in pages call it; an OIDC sign-in calls <see cref="SignedInAsync"/> with method "oidc" and the provider's
/// amr/acr, and <see cref="FailedAsync"/> when the provider's answer is refused.
/// </summary>
public sealed class StaffSignInAudit(IAuditLog audit)
{
    /// <summary>The actor of an attempt whose account is not known.</summary>
    public const string UnknownActor = "anonymous";

    /// <summary>A completed sign-in.</summary>
    /// <param name="context">The request (for the client address).</param>
    /// <param name="userId">The staff member.</param>
    /// <param name="method">"local" (password and one-time code) or "oidc".</param>
    /// <param name="amr">The authentication methods (RFC 8176).</param>
    /// <param name="acr">The OIDC acr, when there is one.</param>
    public Task SignedInAsync(HttpContext context, string userId, string method, IEnumerable<string> amr, string? acr = null)
    {
        ArgumentNullException.ThrowIfNull(amr);
        var details = Details(context, method);
        details["amr"] = string.Join(' ', amr);
        if (!string.IsNullOrEmpty(acr))
        {
            details["acr"] = acr.Length > 100 ? acr[..100] : acr;
        }

        return AppendAsync(userId, AuditOutcome.Success, details);
    }

    /// <summary>A refused attempt: wrong password or code (<paramref name="lockedOut"/> false) or a locked account.</summary>
    /// <param name="context">The request.</param>
    /// <param name="userId">The account when the attempt got as far as knowing it; otherwise null.</param>
    /// <param name="method">"local" or "oidc".</param>
    /// <param name="step">"password", "code", "enrolment" or the OIDC step.</param>
    /// <param name="lockedOut">True when the account is locked.</param>
    public Task FailedAsync(HttpContext context, string? userId, string method, string step, bool lockedOut)
    {
        var details = Details(context, method);
        details["step"] = step;
        details["reason"] = lockedOut ? "locked" : "failed";
        return AppendAsync(userId ?? UnknownActor, lockedOut ? AuditOutcome.Denied : AuditOutcome.Failed, details);
    }

    /// <summary>A sign-out.</summary>
    public Task SignedOutAsync(HttpContext context, string userId) =>
        audit.AppendAsync(new AuditEvent(userId, AuditAction.SignOut, userId, AuditOutcome.Success, Details(context, "session")), context.RequestAborted);

    private async Task AppendAsync(string actor, AuditOutcome outcome, Dictionary<string, string> details) =>
        await audit.AppendAsync(new AuditEvent(actor, AuditAction.SignIn, actor, outcome, details));

    private static Dictionary<string, string> Details(HttpContext context, string method)
    {
        ArgumentNullException.ThrowIfNull(context);
        var details = new Dictionary<string, string>(StringComparer.Ordinal) { ["method"] = method };
        if (context.Connection.RemoteIpAddress is { } address)
        {
            details["client"] = address.ToString();
        }

        return details;
    }
}
