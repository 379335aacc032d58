using Appliance.Host.Configuration;

namespace Appliance.Host.Meetings;

/// <summary>Builds the guest links that invitations are sent as.</summary>
public sealed class InvitationLinks(ApplianceOptions options)
{
    /// <summary>The link for a token: the configured public address, else the address of the current request.</summary>
    public Uri For(HttpRequest request, string token)
    {
        ArgumentNullException.ThrowIfNull(request);
        var root = options.PublicUrl?.AbsoluteUri ?? $"{request.Scheme}://{request.Host.ToUriComponent()}/";
        if (!root.EndsWith('/'))
        {
            root += "/";
        }

        return new Uri(new Uri(root), "j/" + token);
    }
}
