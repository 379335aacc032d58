namespace Appliance.Core.Identity;

/// <summary>
/// The one-time right to create the first administrator, printed as a link at first start.
/// Only the hash of the token is stored; it expires after 24 hours and is consumed on use.
/// </summary>
public sealed record BootstrapGrant(string TokenHash, DateTimeOffset ExpiresAt);
