using System.Text;
using System.Text.Json;
using Microsoft.Playwright;

namespace Appliance.BrowserTests.Infrastructure;

/// <summary>One rule axe-core found broken, with the elements that break it.</summary>
internal sealed record AxeViolation(string Id, string Impact, string Help, string HelpUrl, IReadOnlyList<string> Nodes);

/// <summary>What one axe-core run found.</summary>
internal sealed record AxeReport(string Version, int RulesPassed, IReadOnlyList<AxeViolation> Violations)
{
    /// <summary>Every violation with its impact, help text and elements: the failure message of an accessibility test.</summary>
    public string Describe(string page)
    {
        var text = new StringBuilder();
        text.Append(page).Append(": ").Append(Violations.Count).Append(" WCAG 2.1 A/AA violation(s) found by axe-core ").AppendLine(Version);
        foreach (var violation in Violations)
        {
            text.Append("- ").Append(violation.Id).Append(" (").Append(violation.Impact).Append("): ").Append(violation.Help)
                .Append(" <").Append(violation.HelpUrl).AppendLine(">");
            foreach (var node in violation.Nodes)
            {
                text.Append("    ").AppendLine(node);
            }
        }

        return text.ToString();
    }
}

/// <summary>
/// Runs axe-core (the npm package in this project's node_modules; tests/run.sh installs it with npm ci) in a page,
/// restricted to the WCAG 2.0 and 2.1 level A and AA rules.
/// </summary>
internal static class Axe
{
    /// <summary>The axe-core tags of WCAG 2.1 level AA, which includes level A.</summary>
    public static IReadOnlyList<string> Wcag21AaTags { get; } = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

    private const string RunScript = """
        async (tags) => {
          const results = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
          const selector = (target) => target.map(part => Array.isArray(part) ? part.join(' >>> ') : part).join(' ');
          return {
            version: axe.version,
            rulesPassed: results.passes.length,
            violations: results.violations.map(v => ({
              id: v.id,
              impact: v.impact || '',
              help: v.help,
              helpUrl: v.helpUrl,
              nodes: v.nodes.map(n => selector(n.target) + ' :: ' + (n.failureSummary || '').replace(/\s+/g, ' ').trim()),
            })),
          };
        }
        """;

    private static readonly Lazy<string> Script = new(FindScript);

    /// <summary>
    /// Context options for pages axe will run in: axe is injected as an inline script, which the appliance's
    /// Content-Security-Policy rightly refuses, so only these contexts bypass the policy.
    /// </summary>
    public static BrowserNewContextOptions ContextOptions(Uri baseAddress, string? storageState = null)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        var options = ChromiumBrowser.ContextOptions(baseAddress.AbsoluteUri);
        options.BypassCSP = true;
        options.StorageState = storageState;
        return options;
    }

    /// <summary>Injects axe-core into the page as it is now and runs the WCAG 2.1 A/AA rules on the whole document.</summary>
    public static async Task<AxeReport> RunAsync(IPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        await page.AddScriptTagAsync(new PageAddScriptTagOptions { Path = Script.Value });
        var result = await page.EvaluateAsync<JsonElement>(RunScript, Wcag21AaTags);

        var violations = new List<AxeViolation>();
        foreach (var v in result.GetProperty("violations").EnumerateArray())
        {
            violations.Add(new AxeViolation(
                v.GetProperty("id").GetString() ?? "",
                v.GetProperty("impact").GetString() ?? "",
                v.GetProperty("help").GetString() ?? "",
                v.GetProperty("helpUrl").GetString() ?? "",
                [.. v.GetProperty("nodes").EnumerateArray().Select(n => n.GetString() ?? "")]));
        }

        return new AxeReport(result.GetProperty("version").GetString() ?? "?", result.GetProperty("rulesPassed").GetInt32(), violations);
    }

    /// <summary>Fails the test with every violation listed, or when axe checked nothing at all.</summary>
    public static void AssertNoViolations(AxeReport report, string page)
    {
        ArgumentNullException.ThrowIfNull(report);
        // A run that passed no rule did not look at the page (wrong tags, empty document): that is no evidence.
        Assert.That(report.RulesPassed, Is.GreaterThan(0), $"{page}: axe-core passed no rule, so it checked nothing");
        Assert.That(report.Violations.Select(v => v.Id), Is.Empty, () => report.Describe(page));
    }

    private static string FindScript()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Appliance.sln")))
            {
                var script = Path.Combine(folder.FullName, "tests", "Appliance.BrowserTests", "node_modules", "axe-core", "axe.min.js");
                return File.Exists(script)
                    ? script
                    : throw new FileNotFoundException(
                        "axe-core is not installed. Run 'npm ci' in tests/Appliance.BrowserTests (tests/run.sh does this).", script);
            }
        }

        throw new DirectoryNotFoundException($"No folder above {AppContext.BaseDirectory} holds Appliance.sln, so axe-core cannot be found.");
    }
}
