using System.Text.Json;
using System.Text.Json.Serialization;
using Appliance.Crypto.Srtp;

namespace Appliance.LoadGen.Workloads;

/// <summary>What <c>bench</c> runs.</summary>
public sealed record BenchmarkOptions
{
    public required string OutputDirectory { get; init; }

    public IReadOnlyList<string> Sfus { get; init; } = ["appliance", "janus"];

    public IReadOnlyList<string> Workloads { get; init; } = ["W1", "W2", "W3", "W4"];

    public IReadOnlyList<SrtpProfile> Profiles { get; init; } = [SrtpProfile.AeadAes128Gcm, SrtpProfile.AesCm128HmacSha1_80];

    /// <summary>Runs of W1 and W2 with the first profile (the median is reported).</summary>
    public int Runs { get; init; } = 3;

    /// <summary>Runs of W1 and W2 with the other profiles.</summary>
    public int OtherProfileRuns { get; init; } = 1;

    // Each window's SFU is a fresh process: the warm-up must outlast its tiered JIT and the joins' DTLS handshakes, or
    // a ramp step measures them instead of forwarding (60 listeners: 40 % of a core after 6 s, 21 % after 10 s).
    public RunTiming Timing { get; init; } = new(TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(6), TimeSpan.FromSeconds(6), TimeSpan.FromSeconds(4));

    /// <summary>When this much time has passed, what is left is skipped (and said so in the report).</summary>
    public TimeSpan Budget { get; init; } = TimeSpan.FromMinutes(24);

    /// <summary>The CPU list the SFU is pinned to (taskset -c), or null.</summary>
    public string? SfuCpus { get; init; } = "1";

    /// <summary>Listener counts of the W3 ramp; with the other profiles every other step.</summary>
    public IReadOnlyList<int> W3Steps { get; init; } = [10, 30, 60, 120, 200, 320];

    /// <summary>Listener counts of the W4 ramp (the 1,000 last); with the other profiles every other step.</summary>
    public IReadOnlyList<int> W4Steps { get; init; } = [50, 100, 200, 400, 700, 1000];

    /// <summary>Participants of the W1 meeting (50).</summary>
    public int W1Size { get; init; } = 50;

    /// <summary>Meetings and their size in W2 (20 of 5).</summary>
    public (int Meetings, int Size) W2Shape { get; init; } = (20, 5);

    /// <summary>
    /// A pipeline check in well under a minute of load: tiny meetings and ramps, one run, smoke timing. Its figures
    /// mean nothing.
    /// </summary>
    public static BenchmarkOptions Quick(string outputDirectory) => new()
    {
        OutputDirectory = outputDirectory,
        Runs = 1,
        Timing = RunTiming.Smoke,
        W1Size = 4,
        W2Shape = (2, 3),
        W3Steps = [2, 4],
        W4Steps = [2, 4],
    };
}

/// <summary>All windows measured by one benchmark run; what the report and the chart are made from.</summary>
public sealed record BenchmarkResults
{
    public required DateTimeOffset StartedAt { get; init; }

    public required TimeSpan Duration { get; set; }

    public required string CpuModel { get; init; }

    public required int Cores { get; init; }

    public required string Commit { get; init; }

    public required string Command { get; init; }

    /// <summary>The machine's load averages (1, 5, 15 min) when the run started and when it ended: how quiet it was.</summary>
    public string? LoadAtStart { get; init; }

    public string? LoadAtEnd { get; set; }

    public required BenchmarkOptions Options { get; init; }

    /// <summary>Each run of W1/W2 and each step of W3/W4.</summary>
    public List<WorkloadResult> Windows { get; } = [];

    /// <summary>Workloads that failed for an SFU, with why.</summary>
    public List<string> Failures { get; } = [];

    public static JsonSerializerOptions Json { get; } = new()
    {
        WriteIndented = true,
        IncludeFields = true,
        PreferredObjectCreationHandling = JsonObjectCreationHandling.Populate,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
    };
}

