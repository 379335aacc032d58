namespace Appliance.Media.Sfu;

/// <summary>
/// The router's handle for one participant of a meeting, issued by <see cref="SfuRouter.AddParticipant"/>.
/// Handles are never reused within one router, so a stale handle can only miss, never hit someone else.
/// </summary>
/// <param name="Value">The handle's number; meaningful only to the router that issued it.</param>
public readonly record struct ParticipantKey(int Value)
{
    /// <inheritdoc/>
    public override string ToString() => $"P{Value}";
}
