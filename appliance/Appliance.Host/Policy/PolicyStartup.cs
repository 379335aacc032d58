using Appliance.Core.Policy;

namespace Appliance.Host.Policy;

/// <summary>
/// Puts the configured preset in force on the first start (installed by "system") and loads the version in force into
/// <see cref="ActivePolicy"/>, before the appliance listens; afterwards keeps it current as versions are applied.
/// Registered before the other hosted services, so that nothing serves a request under the placeholder set.
/// </summary>
public sealed class PolicyStartup(PolicyAdministration administration, ActivePolicy active, PolicyOptions options, ILogger<PolicyStartup> log) : IHostedService
{
    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        administration.Applied += OnApplied;
        var current = await administration.CurrentAsync(cancellationToken);
        if (current is null)
        {
            var installed = await administration.InstallAtFirstStartAsync(options.Preset, cancellationToken);
            current = installed.Value ?? await administration.CurrentAsync(cancellationToken)
                ?? throw new InvalidOperationException($"The policy preset '{options.Preset}' could not be installed: {installed.Message}.");
            log.LogInformation("Classification policy {Preset} installed as version 1", options.Preset);
        }

        active.Apply(current);
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken)
    {
        administration.Applied -= OnApplied;
        return Task.CompletedTask;
    }

    private void OnApplied(object? sender, PolicyAppliedEventArgs e) => active.Apply(e.Version);
}

/// <summary>Settings of the classification policy (section "Appliance:Policy").</summary>
public sealed class PolicyOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Appliance:Policy";

    /// <summary>The preset installed as version 1 on the first start: basic, se, dk or eu. Ignored once a policy exists.</summary>
    public string Preset { get; set; } = PolicyPresets.BasicId;

    /// <summary>The preset named by <see cref="Preset"/>; throws <see cref="InvalidOperationException"/> naming the known ids otherwise.</summary>
    public PolicySet ValidatedPreset()
    {
        if (PolicyPresets.TryGet(Preset, out var preset))
        {
            return preset;
        }

        throw new InvalidOperationException(
            $"The setting Appliance:Policy:Preset is '{Preset}', which is no policy preset; choose one of {string.Join(", ", PolicyPresets.All.Select(p => p.SchemeId))}.");
    }
}
