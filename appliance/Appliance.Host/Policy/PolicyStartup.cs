using Appliance.Core.Policy;

namespace Appliance.Host.Policy;

/// <summary>
/// Puts the configured preset in force on the first start (installed by "system") and loads the version in force into
/// <see cref="ActivePolicy"/>, before the appliance listens; afterwards keeps it current as versions are applied.
/// Registered before the other hosted services, so that nothing serves a request under the placeholder set.
/// </summary>
public sealed class PolicyStartup(PolicyAdministration administration, ActivePolicy active, FirstStartPolicy preset, ILogger<PolicyStartup> log) : IHostedService
{
    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        administration.Applied += OnApplied;
        var current = await administration.CurrentAsync(cancellationToken);
        if (current is null)
        {
            var installed = await administration.InstallAtFirstStartAsync(preset.Set, cancellationToken);
            current = installed.Value ?? await administration.CurrentAsync(cancellationToken)
                ?? throw new InvalidOperationException($"The policy {preset.Source} could not be installed: {installed.Message}.");
            log.LogInformation("Classification policy {Source} installed as version 1", preset.Source);
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

/// <summary>
/// The set <see cref="PolicyOptions.ValidatedPreset"/> gave when the start read the settings: installed as version 1 if
/// no policy exists yet, so that the file is read and checked once and what is installed is what was checked.
/// </summary>
/// <param name="Set">The validated set.</param>
/// <param name="Source">Where it came from, for log lines (<see cref="PolicyOptions.Source"/>).</param>
public sealed record FirstStartPolicy(PolicySet Set, string Source);

/// <summary>Settings of the classification policy (section "Appliance:Policy").</summary>
public sealed class PolicyOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Appliance:Policy";

    /// <summary>The preset installed as version 1 on the first start: basic, se, dk or eu. Ignored once a policy exists.</summary>
    public string Preset { get; set; } = PolicyPresets.BasicId;

    /// <summary>
    /// A policy set as JSON (the form the policy pages export: levels and their controls) installed as version 1 on
    /// the first start instead of <see cref="Preset"/>, for an agency that prepared its own; ignored once a policy
    /// exists. Read and validated at every start, so that a broken file stops the start instead of going unnoticed.
    /// </summary>
    public string? PresetFile { get; set; }

    /// <summary>What is installed at the first start, for log lines: the preset id or the file.</summary>
    public string Source => PresetFile is { Length: > 0 } file ? $"from {file}" : $"preset '{Preset}'";

    /// <summary>
    /// The set named by <see cref="PresetFile"/> or <see cref="Preset"/>; throws <see cref="InvalidOperationException"/>
    /// naming the known ids, or what is wrong with the file, otherwise.
    /// </summary>
    public PolicySet ValidatedPreset()
    {
        if (PresetFile is { Length: > 0 } file)
        {
            return ReadPresetFile(file);
        }

        if (PolicyPresets.TryGet(Preset, out var preset))
        {
            return preset;
        }

        throw new InvalidOperationException(
            $"The setting Appliance:Policy:Preset is '{Preset}', which is no policy preset; choose one of {string.Join(", ", PolicyPresets.All.Select(p => p.SchemeId))}.");
    }

    private static PolicySet ReadPresetFile(string file)
    {
        const string Setting = "The setting Appliance:Policy:PresetFile";
        PolicySet set;
        try
        {
            var info = new FileInfo(file);
            if (!info.Exists || info.Length > MaxPresetFileBytes)
            {
                throw new InvalidOperationException($"{Setting} names '{file}', which is {(info.Exists ? $"larger than {MaxPresetFileBytes / 1024} KiB" : "not a file")}.");
            }

            set = PolicyJson.Deserialize(File.ReadAllText(file));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            throw new InvalidOperationException($"{Setting} names '{file}', which cannot be read as a policy: {ex.Message}", ex);
        }

        var problems = set.Validate();
        return problems.Count == 0
            ? set
            : throw new InvalidOperationException($"{Setting} names '{file}', whose policy is not valid: {string.Join(" ", problems)}");
    }

    // A policy of a few dozen levels is a few tens of kilobytes.
    private const int MaxPresetFileBytes = 1024 * 1024;
}
