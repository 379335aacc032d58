namespace Appliance.Host.Pages;

/// <summary>Shown when a signed-in person lacks the role for a page.</summary>
public sealed class DeniedModel : AppPageModel;
