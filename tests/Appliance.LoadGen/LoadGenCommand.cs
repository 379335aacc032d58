using System.Globalization;
using Appliance.Crypto.Srtp;
using Appliance.LoadGen.ApplianceSfu;
using Appliance.LoadGen.Workloads;

namespace Appliance.LoadGen;

/// <summary>
/// The generator's command line:
/// <c>smoke [--sfu appliance|janus|both] [--participants 3] [--profile gcm|cm]</c> runs a few seconds and prints one line
/// per SFU; <c>bench [options]</c> runs W1–W4 against both SFUs and writes the report.
/// </summary>
public static class LoadGenCommand
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(log);
        var options = Options.Parse(args.Skip(1));
        switch (args.FirstOrDefault())
        {
            case "smoke":
                var results = await SmokeAsync(
                    options.Get("sfu", "both")!, options.GetInt("participants", 3), ParseProfile(options.Get("profile", "gcm")), options.Get("sfu-cpus", null), log, cancellationToken).ConfigureAwait(false);
                foreach (var result in results)
                {
                    await output.WriteLineAsync($"{result.Sfu}: {WorkloadRunner.Summary(result)}").ConfigureAwait(false);
                }

                return results.All(r => r.ForwardedPacketsPerSecond > 0 && r.LatencySamples > 0) ? 0 : 1;
            default:
                await log.WriteLineAsync("usage: Appliance.LoadGen smoke [--sfu appliance|janus|both] [--participants N] [--profile gcm|cm]").ConfigureAwait(false);
                return 64;
        }
    }

    /// <summary>A few seconds of one meeting of <paramref name="participants"/> publishers against each SFU asked for.</summary>
    public static async Task<IReadOnlyList<WorkloadResult>> SmokeAsync(
        string sfu, int participants, SrtpProfile profile, string? sfuCpus, TextWriter log, CancellationToken cancellationToken)
    {
        var results = new List<WorkloadResult>();
        var meeting = new List<IReadOnlyList<ParticipantSpec>> { Enumerable.Repeat(ParticipantSpec.Full, participants).ToList() };
        foreach (var name in sfu == "both" ? new[] { "appliance", "janus" } : [sfu])
        {
            var runner = new WorkloadRunner(() => NewDriver(name, sfuCpus), RunTiming.Smoke, log);
            results.Add(await runner.RunFixedAsync("smoke", meeting, profile, cancellationToken).ConfigureAwait(false));
        }

        return results;
    }

    internal static ISfuDriver NewDriver(string name, string? cpus) => name switch
    {
        "appliance" => new ApplianceDriver(ApplianceDriver.DefaultHostAssembly, cpus),
        "janus" => new JanusSfu.JanusDriver(cpus),
        _ => throw new ArgumentException($"Unknown SFU '{name}'.", nameof(name)),
    };

    internal static SrtpProfile ParseProfile(string? name) => name switch
    {
        "gcm" => SrtpProfile.AeadAes128Gcm,
        "cm" => SrtpProfile.AesCm128HmacSha1_80,
        _ => throw new ArgumentException($"Unknown SRTP profile '{name}' (gcm or cm).", nameof(name)),
    };

    /// <summary>--name value pairs.</summary>
    internal sealed class Options
    {
        private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

        public static Options Parse(IEnumerable<string> arguments)
        {
            var options = new Options();
            string? name = null;
            foreach (var argument in arguments)
            {
                if (argument.StartsWith("--", StringComparison.Ordinal))
                {
                    name = argument[2..];
                    options._values[name] = "true";
                }
                else if (name is not null)
                {
                    options._values[name] = argument;
                    name = null;
                }
            }

            return options;
        }

        public string? Get(string name, string? fallback) => _values.TryGetValue(name, out var value) ? value : fallback;

        public int GetInt(string name, int fallback) =>
            _values.TryGetValue(name, out var value) ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

        public double GetDouble(string name, double fallback) =>
            _values.TryGetValue(name, out var value) ? double.Parse(value, CultureInfo.InvariantCulture) : fallback;
    }
}
