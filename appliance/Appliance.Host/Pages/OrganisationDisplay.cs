using Appliance.Core.Localization;
using Appliance.Host.Configuration;

namespace Appliance.Host.Pages;

/// <summary>How the agency's IdP is named on pages.</summary>
internal static class OrganisationDisplay
{
    public static string NameOf(OidcOptions settings) =>
        string.IsNullOrWhiteSpace(settings.OrganisationName) ? Texts.Embedded["signin.organisation.default"] : settings.OrganisationName;
}
