using Microsoft.AspNetCore.DataProtection;

namespace Appliance.Host.Identity;

/// <summary>
/// Remembers, for five minutes, whose password was right while they give their code or enrol their authenticator.
/// It is not a session: it opens only the second-factor pages.
/// </summary>
public sealed class PendingSignIn(IDataProtectionProvider protection, TimeProvider time)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
    private readonly ProtectedCookie _cookie = new(protection, time, "__Host-appliance-pending", "Appliance.PendingSignIn.v1");

    /// <summary>Starts the second step for a user.</summary>
    public void Begin(HttpResponse response, string userId) => _cookie.Write(response, userId, time.GetUtcNow() + Lifetime);

    /// <summary>The user id of the pending sign-in, or null when there is none or it has expired or been tampered with.</summary>
    public string? Read(HttpRequest request) => _cookie.Read(request);

    /// <summary>Ends the second step.</summary>
    public void End(HttpResponse response) => _cookie.Delete(response);
}
