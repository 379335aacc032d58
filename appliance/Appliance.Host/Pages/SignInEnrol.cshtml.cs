using Appliance.Core.Identity;
using Appliance.Crypto;
using Appliance.Host.Identity;
using Appliance.Host.Operations;
using Appliance.Host.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using QRCoder;

namespace Appliance.Host.Pages;

/// <summary>
/// Enrolment of the authenticator app: every local account has a second factor before it can do anything.
/// </summary>
[EnableRateLimiting(RateLimits.SignIn)]
public sealed class SignInEnrolModel(LocalAccounts accounts, IIdentityStore store, PendingSignIn pending, ApplianceMetrics metrics, ILogger<SignInEnrolModel> logger) : AppPageModel
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty]
    public string? Code { get; set; }

    public string Secret { get; private set; } = "";

    public string SecretGrouped { get; private set; } = "";

    public string QrDataUri { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync() => await ShowAsync() ? Page() : Redirect("/signin");

    public async Task<IActionResult> OnPostAsync()
    {
        var userId = pending.Read(Request);
        if (userId is null)
        {
            return Redirect("/signin");
        }

        var result = await accounts.ConfirmEnrolmentAsync(userId, Code, HttpContext.RequestAborted);
        metrics.SignIn("enrol_" + result.Status.ToString().ToLowerInvariant());
        if (result.Status == SignInStatus.SignedIn)
        {
            logger.LogInformation("Staff member {UserId} enrolled an authenticator", userId);
        }
        else if (result.Status != SignInStatus.LockedOut && !await ShowAsync())
        {
            return Redirect("/signin");
        }

        return await SignInFlow.CompleteAsync(this, result, ReturnUrl, logger);
    }

    private async Task<bool> ShowAsync()
    {
        var userId = pending.Read(Request);
        var user = userId is null ? null : await store.FindUserByIdAsync(userId, HttpContext.RequestAborted);
        var secret = user is null ? null : await accounts.BeginEnrolmentAsync(user.Id, HttpContext.RequestAborted);
        if (user is null || secret is null)
        {
            return false;
        }

        Secret = Base32.Encode(secret);
        SecretGrouped = string.Join(' ', Secret.Chunk(4).Select(c => new string(c)));
        var uri = Totp.ProvisioningUri(T["app.name"], user.UserName, secret);
        using var data = QRCodeGenerator.GenerateQrCode(uri, QRCodeGenerator.ECCLevel.M);
        var png = new PngByteQRCode(data).GetGraphic(5);
        QrDataUri = "data:image/png;base64," + Convert.ToBase64String(png);
        return true;
    }
}
