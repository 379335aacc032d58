using System.Globalization;
using System.Text;
using Appliance.Crypto.Srtp;
using Appliance.LoadGen.Workloads;

namespace Appliance.LoadGen.Report;

/// <summary>
/// chart.png with gnuplot (Debian's gnuplot-nox, installed by tests/bench.sh): forwarded packets per second against SFU
/// CPU for every GCM window, and p99 added latency against listeners in the ramps. The data and the script are kept
/// next to it, so the chart can be drawn again.
/// </summary>
internal static class Chart
{
    public static async Task<bool> DrawAsync(BenchmarkResults results, string directory, TextWriter log, CancellationToken cancellationToken)
    {
        var gcm = results.Windows.Where(w => w.Profile == nameof(SrtpProfile.AeadAes128Gcm)).ToList();
        var data = new StringBuilder();
        var index = 0;
        var blocks = new List<(string Title, int Index)>();
        foreach (var sfu in new[] { "appliance", "janus" })
        {
            foreach (var workload in new[] { "W1", "W2", "W3", "W4" })
            {
                var windows = gcm.Where(w => w.Sfu == sfu && w.Workload == workload).OrderBy(w => w.Participants).ToList();
                if (windows.Count == 0)
                {
                    continue;
                }

                data.Append(CultureInfo.InvariantCulture, $"# {sfu} {workload}\n");
                foreach (var w in windows)
                {
                    var listeners = w.Workload switch { "W3" => w.Participants - 1, "W4" => w.Participants - 10, _ => w.Participants };
                    data.Append(CultureInfo.InvariantCulture, $"{w.ForwardedPacketsPerSecond / 1000:0.000} {w.SfuCores * 100:0.00} {listeners} {w.LatencyP99Ms:0.000}\n");
                }

                data.Append("\n\n");
                blocks.Add(($"{sfu} {workload}", index++));
            }
        }

        if (blocks.Count == 0)
        {
            return false;
        }

        await File.WriteAllTextAsync(Path.Combine(directory, "chart.dat"), data.ToString(), cancellationToken).ConfigureAwait(false);
        string Style(string title) => title.StartsWith("appliance", StringComparison.Ordinal) ? "lc rgb '#1f77b4'" : "lc rgb '#d62728'";
        string Points(string title) => title.EndsWith("W1", StringComparison.Ordinal) ? "pt 7" : title.EndsWith("W2", StringComparison.Ordinal) ? "pt 5" : title.EndsWith("W3", StringComparison.Ordinal) ? "pt 9" : "pt 13";
        var cpuPlot = string.Join(", ", blocks.Select(b => $"'chart.dat' index {b.Index} using 1:2 with linespoints {Style(b.Title)} {Points(b.Title)} ps 1.3 title '{b.Title}'"));
        var latencyPlot = string.Join(", ", blocks.Where(b => b.Title.EndsWith("W3", StringComparison.Ordinal) || b.Title.EndsWith("W4", StringComparison.Ordinal))
            .Select(b => $"'chart.dat' index {b.Index} using 3:4 with linespoints {Style(b.Title)} {Points(b.Title)} ps 1.3 title '{b.Title}'"));
        var script = $"""
            set terminal pngcairo size 1400,560 font 'Sans,11'
            set output 'chart.png'
            set multiplot layout 1,2 title 'Appliance vs Janus, SRTP GCM ({results.CpuModel}, {results.Cores} cores, SFU on one core)'
            set grid
            set key top left
            set xlabel 'forwarded packets per second (thousands)'
            set ylabel 'SFU CPU, % of one core'
            set yrange [0:*]
            plot {cpuPlot}
            set xlabel 'listeners (W3, W4 ramps)'
            set ylabel 'p99 added latency, ms'
            set logscale y
            set yrange [*:*]
            plot {(latencyPlot.Length > 0 ? latencyPlot : "1/0 notitle")}
            unset multiplot
            """;
        await File.WriteAllTextAsync(Path.Combine(directory, "chart.gp"), script, cancellationToken).ConfigureAwait(false);
        try
        {
            var (exit, _, errors) = await ChildProcess.RunAsync("gnuplot", ["chart.gp"], directory, cancellationToken).ConfigureAwait(false);
            if (exit != 0)
            {
                await log.WriteLineAsync("gnuplot failed: " + errors).ConfigureAwait(false);
            }

            return exit == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            await log.WriteLineAsync("gnuplot is not installed (apt-get install gnuplot-nox); chart.dat and chart.gp are written, chart.png is not.").ConfigureAwait(false);
            return false;
        }
    }
}
