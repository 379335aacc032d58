using System.Net;
using System.Security.Claims;
using Appliance.Core.Identity;
using Appliance.Core.Policy;
using Appliance.Host.Identity;

namespace Appliance.Host.Policy;

/// <summary>How the classification policy sees the person behind a request: who, from where, signed in how strongly.</summary>
public static class PolicyActors
{
    /// <summary>
    /// A signed-in staff member from the session's claims: "amr" values (local sign-in sets "pwd" and "otp", which is
    /// MFA; OIDC sign-in passes the provider's) and "acr" when present, and the request's client address.
    /// </summary>
    public static PolicyActor Staff(HttpContext context, bool isHost = false)
    {
        ArgumentNullException.ThrowIfNull(context);
        var actor = StaffAuthentication.ActorOf(context.User) ?? throw new InvalidOperationException("No signed-in staff member.");
        var (level, amr, acr) = SignInStrength(context.User);
        return PolicyActor.Staff(actor.UserId, actor.Roles, context.Connection.RemoteIpAddress, amr, acr, level, isHost, ClientSupportsEndToEndEncryption);
    }

    /// <summary>The sign-in's strength from its claims.</summary>
    public static (AuthenticationLevel Level, IReadOnlyList<string> Amr, string? Acr) SignInStrength(ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var amr = principal.FindAll("amr").Select(c => c.Value).ToArray();
        var acr = principal.FindFirstValue("acr");
        // A personal API token can only be created in a session signed in with password and one-time code, so a call
        // with it is as strong as that session. If a weaker sign-in can ever create tokens, store the strength on the
        // token and read it here instead.
        var level = amr.Contains("token", StringComparer.Ordinal) ? AuthenticationLevel.Mfa : AuthenticationStrength.LevelFromAmr(amr);
        return (level, amr, acr);
    }

    /// <summary>A guest who opened their link (and gave the PIN when the invitation has one).</summary>
    public static PolicyActor Guest(string invitationId, bool pinShown, IPAddress? clientAddress) =>
        PolicyActor.Guest(invitationId, pinShown ? GuestProof.LinkAndPin : GuestProof.Link, clientAddress, ClientSupportsEndToEndEncryption);

    /// <summary>
    /// Whether the client can take part in end-to-end encryption. SEAM: the e2ee branch adds the capability to the
    /// signalling hello (and <c>EndToEndEncryptionRequired</c> to the level the client sees); until then no client can
    /// state it, and refusing everyone would close every meeting of an encrypted level. The requirement itself is read
    /// from the effective <see cref="PolicyControls.EndToEndEncryptionRequired"/>; replace this constant with the
    /// client's stated capability there.
    /// </summary>
    public const bool ClientSupportsEndToEndEncryption = true;
}
