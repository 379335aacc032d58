using Appliance.Core.Audit;
using Appliance.Core.Identity;
using Microsoft.AspNetCore.Mvc;

namespace Appliance.Host.Pages.Account;

/// <summary>Personal API tokens, so that a case-management system can act for the signed-in staff member.</summary>
public sealed class ApiTokensModel(LocalAccounts accounts, IIdentityStore store, TimeProvider clock, IAuditLog audit, ILogger<ApiTokensModel> logger) : AppPageModel
{
    public IReadOnlyList<ApiToken> Tokens { get; private set; } = [];

    public string? NewToken { get; private set; }

    public DateTimeOffset Now => clock.GetUtcNow();

    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public int Days { get; set; } = 90;

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostCreateAsync()
    {
        if (ModelState[nameof(Days)]?.Errors.Count > 0)
        {
            var errors = new Appliance.Core.Validation.ValidationErrors();
            errors.Add("lifetimeDays", Appliance.Core.Validation.Messages.InvalidExpiry);
            AddErrors(errors);
            await LoadAsync();
            return Page();
        }

        var outcome = await accounts.CreateApiTokenAsync(Actor, Name, TimeSpan.FromDays(Days), HttpContext.RequestAborted);
        if (outcome.Succeeded)
        {
            NewToken = outcome.Value.Secret;
            logger.LogInformation("API token {TokenId} created by {UserId}", outcome.Value.Token.Id, Actor.UserId);
            // By id and lifetime: the secret is shown once to its owner and never recorded.
            await audit.AppendAsync(
                new AuditEvent(Actor.UserId, AuditAction.ApiTokenCreated, outcome.Value.Token.Id, AuditOutcome.Success, new Dictionary<string, string> { ["days"] = Days.ToString(System.Globalization.CultureInfo.InvariantCulture) }),
                HttpContext.RequestAborted);
            Name = null;
        }
        else
        {
            AddErrors(outcome.Errors!);
        }

        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(string? tokenId)
    {
        if (tokenId is not null && await accounts.RevokeApiTokenAsync(Actor, tokenId, HttpContext.RequestAborted))
        {
            logger.LogInformation("API token {TokenId} revoked by {UserId}", tokenId, Actor.UserId);
            await audit.AppendAsync(new AuditEvent(Actor.UserId, AuditAction.ApiTokenRevoked, tokenId, AuditOutcome.Success), HttpContext.RequestAborted);
        }

        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync() => Tokens = await store.ListApiTokensAsync(Actor.UserId, HttpContext.RequestAborted);
}
