using Appliance.Host.Configuration;
using Microsoft.AspNetCore.Mvc;

namespace Appliance.Host.Pages;

/// <summary>Says why a sign-in at the IdP was not accepted here: too weak, no role, disabled here, or failed.</summary>
public sealed class SignInRefusedModel(ApplianceOptions options) : AppPageModel
{
    private static readonly string[] Reasons = ["weak", "norole", "disabled", "failed"];

    /// <summary>One of the known reasons; anything else in the query reads as "failed".</summary>
    [BindProperty(SupportsGet = true, Name = "reason")]
    public string? Reason { get; set; }

    public string OrganisationName => OrganisationDisplay.NameOf(options.Oidc);

    /// <summary>Whether signing in at the IdP again can help (not for a disabled account or a missing role).</summary>
    public bool CanTryAgain => options.Oidc.Enabled && Reason is "weak" or "failed";

    public void OnGet() => Reason = Reasons.Contains(Reason, StringComparer.Ordinal) ? Reason : "failed";
}