/// <summary>
/// W1–W4 against each SFU, profile by profile (GCM first, then AES-CM): W1 one meeting of 50 (all audio, the video of
/// 9 per receiver); W2 20 meetings of 5 (everything forwarded); W3 one publisher and listeners ramped to the knee;
/// W4 10 audio-only speakers and listeners ramped to the knee (the 1,000 is the last step).
/// </summary>
internal static class Benchmark
{
    public static async Task<BenchmarkResults> RunAsync(BenchmarkOptions options, BenchmarkResults results, TextWriter log, CancellationToken cancellationToken)
    {
        var first = true;
        var started = TimeProvider.System.GetTimestamp();
        foreach (var profile in options.Profiles)
        {
            var runs = first ? options.Runs : options.OtherProfileRuns;
            var w3Steps = first ? options.W3Steps : options.W3Steps.Where((_, i) => i % 2 == 1).ToList();
            var w4Steps = first ? options.W4Steps : options.W4Steps.Where((_, i) => i % 2 == 1).ToList();
            first = false;
            foreach (var workload in options.Workloads)
            {
                foreach (var sfu in options.Sfus)
                {
                    if (TimeProvider.System.GetElapsedTime(started) > options.Budget)
                    {
                        results.Failures.Add($"{workload} on {sfu} with {profile}: skipped, the run's time budget of {options.Budget.TotalMinutes:0} minutes was used up");
                        continue;
                    }

                    await log.WriteLineAsync($"{workload} on {sfu} with {profile} ({TimeProvider.System.GetUtcNow():HH:mm:ss})").ConfigureAwait(false);
                    var runner = new WorkloadRunner(() => LoadGenCommand.NewDriver(sfu, options.SfuCpus), options.Timing, log);
                    try
                    {
                        switch (workload)
                        {
                            case "W1":
                                for (var run = 0; run < runs; run++)
                                {
                                    results.Windows.Add(await runner.RunFixedAsync("W1", [Enumerable.Repeat(ParticipantSpec.Full, options.W1Size).ToList()], profile, cancellationToken).ConfigureAwait(false));
                                }

                                break;
                            case "W2":
                                for (var run = 0; run < runs; run++)
                                {
                                    var meetings = Enumerable.Range(0, options.W2Shape.Meetings)
                                        .Select(_ => (IReadOnlyList<ParticipantSpec>)Enumerable.Repeat(ParticipantSpec.Full, options.W2Shape.Size).ToList())
                                        .ToList();
                                    results.Windows.Add(await runner.RunFixedAsync("W2", meetings, profile, cancellationToken).ConfigureAwait(false));
                                }

                                break;
                            case "W3":
                                results.Windows.AddRange(await runner.RunRampAsync("W3", [ParticipantSpec.Full], ParticipantSpec.Listener, w3Steps, profile, cancellationToken).ConfigureAwait(false));
                                break;
                            case "W4":
                                var speakers = Enumerable.Repeat(ParticipantSpec.AudioOnly, 10).ToList();
                                results.Windows.AddRange(await runner.RunRampAsync("W4", speakers, ParticipantSpec.Listener, w4Steps, profile, cancellationToken).ConfigureAwait(false));
                                break;
                            default:
                                throw new ArgumentException($"Unknown workload {workload}.", nameof(options));
                        }
                    }
                    catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or HttpRequestException or IOException
                                                   or System.Net.WebSockets.WebSocketException or Appliance.Crypto.Dtls.DtlsHandshakeException or FormatException
                                                   || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
                    {
                        var failure = $"{workload} on {sfu} with {profile}: {ex.GetType().Name}: {ex.Message}";
                        results.Failures.Add(failure);
                        await log.WriteLineAsync("  FAILED " + failure).ConfigureAwait(false);
                    }

                    // The results so far survive a later failure or an interrupted run.
                    await SaveAsync(results, options.OutputDirectory, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        return results;
    }

    public static async Task SaveAsync(BenchmarkResults results, string directory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, "results.json"), JsonSerializer.Serialize(results, BenchmarkResults.Json), cancellationToken).ConfigureAwait(false);
    }
}
