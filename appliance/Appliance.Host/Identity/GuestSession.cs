using Microsoft.AspNetCore.DataProtection;

namespace Appliance.Host.Identity;

/// <summary>
/// After a guest has given the right PIN, remembers that for this invitation (until it expires), so that reloading the
/// waiting page does not ask again. Holds the invitation id only.
/// </summary>
public sealed class GuestSession(IDataProtectionProvider protection, TimeProvider time)
{
    private readonly ProtectedCookie _cookie = new(protection, time, "__Host-appliance-guest", "Appliance.GuestSession.v1");

    /// <summary>Registers the service.</summary>
    public static void Add(IServiceCollection services)
    {
        services.AddSingleton<GuestSession>();
        services.AddSingleton<PendingSignIn>();
    }

    /// <summary>Remembers that the PIN of this invitation was given.</summary>
    public void RememberPin(HttpResponse response, string invitationId, DateTimeOffset expires) => _cookie.Write(response, invitationId, expires);

    /// <summary>True when this browser gave the PIN for the invitation.</summary>
    public bool HasGivenPin(HttpRequest request, string invitationId) =>
        string.Equals(_cookie.Read(request), invitationId, StringComparison.Ordinal);
}
