using System.Globalization;
using System.Text.Json;
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
            case "bench":
                return await BenchAsync(options, string.Join(' ', args), log, cancellationToken).ConfigureAwait(false);
            case "report":
                var directory = options.Get("out", DefaultResultsDirectory)!;
                var saved = JsonSerializer.Deserialize<BenchmarkResults>(await File.ReadAllTextAsync(Path.Combine(directory, "results.json"), cancellationToken).ConfigureAwait(false), BenchmarkResults.Json)!;
                await WriteReportAsync(saved, directory, log, cancellationToken).ConfigureAwait(false);
                return 0;
            default:
                await log.WriteLineAsync(Usage).ConfigureAwait(false);
                return 64;
        }
    }

    private const string Usage = """
        usage: Appliance.LoadGen smoke [--sfu appliance|janus|both] [--participants N] [--profile gcm|cm] [--sfu-cpus LIST]
               Appliance.LoadGen bench [--out DIR] [--sfus appliance,janus] [--workloads W1,W2,W3,W4] [--profiles gcm,cm]
                                       [--runs 3] [--other-profile-runs 1] [--warmup S] [--steady S] [--ramp-warmup S] [--ramp-steady S]
                                       [--sfu-cpus 1|none] [--w3-steps 10,30,...] [--w4-steps 50,100,...] [--budget-minutes 24] [--quick]
               Appliance.LoadGen report [--out DIR]      (RESULTS.md and chart.png again from DIR/results.json)
        """;

    /// <summary>Where the committed results live, relative to the repository root (the working folder of tests/bench.sh).</summary>
    public const string DefaultResultsDirectory = "tests/Appliance.LoadGen/results";

    private static async Task<int> BenchAsync(Options options, string command, TextWriter log, CancellationToken cancellationToken)
    {
        var directory = Path.GetFullPath(options.Get("out", DefaultResultsDirectory)!);
        var defaults = options.Get("quick", null) is not null ? BenchmarkOptions.Quick(directory) : new BenchmarkOptions { OutputDirectory = directory };
        static IReadOnlyList<string> List(string value) => value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        TimeSpan Seconds(string name, TimeSpan fallback) => TimeSpan.FromSeconds(options.GetDouble(name, fallback.TotalSeconds));
        var cpus = options.Get("sfu-cpus", defaults.SfuCpus);
        var benchmark = defaults with
        {
            Sfus = options.Get("sfus", null) is { } sfus ? List(sfus) : defaults.Sfus,
            Workloads = options.Get("workloads", null) is { } workloads ? List(workloads) : defaults.Workloads,
            Profiles = options.Get("profiles", null) is { } profiles ? List(profiles).Select(ParseProfile).ToList() : defaults.Profiles,
            Runs = options.GetInt("runs", defaults.Runs),
            OtherProfileRuns = options.GetInt("other-profile-runs", defaults.OtherProfileRuns),
            Timing = new RunTiming(Seconds("warmup", defaults.Timing.WarmUp), Seconds("steady", defaults.Timing.Steady), Seconds("ramp-warmup", defaults.Timing.RampWarmUp), Seconds("ramp-steady", defaults.Timing.RampSteady)),
            SfuCpus = cpus == "none" ? null : cpus,
            Budget = TimeSpan.FromMinutes(options.GetDouble("budget-minutes", defaults.Budget.TotalMinutes)),
            W3Steps = options.Get("w3-steps", null) is { } w3 ? List(w3).Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList() : defaults.W3Steps,
            W4Steps = options.Get("w4-steps", null) is { } w4 ? List(w4).Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList() : defaults.W4Steps,
        };
        var started = TimeProvider.System.GetTimestamp();
        var results = new BenchmarkResults
        {
            StartedAt = TimeProvider.System.GetUtcNow(),
            Duration = TimeSpan.Zero,
            CpuModel = Measurement.ProcessSample.CpuModel(),
            Cores = Measurement.ProcessSample.MachineCores(),
            Commit = options.Get("commit", "unknown")!,
            Command = options.Get("command", "Appliance.LoadGen " + command)!,
            Options = benchmark,
            LoadAtStart = Measurement.ProcessSample.LoadAverages(),
        };
        await Benchmark.RunAsync(benchmark, results, log, cancellationToken).ConfigureAwait(false);
        results.Duration = TimeProvider.System.GetElapsedTime(started);
        results.LoadAtEnd = Measurement.ProcessSample.LoadAverages();
        await Benchmark.SaveAsync(results, directory, cancellationToken).ConfigureAwait(false);
        await WriteReportAsync(results, directory, log, cancellationToken).ConfigureAwait(false);
        return results.Windows.Count > 0 ? 0 : 1;
    }

    private static async Task WriteReportAsync(BenchmarkResults results, string directory, TextWriter log, CancellationToken cancellationToken)
    {
        // notes.md is the hand-written closing note (profiling, fixes, figures before and after), kept across runs.
        var notesFile = Path.Combine(directory, "notes.md");
        var notes = File.Exists(notesFile) ? await File.ReadAllTextAsync(notesFile, cancellationToken).ConfigureAwait(false) : null;
        await File.WriteAllTextAsync(Path.Combine(directory, "RESULTS.md"), Report.MarkdownReport.Render(results, notes), cancellationToken).ConfigureAwait(false);
        await Report.Chart.DrawAsync(results, directory, log, cancellationToken).ConfigureAwait(false);
        await log.WriteLineAsync($"Wrote {Path.Combine(directory, "RESULTS.md")}").ConfigureAwait(false);
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
